using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Heerlen.Munt.Ledger.Tests.Crypto;

/// <summary>
/// The RFC 9474 Appendix A test vectors (docs/vectors/rsabssa-rfc9474.json, source cited in the file) through every
/// protocol step, and the signatures through BouncyCastle's own PSS verifier as a second opinion.
/// </summary>
public class RsaBlindSignatureVectorTests
{
    public sealed record Vector(
        RsaBlindVariant Variant, byte[] P, byte[] Q, byte[] N, byte[] E, byte[] D, byte[] Msg, byte[] MsgPrefix, byte[] PreparedMsg,
        byte[] Salt, byte[] EncodedMsg, byte[] Inv, byte[] BlindedMsg, byte[] BlindSig, byte[] Sig);

    private static readonly Lazy<JsonObject> File_ = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "DocVectors", "rsabssa-rfc9474.json")))!.AsObject());

    private static readonly Lazy<IReadOnlyList<Vector>> Vectors = new(() => [.. File_.Value["vectors"]!.AsArray().Select(Read)]);

    public static TheoryData<RsaBlindVariant> Variants() => [.. Enum.GetValues<RsaBlindVariant>()];

    private static Vector Read(JsonNode? node)
    {
        byte[] H(string field) => Convert.FromHexString(node![field]!.GetValue<string>());
        string name = node!["name"]!.GetValue<string>();
        RsaBlindVariant variant = Enum.GetValues<RsaBlindVariant>().Single(v => RsaBlindSignatures.Name(v) == name);
        return new Vector(variant, H("p"), H("q"), H("n"), H("e"), H("d"), H("msg"), H("msg_prefix"), H("prepared_msg"),
            H("salt"), H("encoded_msg"), H("inv"), H("blinded_msg"), H("blind_sig"), H("sig"));
    }

    private static Vector Of(RsaBlindVariant variant) => Vectors.Value.Single(v => v.Variant == variant);

    private static RsaBlindPrivateKey Key(Vector v) => RsaBlindPrivateKey.FromPrimes(v.P, v.Q, v.E, v.D);

    // r from the published inverse: r = inv⁻¹ mod n.
    private static byte[] Blind(Vector v) =>
        BigIntegers.AsUnsignedByteArray(v.N.Length, new BigInteger(1, v.Inv).ModInverse(new BigInteger(1, v.N)));

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    [Fact]
    public void the_vector_file_cites_its_source_and_holds_the_four_rfc_9474_variants()
    {
        string source = File_.Value["source"]!.GetValue<string>();
        Assert.Contains("RFC 9474", source);
        Assert.Contains("cloudflare/circl", source);
        Assert.Contains("blindsign/blindrsa/testdata/test_vectors_rfc9474.json", source);
        Assert.Equal(Enum.GetValues<RsaBlindVariant>().Select(RsaBlindSignatures.Name).Order(), Vectors.Value.Select(v => RsaBlindSignatures.Name(v.Variant)).Order());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void the_vector_key_is_the_published_4096_bit_key(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var key = Key(v);
        Assert.Equal(Hex(v.N), Hex(key.PublicKey.Modulus));
        Assert.Equal("010001", Hex(key.PublicKey.Exponent));
        Assert.Equal(4096, key.PublicKey.ModulusBits);
        Assert.Equal(512, key.PublicKey.ModulusBytes);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void the_rfc_9474_vectors_prepare_to_the_published_prepared_message(RsaBlindVariant variant)
    {
        var v = Of(variant);
        Assert.Equal(RsaBlindSignatures.IsRandomized(variant) ? RsaBlindSignatures.PrefixLength : 0, v.MsgPrefix.Length);
        Assert.Equal(Hex(v.PreparedMsg), Hex(RsaBlindSignatures.Prepare(v.Msg, variant, v.MsgPrefix)));
        if (!RsaBlindSignatures.IsRandomized(variant))
            Assert.Equal(Hex(v.Msg), Hex(RsaBlindSignatures.Prepare(v.Msg, variant, new SecureRandom())));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void the_rfc_9474_vectors_encode_and_blind_to_the_published_blinded_message_and_inverse(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var publicKey = RsaBlindPublicKey.FromComponents(v.N, v.E);
        Assert.Equal(RsaBlindSignatures.SaltLength(variant), v.Salt.Length);
        Assert.Equal(Hex(v.EncodedMsg), Hex(RsaBlindSignatures.EmsaPssEncode(v.PreparedMsg, v.Salt, publicKey.ModulusBits - 1)));

        var blinding = RsaBlindSignatures.Blind(publicKey, v.PreparedMsg, variant, v.Salt, Blind(v));

        Assert.Equal(Hex(v.BlindedMsg), Hex(blinding.BlindedMessage));
        Assert.Equal(Hex(v.Inv), Hex(blinding.Inverse));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void the_rfc_9474_vectors_blind_sign_and_finalize_to_the_published_signature(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var key = Key(v);

        byte[] blindSig = RsaBlindSignatures.BlindSign(key, v.BlindedMsg, new SecureRandom());
        byte[] sig = RsaBlindSignatures.Finalize(key.PublicKey, v.PreparedMsg, blindSig, v.Inv, variant);

        Assert.Equal(Hex(v.BlindSig), Hex(blindSig));
        Assert.Equal(Hex(v.Sig), Hex(sig));
        Assert.True(RsaBlindSignatures.Verify(key.PublicKey, v.PreparedMsg, v.Sig, variant));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void bouncycastle_agrees_on_the_blinded_message_and_the_signature(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var publicKey = new RsaKeyParameters(false, new BigInteger(1, v.N), new BigInteger(1, v.E));

        // PSS encoding through BouncyCastle's blinding engine, with the published salt and r.
        var blinder = new PssSigner(new RsaBlindingEngine(), new Sha384Digest(), v.Salt);
        blinder.Init(true, new RsaBlindingParameters(publicKey, new BigInteger(1, Blind(v))));
        blinder.BlockUpdate(v.PreparedMsg, 0, v.PreparedMsg.Length);
        Assert.Equal(Hex(v.BlindedMsg), Hex(blinder.GenerateSignature()));

        // The finished signature is a plain RSASSA-PSS signature.
        var verifier = new PssSigner(new RsaEngine(), new Sha384Digest(), RsaBlindSignatures.SaltLength(variant));
        verifier.Init(false, publicKey);
        verifier.BlockUpdate(v.PreparedMsg, 0, v.PreparedMsg.Length);
        Assert.True(verifier.VerifySignature(v.Sig));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void a_published_signature_is_valid_only_with_its_own_salt_length_and_prepared_message(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var publicKey = RsaBlindPublicKey.FromComponents(v.N, v.E);
        foreach (var other in Enum.GetValues<RsaBlindVariant>())
            Assert.Equal(RsaBlindSignatures.SaltLength(other) == v.Salt.Length, RsaBlindSignatures.Verify(publicKey, v.PreparedMsg, v.Sig, other));
        if (RsaBlindSignatures.IsRandomized(variant))
            Assert.False(RsaBlindSignatures.Verify(publicKey, v.Msg, v.Sig, variant));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void a_one_bit_change_to_the_published_message_or_signature_fails(RsaBlindVariant variant)
    {
        var v = Of(variant);
        var publicKey = RsaBlindPublicKey.FromComponents(v.N, v.E);
        foreach (int bit in new[] { 0, 7, 8 * v.PreparedMsg.Length - 1 })
        {
            byte[] message = (byte[])v.PreparedMsg.Clone();
            message[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(RsaBlindSignatures.Verify(publicKey, message, v.Sig, variant));
        }
        foreach (int bit in new[] { 0, 1, 8 * v.Sig.Length / 2, 8 * v.Sig.Length - 1 })
        {
            byte[] signature = (byte[])v.Sig.Clone();
            signature[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(RsaBlindSignatures.Verify(publicKey, v.PreparedMsg, signature, variant));
        }
    }

    [Fact]
    public void finalize_refuses_a_blind_signature_that_does_not_unblind_to_a_valid_signature()
    {
        var v = Of(RsaBlindVariant.Sha384PssDeterministic);
        var publicKey = RsaBlindPublicKey.FromComponents(v.N, v.E);
        byte[] damaged = (byte[])v.BlindSig.Clone();
        damaged[^1] ^= 1;

        Assert.Throws<CryptographicException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, damaged, v.Inv, RsaBlindVariant.Sha384PssDeterministic));
        // The other vector's inverse unblinds to garbage.
        Assert.Throws<CryptographicException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, v.BlindSig, Of(RsaBlindVariant.Sha384PssZeroDeterministic).Inv, RsaBlindVariant.Sha384PssDeterministic));
        // A signer's answer of the wrong size or not below n is refused the same way.
        Assert.Throws<CryptographicException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, v.BlindSig[1..], v.Inv, RsaBlindVariant.Sha384PssDeterministic));
        Assert.Throws<CryptographicException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, v.N, v.Inv, RsaBlindVariant.Sha384PssDeterministic));
        // The client's own inverse of the wrong size or out of range is a caller error.
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, v.BlindSig, v.Inv[1..], RsaBlindVariant.Sha384PssDeterministic));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Finalize(publicKey, v.PreparedMsg, v.BlindSig, new byte[v.Inv.Length], RsaBlindVariant.Sha384PssDeterministic));
    }

    [Fact]
    public void the_vector_private_key_round_trips_through_pkcs8()
    {
        var v = Of(RsaBlindVariant.Sha384PssRandomized);
        var key = Key(v);

        var again = RsaBlindPrivateKey.ImportPkcs8(key.ExportPkcs8());

        Assert.Equal(key.PublicKey, again.PublicKey);
        Assert.Equal(Hex(v.BlindSig), Hex(RsaBlindSignatures.BlindSign(again, v.BlindedMsg, new SecureRandom())));
    }

    [Fact]
    public void a_private_key_whose_numbers_do_not_fit_together_is_refused()
    {
        var v = Of(RsaBlindVariant.Sha384PssRandomized);
        byte[] wrongD = (byte[])v.D.Clone();
        wrongD[^1] ^= 2;
        Assert.Throws<ArgumentException>(() => RsaBlindPrivateKey.FromPrimes(v.P, v.Q, v.E, wrongD));
        Assert.Throws<ArgumentException>(() => RsaBlindPrivateKey.FromPrimes(v.P, v.P, v.E, v.D));
    }
}

