using System.Buffers.Binary;
using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Utilities;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>The four named RSABSSA variants of RFC 9474 section 5. All use SHA-384 and MGF1 with SHA-384.</summary>
public enum RsaBlindVariant
{
    /// <summary>RSABSSA-SHA384-PSS-Randomized: 48-byte salt, 32 random bytes prefixed to the message.</summary>
    Sha384PssRandomized,

    /// <summary>RSABSSA-SHA384-PSSZERO-Randomized: no salt, 32 random bytes prefixed to the message.</summary>
    Sha384PssZeroRandomized,

    /// <summary>RSABSSA-SHA384-PSS-Deterministic: 48-byte salt, the message as it is.</summary>
    Sha384PssDeterministic,

    /// <summary>RSABSSA-SHA384-PSSZERO-Deterministic: no salt, the message as it is (one valid signature per message).</summary>
    Sha384PssZeroDeterministic,
}

/// <summary>
/// What <see cref="RsaBlindSignatures.Blind(RsaBlindPublicKey, ReadOnlySpan{byte}, RsaBlindVariant, SecureRandom)"/> gives the
/// client: the blinded message to send to the signer, and the inverse of the blind, which the client keeps secret
/// until <see cref="RsaBlindSignatures.Finalize"/>. Both are k bytes (the modulus length), big-endian.
/// </summary>
public sealed record RsaBlinding(byte[] BlindedMessage, byte[] Inverse);

/// <summary>
/// RSA blind signatures, RFC 9474 (RSABSSA with SHA-384, MGF1-SHA-384, salt length 48 or 0), on BouncyCastle.
/// <para>
/// The client prepares its message (<see cref="Prepare(ReadOnlySpan{byte}, RsaBlindVariant, SecureRandom)"/>), blinds it
/// (<see cref="Blind(RsaBlindPublicKey, ReadOnlySpan{byte}, RsaBlindVariant, SecureRandom)"/>) and sends the blinded message;
/// the signer signs it without learning it (<see cref="BlindSign"/>); the client unblinds the answer into an ordinary
/// RSASSA-PSS signature of the prepared message (<see cref="Finalize"/>). Anyone checks it with <see cref="Verify"/>.
/// </para>
/// <para>
/// No randomness of its own: whatever needs some takes a <see cref="SecureRandom"/>. Errors of the caller's inputs are
/// <see cref="ArgumentException"/>; a signature that does not check out is <see cref="CryptographicException"/>;
/// <see cref="Verify"/> never throws.
/// </para>
/// </summary>
public static class RsaBlindSignatures
{
    /// <summary>Length of the random prefix of the Randomized variants (RFC 9474 section 4.1).</summary>
    public const int PrefixLength = 32;

    // SHA-384.
    private const int HashLength = 48;

    // RFC 9474 section 4.2: r is drawn again when it has no inverse. For a proper modulus that never happens; the bound
    // only keeps a broken key from looping forever.
    private const int BlindAttemptsMax = 8;

    /// <summary>The RFC 9474 name of a variant, e.g. "RSABSSA-SHA384-PSS-Randomized".</summary>
    public static string Name(RsaBlindVariant variant) => variant switch
    {
        RsaBlindVariant.Sha384PssRandomized => "RSABSSA-SHA384-PSS-Randomized",
        RsaBlindVariant.Sha384PssZeroRandomized => "RSABSSA-SHA384-PSSZERO-Randomized",
        RsaBlindVariant.Sha384PssDeterministic => "RSABSSA-SHA384-PSS-Deterministic",
        RsaBlindVariant.Sha384PssZeroDeterministic => "RSABSSA-SHA384-PSSZERO-Deterministic",
        _ => throw UnknownVariant(variant),
    };

    /// <summary>The PSS salt length of a variant in bytes: 48, or 0 for PSSZERO.</summary>
    public static int SaltLength(RsaBlindVariant variant) => variant switch
    {
        RsaBlindVariant.Sha384PssRandomized or RsaBlindVariant.Sha384PssDeterministic => HashLength,
        RsaBlindVariant.Sha384PssZeroRandomized or RsaBlindVariant.Sha384PssZeroDeterministic => 0,
        _ => throw UnknownVariant(variant),
    };

    /// <summary>True for the variants that prefix the message with <see cref="PrefixLength"/> random bytes.</summary>
    public static bool IsRandomized(RsaBlindVariant variant) => variant switch
    {
        RsaBlindVariant.Sha384PssRandomized or RsaBlindVariant.Sha384PssZeroRandomized => true,
        RsaBlindVariant.Sha384PssDeterministic or RsaBlindVariant.Sha384PssZeroDeterministic => false,
        _ => throw UnknownVariant(variant),
    };

