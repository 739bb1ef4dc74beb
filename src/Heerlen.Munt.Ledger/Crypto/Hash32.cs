using System.Security.Cryptography;
using System.Text;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>A SHA-256 digest. Value equality, hex for people.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>Length in bytes.</summary>
    public const int Size = 32;

    private readonly byte[]? _bytes;

    /// <summary>Wraps a copy of exactly 32 bytes.</summary>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    /// <summary>Thirty-two zero bytes: the previous hash of the first entry.</summary>
    public static Hash32 Zero { get; } = new(new byte[Size]);

    /// <summary>The digest bytes.</summary>
    public ReadOnlySpan<byte> Span => _bytes ?? Zero._bytes!;

    /// <summary>SHA-256 of data.</summary>
    public static Hash32 Sha256(ReadOnlySpan<byte> data) => new(SHA256.HashData(data));

    /// <summary>
    /// BIP340-style tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data).
    /// Domain separation: a hash made for one purpose can never be taken for another.
    /// </summary>
    public static Hash32 Tagged(string tag, ReadOnlySpan<byte> data)
    {
        Span<byte> tagHash = stackalloc byte[Size];
        SHA256.HashData(Encoding.UTF8.GetBytes(tag), tagHash);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(tagHash);
        sha.AppendData(tagHash);
        sha.AppendData(data);
        Span<byte> result = stackalloc byte[Size];
        sha.GetHashAndReset(result);
        return new Hash32(result);
    }

    /// <summary>Parses 64 hex characters.</summary>
    public static Hash32 FromHex(string hex) => new(Convert.FromHexString(hex));

    /// <summary>Lower-case hex.</summary>
    public string ToHex() => Convert.ToHexStringLower(Span);

    /// <inheritdoc />
    public override string ToString() => ToHex();

    /// <inheritdoc />
    public bool Equals(Hash32 other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Hash32 other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode(); // seeded per process, like AccountId
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <summary>Value equality.</summary>
    public static bool operator ==(Hash32 a, Hash32 b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Hash32 a, Hash32 b) => !a.Equals(b);
}