/// <summary>Two freshly generated 2048-bit keys, made once for the test class (generation takes a second or so).</summary>
public sealed class RsaBlindTestKeys
{
    public RsaBlindPrivateKey Signer { get; } = RsaBlindPrivateKey.Generate(2048, new SecureRandom());

    public RsaBlindPrivateKey Other { get; } = RsaBlindPrivateKey.Generate(2048, new SecureRandom());
}

/// <summary>The protocol with fresh keys and fresh randomness, the key encodings, and what Verify does with bad input.</summary>
public class RsaBlindSignaturesTests(RsaBlindTestKeys keys) : IClassFixture<RsaBlindTestKeys>
{
    private static readonly SecureRandom Rng = new();

    public static TheoryData<RsaBlindVariant> Variants() => [.. Enum.GetValues<RsaBlindVariant>()];

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    private static bool BelowModulus(ReadOnlySpan<byte> value, RsaBlindPublicKey key) =>
        new BigInteger(1, value.ToArray()).CompareTo(new BigInteger(1, key.Modulus.ToArray())) < 0;

    private byte[] SignFresh(RsaBlindPrivateKey key, byte[] prepared, RsaBlindVariant variant)
    {
        var blinding = RsaBlindSignatures.Blind(key.PublicKey, prepared, variant, Rng);
        return RsaBlindSignatures.Finalize(key.PublicKey, prepared, RsaBlindSignatures.BlindSign(key, blinding.BlindedMessage, Rng), blinding.Inverse, variant);
    }

