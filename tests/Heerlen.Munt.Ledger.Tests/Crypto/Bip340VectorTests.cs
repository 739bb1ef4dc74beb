using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Crypto;

/// <summary>
/// The official BIP340 test vectors (Vectors/bip340_vectors.csv, source in Vectors/README.md) run through
/// both verifiers and through our signer.
/// </summary>
public class When_checking_the_official_bip340_vectors
{
    public sealed record Vector(int Index, byte[] Secret, byte[] PublicKey, byte[] AuxRand, byte[] Message, byte[] Signature, bool Valid, string Comment);

    public static IReadOnlyList<Vector> Load() =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "Vectors", "bip340_vectors.csv"))
            .Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split(','))
            .Select(f => new Vector(int.Parse(f[0]), Convert.FromHexString(f[1]), Convert.FromHexString(f[2]), Convert.FromHexString(f[3]),
                Convert.FromHexString(f[4]), Convert.FromHexString(f[5]), f[6] == "TRUE", f.Length > 7 ? f[7] : ""))
            .ToList();

    public static TheoryData<int> Indices() => [.. Load().Select(v => v.Index)];

    [Fact]
    public void all_nineteen_vectors_are_there()
    {
        var vectors = Load();
        Assert.Equal(19, vectors.Count);
        Assert.Equal(Enumerable.Range(0, 19), vectors.Select(v => v.Index));
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void managed_and_native_give_the_vector_result(int index)
    {
        var v = Load()[index];
        if (v.Message.Length != 32)
        {
            // The ledger only signs 32-byte digests; both verifiers refuse other lengths by design.
            Assert.False(ManagedSchnorrVerifier.Instance.Verify(v.PublicKey, v.Message, v.Signature));
            Assert.False(NativeSchnorrVerifier.Instance.Verify(v.PublicKey, v.Message, v.Signature));
            // The native library itself handles any length (BIP340 2022 revision) and must match the vector.
            Assert.Equal(v.Valid, NativeVerifyAnyLength(v));
            return;
        }
        Assert.Equal(v.Valid, ManagedSchnorrVerifier.Instance.Verify(v.PublicKey, v.Message, v.Signature));
        Assert.Equal(v.Valid, NativeSchnorrVerifier.Instance.Verify(v.PublicKey, v.Message, v.Signature));
    }

    [Theory]
    [MemberData(nameof(Indices))]
    public void our_signer_reproduces_the_vector_signature(int index)
    {
        var v = Load()[index];
        if (v.Secret.Length == 0 || v.Message.Length != 32) return;
        var key = SigningKey.FromSecret(v.Secret);
        Assert.Equal(Convert.ToHexString(v.PublicKey), Convert.ToHexString(key.PublicKey.Span));
        Assert.Equal(Convert.ToHexString(v.Signature), Convert.ToHexString(key.Sign(v.Message, v.AuxRand)));
    }

    private static bool NativeVerifyAnyLength(Vector v)
    {
        try
        {
            return Secp256k1Net.Secp256k1.VerifySchnorr(v.Signature, v.Message, v.PublicKey);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

public class When_managed_and_native_verifiers_see_the_same_input
{
    private static readonly Arbitrary<(byte[] Secret, byte[] Message, int Corruption, int Position)> Inputs =
        (from secret in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32).Where(IsValidSecret)
         from message in Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 32)
         from corruption in Gen.Choose(0, 5)
         from position in Gen.Choose(0, 1023)
         select (secret, message, corruption, position)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property they_agree_on_valid_and_corrupted_signatures() =>
        Prop.ForAll(Inputs, input =>
        {
            var key = SigningKey.FromSecret(input.Secret);
            byte[] publicKey = key.PublicKey.Span.ToArray();
            byte[] message = (byte[])input.Message.Clone();
            byte[] signature = key.Sign(message);
            bool expectValid = input.Corruption == 0;
            switch (input.Corruption)
            {
                case 1: signature[input.Position % 64] ^= (byte)(1 << (input.Position % 8)); break;
                case 2: message[input.Position % 32] ^= (byte)(1 << (input.Position % 8)); break;
                case 3: publicKey[input.Position % 32] ^= (byte)(1 << (input.Position % 8)); break;
                case 4: signature = SigningKey.Generate().Sign(message); break; // signed by the wrong key
                case 5: Array.Fill(signature, (byte)0xFF); break; // r and s out of range
            }
            bool managed = ManagedSchnorrVerifier.Instance.Verify(publicKey, message, signature);
            bool native = NativeSchnorrVerifier.Instance.Verify(publicKey, message, signature);
            return managed == native && managed == expectValid;
        });

    [Fact]
    public void wrong_lengths_are_refused_by_both_without_an_exception()
    {
        foreach (var verifier in new ISchnorrVerifier[] { ManagedSchnorrVerifier.Instance, NativeSchnorrVerifier.Instance })
        {
            Assert.False(verifier.Verify(new byte[31], new byte[32], new byte[64]));
            Assert.False(verifier.Verify(new byte[32], new byte[33], new byte[64]));
            Assert.False(verifier.Verify(new byte[32], new byte[32], new byte[63]));
            Assert.False(verifier.Verify(new byte[32], new byte[32], new byte[64]));
        }
    }

    private static bool IsValidSecret(byte[] secret) => NBitcoin.Secp256k1.ECPrivKey.TryCreate(secret, out _);
}