    /// <summary>
    /// RFC 9474 section 4.1: the message that is actually signed. Deterministic variants: the message itself.
    /// Randomized variants: 32 fresh bytes from <paramref name="rng"/> followed by the message. Keep the result: it is
    /// what <see cref="Finalize"/> and <see cref="Verify"/> take.
    /// </summary>
    public static byte[] Prepare(ReadOnlySpan<byte> message, RsaBlindVariant variant, SecureRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!IsRandomized(variant)) return message.ToArray();
        var prefix = new byte[PrefixLength];
        rng.NextBytes(prefix);
        return Prepare(message, variant, prefix);
    }

    // Prepare with a given prefix, to reproduce test vectors. Internal on purpose: RFC 9474 wants the prefix random.
    internal static byte[] Prepare(ReadOnlySpan<byte> message, RsaBlindVariant variant, ReadOnlySpan<byte> prefix)
    {
        int expected = IsRandomized(variant) ? PrefixLength : 0;
        if (prefix.Length != expected) throw new ArgumentException($"{Name(variant)} takes a prefix of {expected} bytes, got {prefix.Length}", nameof(prefix));
        return [.. prefix, .. message];
    }

    /// <summary>
    /// RFC 9474 section 4.2: EMSA-PSS-encodes the prepared message with a fresh salt and multiplies it by rᵉ for a fresh
    /// uniform r in [1, n). Throws <see cref="ArgumentException"/> if the encoded message shares a factor with n (the key
    /// is not a proper RSA key).
    /// </summary>
    public static RsaBlinding Blind(RsaBlindPublicKey publicKey, ReadOnlySpan<byte> preparedMessage, RsaBlindVariant variant, SecureRandom rng)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        ArgumentNullException.ThrowIfNull(rng);
        var salt = new byte[SaltLength(variant)];
        rng.NextBytes(salt);
        BigInteger m = EncodedRepresentative(publicKey, preparedMessage, salt);
        BigInteger nMinusOne = publicKey.N.Subtract(BigInteger.One);
        for (int attempt = 0; attempt < BlindAttemptsMax; attempt++)
        {
            BigInteger r = BigIntegers.CreateRandomInRange(BigInteger.One, nMinusOne, rng);
            if (r.Gcd(publicKey.N).Equals(BigInteger.One)) return BlindWith(publicKey, m, r);
        }
        throw new CryptographicException("blinding error: no invertible blind found; the public key is not a proper RSA modulus");
    }

    // Blind with a given salt and blinding scalar r (big-endian), to reproduce test vectors. Internal on purpose: RFC 9474
    // section 6 advises against letting callers choose the salt, and r must be fresh and uniform.
    internal static RsaBlinding Blind(RsaBlindPublicKey publicKey, ReadOnlySpan<byte> preparedMessage, RsaBlindVariant variant, ReadOnlySpan<byte> salt, ReadOnlySpan<byte> r)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        if (salt.Length != SaltLength(variant)) throw new ArgumentException($"{Name(variant)} takes a salt of {SaltLength(variant)} bytes, got {salt.Length}", nameof(salt));
        var blind = new BigInteger(1, r.ToArray());
        if (blind.SignValue <= 0 || blind.CompareTo(publicKey.N) >= 0) throw new ArgumentException("the blind r must be in [1, n)", nameof(r));
        if (!blind.Gcd(publicKey.N).Equals(BigInteger.One)) throw new ArgumentException("blinding error: r has no inverse modulo n", nameof(r));
        return BlindWith(publicKey, EncodedRepresentative(publicKey, preparedMessage, salt.ToArray()), blind);
    }

    /// <summary>
    /// RFC 9474 section 4.3: the signer's RSASP1 (CRT, with RSA blinding against timing attacks, randomness from
    /// <paramref name="rng"/>) on a blinded message of exactly k bytes below n; <see cref="ArgumentException"/>
    /// otherwise. The result is checked with RSAVP1 before it leaves (a fault during signing could leak the key):
    /// <see cref="CryptographicException"/> if it does not check out. Returns k bytes.
    /// </summary>
    public static byte[] BlindSign(RsaBlindPrivateKey privateKey, ReadOnlySpan<byte> blindedMessage, SecureRandom rng)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        ArgumentNullException.ThrowIfNull(rng);
        RsaBlindPublicKey publicKey = privateKey.PublicKey;
        int k = publicKey.ModulusBytes;
        if (blindedMessage.Length != k) throw new ArgumentException($"unexpected input size: a blinded message for this key is {k} bytes, got {blindedMessage.Length}", nameof(blindedMessage));
        byte[] input = blindedMessage.ToArray();
        var m = new BigInteger(1, input);
        if (m.CompareTo(publicKey.N) >= 0) throw new ArgumentException("message representative out of range: the blinded message is not below n", nameof(blindedMessage));

        var engine = new RsaBlindedEngine();
        engine.Init(true, new ParametersWithRandom(privateKey.Parameters, rng));
        BigInteger s;
        try
        {
            s = new BigInteger(1, engine.ProcessBlock(input, 0, input.Length));
        }
        catch (CryptoException ex)
        {
            throw new CryptographicException("signing failure", ex);
        }
        if (!s.ModPow(publicKey.E, publicKey.N).Equals(m)) throw new CryptographicException("signing failure: the signature does not check out (fault during signing)");
        return BigIntegers.AsUnsignedByteArray(k, s);
    }

    /// <summary>
    /// RFC 9474 section 4.4: unblinds the signer's answer (s = blind_sig · inv mod n) and checks the result is a valid
    /// signature of <paramref name="preparedMessage"/> before returning it (k bytes). Anything wrong with the signer's
    /// answer is <see cref="CryptographicException"/>: not k bytes, not below n, or not unblinding to a valid signature
    /// (the signer used another key, or the answer was damaged). An inverse that is not k bytes in [1, n) is
    /// <see cref="ArgumentException"/>.
    /// </summary>
    public static byte[] Finalize(RsaBlindPublicKey publicKey, ReadOnlySpan<byte> preparedMessage, ReadOnlySpan<byte> blindSignature, ReadOnlySpan<byte> inverse, RsaBlindVariant variant)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        int k = publicKey.ModulusBytes;
        if (inverse.Length != k) throw new ArgumentException($"unexpected input size: the inverse for this key is {k} bytes, got {inverse.Length}", nameof(inverse));
        var inv = new BigInteger(1, inverse.ToArray());
        if (inv.SignValue <= 0 || inv.CompareTo(publicKey.N) >= 0) throw new ArgumentException("the inverse is not in [1, n)", nameof(inverse));
        if (blindSignature.Length != k) throw new CryptographicException($"unexpected input size: a blind signature for this key is {k} bytes, got {blindSignature.Length}");
        var z = new BigInteger(1, blindSignature.ToArray());
        if (z.CompareTo(publicKey.N) >= 0) throw new CryptographicException("invalid signature: the blind signature is not below n");
        byte[] signature = BigIntegers.AsUnsignedByteArray(k, z.Multiply(inv).Mod(publicKey.N));
        if (!Verify(publicKey, preparedMessage, signature, variant))
            throw new CryptographicException($"invalid signature: the blind signature does not finalize to a valid {Name(variant)} signature under this key");
        return signature;
    }

    /// <summary>
    /// RSASSA-PSS-VERIFY (RFC 8017 section 8.1.2) with SHA-384, MGF1-SHA-384 and exactly the variant's salt length:
    /// true only if <paramref name="signature"/> is a valid signature of <paramref name="preparedMessage"/> under
    /// <paramref name="publicKey"/>. Deterministic, and never throws: a null key, an unknown variant, a signature of the
    /// wrong length or not below n all give false.
    /// </summary>
    public static bool Verify(RsaBlindPublicKey publicKey, ReadOnlySpan<byte> preparedMessage, ReadOnlySpan<byte> signature, RsaBlindVariant variant)
    {
        if (publicKey is null || !Enum.IsDefined(variant)) return false;
        int k = publicKey.ModulusBytes;
        if (signature.Length != k) return false;
        var s = new BigInteger(1, signature.ToArray());
        if (s.CompareTo(publicKey.N) >= 0) return false;
        // RSAVP1, then I2OSP into emLen bytes: a representative that does not fit is not a signature.
        BigInteger m = s.ModPow(publicKey.E, publicKey.N);
        int emBits = publicKey.ModulusBits - 1;
        int emLength = (emBits + 7) / 8;
        if (m.BitLength > 8 * emLength) return false;
        return EmsaPssVerify(preparedMessage, BigIntegers.AsUnsignedByteArray(emLength, m), emBits, SaltLength(variant));
    }

    // EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) with SHA-384 and MGF1-SHA-384, into ceil(emBits / 8) bytes.
    internal static byte[] EmsaPssEncode(ReadOnlySpan<byte> message, ReadOnlySpan<byte> salt, int emBits)
    {
        int emLength = (emBits + 7) / 8;
        if (emLength < HashLength + salt.Length + 2) throw new ArgumentException("encoding error: the key is too small for this salt");
        Span<byte> messageHash = stackalloc byte[HashLength];
        SHA384.HashData(message, messageHash);
        byte[] h = SaltedHash(messageHash, salt);
        var encoded = new byte[emLength];
        int dbLength = emLength - HashLength - 1;
        // DB = PS (zeros) ‖ 0x01 ‖ salt, masked with MGF1(H).
        encoded[dbLength - salt.Length - 1] = 0x01;
        salt.CopyTo(encoded.AsSpan(dbLength - salt.Length));
        XorMask(encoded.AsSpan(0, dbLength), h);
        encoded[0] &= TopByteMask(emLength, emBits);
        h.CopyTo(encoded, dbLength);
        encoded[emLength - 1] = 0xBC;
        return encoded;
    }

    // EMSA-PSS-VERIFY (RFC 8017 section 9.1.2) with SHA-384, MGF1-SHA-384 and salt length saltLength, exactly.
    private static bool EmsaPssVerify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> encoded, int emBits, int saltLength)
    {
        int emLength = encoded.Length;
        if (emLength < HashLength + saltLength + 2) return false;
        if (encoded[emLength - 1] != 0xBC) return false;
        int dbLength = emLength - HashLength - 1;
        byte topMask = TopByteMask(emLength, emBits);
        if ((encoded[0] & ~topMask) != 0) return false;
        ReadOnlySpan<byte> h = encoded.Slice(dbLength, HashLength);
        byte[] db = encoded[..dbLength].ToArray();
        XorMask(db, h);
        db[0] &= topMask;
        int separator = dbLength - saltLength - 1;
        if (db.AsSpan(0, separator).ContainsAnyExcept((byte)0) || db[separator] != 0x01) return false;
        Span<byte> messageHash = stackalloc byte[HashLength];
        SHA384.HashData(message, messageHash);
        byte[] expected = SaltedHash(messageHash, db.AsSpan(separator + 1));
        return CryptographicOperations.FixedTimeEquals(expected, h);
    }

    // H = Hash(0x00 × 8 ‖ mHash ‖ salt).
    private static byte[] SaltedHash(ReadOnlySpan<byte> messageHash, ReadOnlySpan<byte> salt)
    {
        byte[] input = new byte[8 + HashLength + salt.Length];
        messageHash.CopyTo(input.AsSpan(8));
        salt.CopyTo(input.AsSpan(8 + HashLength));
        return SHA384.HashData(input);
    }

    // target ^= MGF1-SHA-384(seed, target.Length).
    private static void XorMask(Span<byte> target, ReadOnlySpan<byte> seed)
    {
        byte[] input = new byte[seed.Length + 4];
        seed.CopyTo(input);
        Span<byte> block = stackalloc byte[HashLength];
        uint counter = 0;
        for (int offset = 0; offset < target.Length; offset += HashLength, counter++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(seed.Length), counter);
            SHA384.HashData(input, block);
            int count = Math.Min(HashLength, target.Length - offset);
            for (int i = 0; i < count; i++) target[offset + i] ^= block[i];
        }
    }

    // The bits of the first byte that an encoding of emBits bits may use.
    private static byte TopByteMask(int emLength, int emBits) => (byte)(0xFF >> (8 * emLength - emBits));

    private static BigInteger EncodedRepresentative(RsaBlindPublicKey publicKey, ReadOnlySpan<byte> preparedMessage, byte[] salt)
    {
        var m = new BigInteger(1, EmsaPssEncode(preparedMessage, salt, publicKey.ModulusBits - 1));
        // RFC 9474 section 4.2 steps 4-5: a message representative sharing a factor with n would reveal it.
        if (!m.Gcd(publicKey.N).Equals(BigInteger.One)) throw new ArgumentException("invalid input: the encoded message is not coprime with n; the public key is not a proper RSA modulus", nameof(publicKey));
        return m;
    }

    private static RsaBlinding BlindWith(RsaBlindPublicKey publicKey, BigInteger m, BigInteger r)
    {
        int k = publicKey.ModulusBytes;
        BigInteger n = publicKey.N;
        BigInteger z = m.Multiply(r.ModPow(publicKey.E, n)).Mod(n);
        BigInteger inv = r.ModInverse(n);
        return new RsaBlinding(BigIntegers.AsUnsignedByteArray(k, z), BigIntegers.AsUnsignedByteArray(k, inv));
    }

    private static ArgumentOutOfRangeException UnknownVariant(RsaBlindVariant variant) =>
        new(nameof(variant), variant, "not an RFC 9474 variant");
}