    [Fact]
    public void generated_keys_have_the_asked_size_and_exponent_65537()
    {
        Assert.Equal(2048, keys.Signer.PublicKey.ModulusBits);
        Assert.Equal(256, keys.Signer.PublicKey.ModulusBytes);
        Assert.Equal("010001", Hex(keys.Signer.PublicKey.Exponent));
        Assert.NotEqual(keys.Signer.PublicKey, keys.Other.PublicKey);
        Assert.Throws<ArgumentOutOfRangeException>(() => RsaBlindPrivateKey.Generate(1024, Rng));
        Assert.Throws<ArgumentOutOfRangeException>(() => RsaBlindPrivateKey.Generate(4097, Rng));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void a_fresh_2048_bit_key_round_trips_and_every_blind_is_fresh(RsaBlindVariant variant)
    {
        var key = keys.Signer;
        byte[] message = "reward: straatmeubilair, 15 euro"u8.ToArray();
        byte[] prepared = RsaBlindSignatures.Prepare(message, variant, Rng);
        if (RsaBlindSignatures.IsRandomized(variant))
        {
            Assert.Equal(message.Length + 32, prepared.Length);
            Assert.NotEqual(Hex(prepared), Hex(RsaBlindSignatures.Prepare(message, variant, Rng)));
        }

        var first = RsaBlindSignatures.Blind(key.PublicKey, prepared, variant, Rng);
        var second = RsaBlindSignatures.Blind(key.PublicKey, prepared, variant, Rng);
        Assert.Equal(256, first.BlindedMessage.Length);
        Assert.Equal(256, first.Inverse.Length);
        Assert.NotEqual(Hex(first.BlindedMessage), Hex(second.BlindedMessage));
        Assert.NotEqual(Hex(first.Inverse), Hex(second.Inverse));

        byte[] sig1 = RsaBlindSignatures.Finalize(key.PublicKey, prepared, RsaBlindSignatures.BlindSign(key, first.BlindedMessage, Rng), first.Inverse, variant);
        byte[] sig2 = RsaBlindSignatures.Finalize(key.PublicKey, prepared, RsaBlindSignatures.BlindSign(key, second.BlindedMessage, Rng), second.Inverse, variant);

        Assert.True(RsaBlindSignatures.Verify(key.PublicKey, prepared, sig1, variant));
        Assert.True(RsaBlindSignatures.Verify(key.PublicKey, prepared, sig2, variant));
        // With no salt there is one signature per prepared message; with a salt, each blind gives its own.
        Assert.Equal(RsaBlindSignatures.SaltLength(variant) == 0, Hex(sig1) == Hex(sig2));
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void a_signature_from_another_key_fails_verification(RsaBlindVariant variant)
    {
        byte[] prepared = RsaBlindSignatures.Prepare("job 42 done"u8, variant, Rng);
        byte[] signature = SignFresh(keys.Other, prepared, variant);

        Assert.True(RsaBlindSignatures.Verify(keys.Other.PublicKey, prepared, signature, variant));
        Assert.False(RsaBlindSignatures.Verify(keys.Signer.PublicKey, prepared, signature, variant));

        // A blind signature from the wrong signer does not finalize. The wrong signer refuses a
        // blinded message that is not below its own modulus, so blind again until it is below
        // (each try has a fair chance; the two moduli differ only in their random bits).
        var blinding = RsaBlindSignatures.Blind(keys.Signer.PublicKey, prepared, variant, Rng);
        for (int tries = 0; !BelowModulus(blinding.BlindedMessage, keys.Other.PublicKey) && tries < 64; tries++)
        {
            Assert.Throws<ArgumentException>(() => RsaBlindSignatures.BlindSign(keys.Other, blinding.BlindedMessage, Rng));
            blinding = RsaBlindSignatures.Blind(keys.Signer.PublicKey, prepared, variant, Rng);
        }
        byte[] wrongSigner = RsaBlindSignatures.BlindSign(keys.Other, blinding.BlindedMessage, Rng);
        Assert.Throws<CryptographicException>(() => RsaBlindSignatures.Finalize(keys.Signer.PublicKey, prepared, wrongSigner, blinding.Inverse, variant));
    }

    [Fact]
    public void a_one_bit_change_to_message_or_signature_fails_verification()
    {
        const RsaBlindVariant variant = RsaBlindVariant.Sha384PssRandomized;
        byte[] prepared = RsaBlindSignatures.Prepare("one bit"u8, variant, Rng);
        byte[] signature = SignFresh(keys.Signer, prepared, variant);
        Assert.True(RsaBlindSignatures.Verify(keys.Signer.PublicKey, prepared, signature, variant));
        for (int bit = 0; bit < 8 * prepared.Length; bit += 13)
        {
            byte[] message = (byte[])prepared.Clone();
            message[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(RsaBlindSignatures.Verify(keys.Signer.PublicKey, message, signature, variant));
        }
        for (int bit = 0; bit < 8 * signature.Length; bit += 97)
        {
            byte[] changed = (byte[])signature.Clone();
            changed[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(RsaBlindSignatures.Verify(keys.Signer.PublicKey, prepared, changed, variant));
        }
    }

    [Fact]
    public void verify_returns_false_without_throwing_on_wrong_lengths_out_of_range_values_and_nonsense()
    {
        const RsaBlindVariant variant = RsaBlindVariant.Sha384PssDeterministic;
        var publicKey = keys.Signer.PublicKey;
        byte[] prepared = "checked by the ledger"u8.ToArray();
        byte[] signature = SignFresh(keys.Signer, prepared, variant);
        byte[] n = publicKey.Modulus.ToArray();
        byte[] nPlusOne = BigIntegers.AsUnsignedByteArray(n.Length, new BigInteger(1, n).Add(BigInteger.One));
        byte[] allOnes = Enumerable.Repeat((byte)0xFF, n.Length).ToArray();

        byte[][] bad = [[], [0], signature[1..], [0, .. signature], [.. signature, 0], n, nPlusOne, allOnes, new byte[n.Length], [.. new byte[n.Length - 1], 1]];
        foreach (byte[] candidate in bad)
            Assert.False(RsaBlindSignatures.Verify(publicKey, prepared, candidate, variant));
        Assert.False(RsaBlindSignatures.Verify(null!, prepared, signature, variant));
        Assert.False(RsaBlindSignatures.Verify(publicKey, prepared, signature, (RsaBlindVariant)42));
        Assert.True(RsaBlindSignatures.Verify(publicKey, prepared, signature, variant));
    }

    [Fact]
    public void blind_sign_refuses_a_blinded_message_of_the_wrong_length_or_not_below_n()
    {
        byte[] n = keys.Signer.PublicKey.Modulus.ToArray();
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.BlindSign(keys.Signer, n[1..], Rng));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.BlindSign(keys.Signer, [0, .. n], Rng));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.BlindSign(keys.Signer, n, Rng));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.BlindSign(keys.Signer, Enumerable.Repeat((byte)0xFF, n.Length).ToArray(), Rng));
    }

