using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>
/// The private key of an RSA blind signer (RFC 9474), in CRT form (BouncyCastle <see cref="RsaPrivateCrtKeyParameters"/>).
/// Lives with the signer (the reference module keeps it in a PKCS#8 file); the ledger needs only <see cref="PublicKey"/>.
/// Every way in checks the numbers fit together (n = p·q, e·d = 1 mod lcm(p−1, q−1), the CRT values), so a damaged
/// key file is refused instead of signing garbage.
/// </summary>
public sealed class RsaBlindPrivateKey
{
    /// <summary>The public exponent of generated keys.</summary>
    public const int GeneratedExponent = 65537;

    // Miller-Rabin certainty for generated primes: error probability below 2^-128.
    private const int PrimeCertainty = 128;

    private RsaBlindPrivateKey(RsaPrivateCrtKeyParameters key)
    {
        string? problem = Problem(key);
        if (problem is not null) throw new ArgumentException($"not a usable RSA private key: {problem}", nameof(key));
        Parameters = key;
        PublicKey = RsaBlindPublicKey.Create(key.Modulus, key.PublicExponent);
    }

    /// <summary>The matching public key.</summary>
    public RsaBlindPublicKey PublicKey { get; }

    /// <summary>The BouncyCastle key, for callers that need it.</summary>
    public RsaPrivateCrtKeyParameters Parameters { get; }

    /// <summary>
    /// A fresh key with a modulus of exactly <paramref name="bits"/> bits (2048 to 4096) and e = 65537. Takes a
    /// second or more: primes are searched with randomness from <paramref name="rng"/>.
    /// </summary>
    public static RsaBlindPrivateKey Generate(int bits, SecureRandom rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (bits is < RsaBlindPublicKey.ModulusBitsMin or > RsaBlindPublicKey.ModulusBitsMax)
            throw new ArgumentOutOfRangeException(nameof(bits), bits, $"an RSA blind signature key has {RsaBlindPublicKey.ModulusBitsMin} to {RsaBlindPublicKey.ModulusBitsMax} bits");
        var generator = new RsaKeyPairGenerator();
        generator.Init(new RsaKeyGenerationParameters(BigInteger.ValueOf(GeneratedExponent), rng, bits, PrimeCertainty));
        return new RsaBlindPrivateKey((RsaPrivateCrtKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>Wraps a BouncyCastle CRT key; <see cref="ArgumentException"/> if its numbers do not fit together or the ledger would not accept its public key.</summary>
    public static RsaBlindPrivateKey FromParameters(RsaPrivateCrtKeyParameters key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return new RsaBlindPrivateKey(key);
    }

    /// <summary>
    /// A key from its primes p and q, public exponent e and private exponent d (big-endian unsigned), the form test
    /// vectors publish. The CRT values are computed; <see cref="ArgumentException"/> if the numbers do not fit together.
    /// </summary>
    public static RsaBlindPrivateKey FromPrimes(ReadOnlySpan<byte> p, ReadOnlySpan<byte> q, ReadOnlySpan<byte> e, ReadOnlySpan<byte> d)
    {
        var pi = new BigInteger(1, p.ToArray());
        var qi = new BigInteger(1, q.ToArray());
        var ei = new BigInteger(1, e.ToArray());
        var di = new BigInteger(1, d.ToArray());
        if (pi.CompareTo(BigInteger.Two) <= 0 || qi.CompareTo(BigInteger.Two) <= 0 || pi.Equals(qi))
            throw new ArgumentException("not a usable RSA private key: p and q must be distinct odd primes");
        var dp = di.Mod(pi.Subtract(BigInteger.One));
        var dq = di.Mod(qi.Subtract(BigInteger.One));
        BigInteger qInv;
        try
        {
            qInv = qi.ModInverse(pi);
        }
        catch (ArithmeticException)
        {
            throw new ArgumentException("not a usable RSA private key: q has no inverse modulo p");
        }
        return new RsaBlindPrivateKey(new RsaPrivateCrtKeyParameters(pi.Multiply(qi), ei, di, pi, qi, dp, dq, qInv));
    }

    /// <summary>The key as unencrypted PKCS#8 DER (PrivateKeyInfo, rsaEncryption). Secret: store it protected, never log it.</summary>
    public byte[] ExportPkcs8() => PrivateKeyInfoFactory.CreatePrivateKeyInfo(Parameters).GetDerEncoded();

    /// <summary>
    /// Reads unencrypted PKCS#8 DER. <see cref="FormatException"/> if it is not an RSA private key in CRT form, if its
    /// numbers do not fit together, or if the ledger would not accept its public key.
    /// </summary>
    public static RsaBlindPrivateKey ImportPkcs8(ReadOnlySpan<byte> der)
    {
        Org.BouncyCastle.Crypto.AsymmetricKeyParameter key;
        try
        {
            key = PrivateKeyFactory.CreateKey(der.ToArray());
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new FormatException("not a PKCS#8 private key", ex);
        }
        if (key is not RsaPrivateCrtKeyParameters crt) throw new FormatException("not an RSA private key in CRT form");
        try
        {
            return new RsaBlindPrivateKey(crt);
        }
        catch (ArgumentException ex)
        {
            throw new FormatException(ex.Message, ex);
        }
    }

    /// <summary>The size and the public key id; never a secret.</summary>
    public override string ToString() => $"RSA-{PublicKey.ModulusBits} blind signature private key for {PublicKey.KeyId}";

    private static string? Problem(RsaPrivateCrtKeyParameters key)
    {
        if (!key.IsPrivate) return "not a private key";
        BigInteger p = key.P, q = key.Q, n = key.Modulus, e = key.PublicExponent, d = key.Exponent;
        if (RsaBlindPublicKey.Problem(n, e) is { } publicProblem) return publicProblem;
        if (p.CompareTo(BigInteger.Two) <= 0 || q.CompareTo(BigInteger.Two) <= 0) return "p and q must be odd primes";
        if (!p.Multiply(q).Equals(n)) return "n is not p·q";
        BigInteger p1 = p.Subtract(BigInteger.One), q1 = q.Subtract(BigInteger.One);
        BigInteger lambda = p1.Divide(p1.Gcd(q1)).Multiply(q1);
        if (d.SignValue <= 0 || d.CompareTo(n) >= 0 || !e.Multiply(d).Mod(lambda).Equals(BigInteger.One)) return "d is not the inverse of e";
        if (!key.DP.Equals(d.Mod(p1)) || !key.DQ.Equals(d.Mod(q1))) return "the CRT exponents do not match d";
        if (!key.QInv.Multiply(q).Mod(p).Equals(BigInteger.One)) return "the CRT coefficient is not q⁻¹ mod p";
        return null;
    }
}
