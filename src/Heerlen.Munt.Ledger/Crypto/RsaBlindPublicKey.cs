using System.Buffers.Binary;
using BigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>
/// The public key of an RSA blind signer (RFC 9474): modulus n and public exponent e. Has a canonical byte form for
/// the chain (<see cref="Encode"/>): <c>u16 len(n) ‖ n ‖ u16 len(e) ‖ e</c>, lengths big-endian, n and e big-endian
/// unsigned without a leading zero byte. <see cref="Decode"/> takes only that form, and only keys the ledger accepts:
/// a modulus of 2048 to 4096 bits that is odd, and an odd exponent of at least 3.
/// </summary>
public sealed class RsaBlindPublicKey : IEquatable<RsaBlindPublicKey>
{
    /// <summary>The smallest modulus accepted, in bits.</summary>
    public const int ModulusBitsMin = 2048;

    /// <summary>The largest modulus accepted, in bits.</summary>
    public const int ModulusBitsMax = 4096;

    private readonly byte[] _modulus;
    private readonly byte[] _exponent;
    private readonly byte[] _encoding;

    private RsaBlindPublicKey(BigInteger n, BigInteger e)
    {
        N = n;
        E = e;
        _modulus = n.ToByteArrayUnsigned();
        _exponent = e.ToByteArrayUnsigned();
        _encoding = new byte[2 + _modulus.Length + 2 + _exponent.Length];
        BinaryPrimitives.WriteUInt16BigEndian(_encoding, checked((ushort)_modulus.Length));
        _modulus.CopyTo(_encoding, 2);
        BinaryPrimitives.WriteUInt16BigEndian(_encoding.AsSpan(2 + _modulus.Length), checked((ushort)_exponent.Length));
        _exponent.CopyTo(_encoding, 2 + _modulus.Length + 2);
        KeyId = Hash32.Sha256(_encoding);
    }

    /// <summary>The modulus n, big-endian unsigned, no leading zero byte.</summary>
    public ReadOnlySpan<byte> Modulus => _modulus;

    /// <summary>The public exponent e, big-endian unsigned, no leading zero byte.</summary>
    public ReadOnlySpan<byte> Exponent => _exponent;

    /// <summary>k: the length of the modulus in bytes, which is also the length of blinded messages and signatures.</summary>
    public int ModulusBytes => _modulus.Length;

    /// <summary>The length of the modulus in bits.</summary>
    public int ModulusBits => N.BitLength;

    /// <summary>SHA-256 of <see cref="Encode"/>: a short name for the key.</summary>
    public Hash32 KeyId { get; }

    internal BigInteger N { get; }

    internal BigInteger E { get; }

    /// <summary>
    /// A key from its modulus and exponent (big-endian unsigned; leading zero bytes are ignored). Throws
    /// <see cref="ArgumentException"/> if the ledger would not accept the key.
    /// </summary>
    public static RsaBlindPublicKey FromComponents(ReadOnlySpan<byte> modulus, ReadOnlySpan<byte> exponent)
    {
        return Create(new BigInteger(1, modulus.ToArray()), new BigInteger(1, exponent.ToArray()));
    }

    /// <summary>The canonical encoding: <c>u16 len(n) ‖ n ‖ u16 len(e) ‖ e</c>. A fresh copy.</summary>
    public byte[] Encode() => (byte[])_encoding.Clone();

    /// <summary>
    /// Reads the canonical encoding. Throws <see cref="FormatException"/> on anything else: truncated or trailing
    /// bytes, a leading zero byte in n or e, a modulus below 2048 or above 4096 bits, an even modulus, an exponent
    /// below 3, even, or not below n.
    /// </summary>
    public static RsaBlindPublicKey Decode(ReadOnlySpan<byte> encoding)
    {
        ReadOnlySpan<byte> rest = encoding;
        ReadOnlySpan<byte> modulus = Field(ref rest, "modulus");
        ReadOnlySpan<byte> exponent = Field(ref rest, "exponent");
        if (!rest.IsEmpty) throw new FormatException($"RSA public key: {rest.Length} bytes after the exponent");
        var n = new BigInteger(1, modulus.ToArray());
        var e = new BigInteger(1, exponent.ToArray());
        string? problem = Problem(n, e);
        if (problem is not null) throw new FormatException($"RSA public key: {problem}");
        return new RsaBlindPublicKey(n, e);
    }

    // A key from numbers already in hand (a private key's): ArgumentException if the ledger would not accept it.
    internal static RsaBlindPublicKey Create(BigInteger n, BigInteger e) =>
        Problem(n, e) is { } problem ? throw new ArgumentException($"not an acceptable RSA blind signature key: {problem}") : new RsaBlindPublicKey(n, e);

    // Why the ledger refuses (n, e), or null if it accepts it.
    internal static string? Problem(BigInteger n, BigInteger e)
    {
        if (n.BitLength < ModulusBitsMin) return $"the modulus has {n.BitLength} bits, fewer than {ModulusBitsMin}";
        if (n.BitLength > ModulusBitsMax) return $"the modulus has {n.BitLength} bits, more than {ModulusBitsMax}";
        if (!n.TestBit(0)) return "the modulus is even";
        if (e.CompareTo(BigInteger.Three) < 0) return "the exponent is below 3";
        if (!e.TestBit(0)) return "the exponent is even";
        if (e.CompareTo(n) >= 0) return "the exponent is not below the modulus";
        return null;
    }

    private static ReadOnlySpan<byte> Field(ref ReadOnlySpan<byte> rest, string name)
    {
        if (rest.Length < 2) throw new FormatException($"RSA public key: truncated before the length of the {name}");
        int length = BinaryPrimitives.ReadUInt16BigEndian(rest);
        if (length == 0) throw new FormatException($"RSA public key: the {name} is empty");
        if (rest.Length - 2 < length) throw new FormatException($"RSA public key: the {name} says {length} bytes, only {rest.Length - 2} follow");
        ReadOnlySpan<byte> field = rest.Slice(2, length);
        if (field[0] == 0) throw new FormatException($"RSA public key: the {name} has a leading zero byte (not canonical)");
        rest = rest[(2 + length)..];
        return field;
    }

    /// <summary>Same key: same encoding.</summary>
    public bool Equals(RsaBlindPublicKey? other) => other is not null && _encoding.AsSpan().SequenceEqual(other._encoding);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as RsaBlindPublicKey);

    /// <inheritdoc />
    public override int GetHashCode() => BinaryPrimitives.ReadInt32BigEndian(KeyId.Span);

    /// <summary>The size and key id; never the whole modulus.</summary>
    public override string ToString() => $"RSA-{ModulusBits} blind signature key {KeyId}";
}