    [Fact]
    public void blind_with_given_values_refuses_a_salt_of_the_wrong_length_and_a_blind_outside_1_to_n()
    {
        var publicKey = keys.Signer.PublicKey;
        byte[] r = BigIntegers.AsUnsignedByteArray(publicKey.ModulusBytes, BigInteger.ValueOf(12345));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Blind(publicKey, "m"u8, RsaBlindVariant.Sha384PssDeterministic, new byte[47], r));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Blind(publicKey, "m"u8, RsaBlindVariant.Sha384PssZeroDeterministic, new byte[48], r));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Blind(publicKey, "m"u8, RsaBlindVariant.Sha384PssZeroDeterministic, [], new byte[publicKey.ModulusBytes]));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Blind(publicKey, "m"u8, RsaBlindVariant.Sha384PssZeroDeterministic, [], publicKey.Modulus));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Prepare("m"u8, RsaBlindVariant.Sha384PssRandomized, new byte[31]));
        Assert.Throws<ArgumentException>(() => RsaBlindSignatures.Prepare("m"u8, RsaBlindVariant.Sha384PssDeterministic, new byte[32]));
    }

    [Fact]
    public void the_public_key_encoding_round_trips_and_names_the_key()
    {
        var publicKey = keys.Signer.PublicKey;
        byte[] encoding = publicKey.Encode();

        Assert.Equal(2 + 256 + 2 + 3, encoding.Length);
        Assert.Equal("0100", Hex(encoding.AsSpan(0, 2)));
        Assert.Equal("0003010001", Hex(encoding.AsSpan(258)));
        var decoded = RsaBlindPublicKey.Decode(encoding);
        Assert.Equal(publicKey, decoded);
        Assert.Equal(Hex(encoding), Hex(decoded.Encode()));
        Assert.Equal(Hex(SHA256.HashData(encoding)), Hex(publicKey.KeyId.Span));
        Assert.Equal(publicKey.KeyId, decoded.KeyId);
        Assert.NotEqual(publicKey.KeyId, keys.Other.PublicKey.KeyId);
        Assert.Equal(publicKey, RsaBlindPublicKey.FromComponents([0, .. publicKey.Modulus], publicKey.Exponent));
    }

    public static TheoryData<string, byte[]> NonCanonicalEncodings()
    {
        // A valid 2048-bit odd modulus to start from: the generated keys are not available to static data, so build one.
        byte[] n = Enumerable.Repeat((byte)0xC3, 256).ToArray();
        n[^1] |= 1;
        byte[] e = [0x01, 0x00, 0x01];
        static byte[] Enc(byte[] n, byte[] e) => [(byte)(n.Length >> 8), (byte)(n.Length & 0xFF), .. n, (byte)(e.Length >> 8), (byte)(e.Length & 0xFF), .. e];
        byte[] good = Enc(n, e);
        byte[] n2047 = (byte[])n.Clone();
        n2047[0] = 0x43;
        byte[] n4097 = [0x01, .. n, .. n];
        byte[] evenN = (byte[])n.Clone();
        evenN[^1] &= 0xFE;
        return new()
        {
            { "leading zero in n", Enc([0, .. n], e) },
            { "leading zero in e", Enc(n, [0, .. e]) },
            { "modulus of 2047 bits", Enc(n2047, e) },
            { "modulus of 1024 bits", Enc(n[..128], e) },
            { "modulus of 4097 bits", Enc(n4097, e) },
            { "even modulus", Enc(evenN, e) },
            { "even exponent", Enc(n, [0x01, 0x00, 0x02]) },
            { "exponent 1", Enc(n, [0x01]) },
            { "empty exponent", Enc(n, []) },
            { "empty modulus", Enc([], e) },
            { "exponent not below n", Enc(n, [.. n]) },
            { "trailing byte", [.. good, 0] },
            { "truncated", good[..^1] },
            { "no exponent", good[..(2 + n.Length)] },
            { "empty", [] },
        };
    }

    [Theory]
    [MemberData(nameof(NonCanonicalEncodings))]
    public void decode_refuses_non_canonical_or_unacceptable_keys(string why, byte[] encoding)
    {
        var ex = Assert.Throws<FormatException>(() => RsaBlindPublicKey.Decode(encoding));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message), why);
    }

    [Fact]
    public void decode_accepts_the_built_good_encoding()
    {
        // The refusals above differ from this one only in what they say.
        byte[] n = Enumerable.Repeat((byte)0xC3, 256).ToArray();
        n[^1] |= 1;
        byte[] encoding = [0x01, 0x00, .. n, 0x00, 0x03, 0x01, 0x00, 0x01];
        var key = RsaBlindPublicKey.Decode(encoding);
        Assert.Equal(2048, key.ModulusBits);
        Assert.Equal(Hex(encoding), Hex(key.Encode()));
    }

    [Fact]
    public void a_private_key_round_trips_through_pkcs8_and_signs_identically()
    {
        var key = keys.Signer;
        byte[] der = key.ExportPkcs8();
        var again = RsaBlindPrivateKey.ImportPkcs8(der);

        Assert.Equal(key.PublicKey, again.PublicKey);
        Assert.Equal(Hex(der), Hex(again.ExportPkcs8()));
        byte[] prepared = RsaBlindSignatures.Prepare("pkcs8"u8, RsaBlindVariant.Sha384PssZeroDeterministic, Rng);
        var blinding = RsaBlindSignatures.Blind(key.PublicKey, prepared, RsaBlindVariant.Sha384PssZeroDeterministic, Rng);
        Assert.Equal(Hex(RsaBlindSignatures.BlindSign(key, blinding.BlindedMessage, Rng)), Hex(RsaBlindSignatures.BlindSign(again, blinding.BlindedMessage, Rng)));
        Assert.DoesNotContain(Hex(key.Parameters.Exponent.ToByteArrayUnsigned()), key.ToString());
    }

    [Fact]
    public void importing_something_that_is_not_a_pkcs8_rsa_key_is_a_format_error()
    {
        byte[] der = keys.Signer.ExportPkcs8();
        Assert.Throws<FormatException>(() => RsaBlindPrivateKey.ImportPkcs8([]));
        Assert.Throws<FormatException>(() => RsaBlindPrivateKey.ImportPkcs8("not a key"u8));
        Assert.Throws<FormatException>(() => RsaBlindPrivateKey.ImportPkcs8(der[..^10]));
        Assert.Throws<FormatException>(() => RsaBlindPrivateKey.ImportPkcs8(keys.Signer.PublicKey.Encode()));
    }
}
