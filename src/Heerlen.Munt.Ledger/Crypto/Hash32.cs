using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Heerlen.Munt.Ledger.Crypto;

/// <summary>A SHA-256 digest. Value equality, hex for people.</summary>
public readonly struct Hash32 : IEquatable<Hash32>
{
    /// <summary>Length in bytes.</summary>
    public const int Size = 32;

    // Tagged hashes of up to this many bytes (the tag prefix and the data) are hashed in one call from the stack.
    private const int OneShotBytesMax = 2048;

    // SHA256(tag) ‖ SHA256(tag) per tag, computed once: the ledger uses a handful of constant tags. Bounded, in case a
    // caller makes tags up at run time: past the bound a tag's prefix is computed on every call.
    private const int TagPrefixesMax = 64;
    private static readonly ConcurrentDictionary<string, byte[]> TagPrefixes = new(StringComparer.Ordinal);

    private readonly byte[]? _bytes;

    /// <summary>Wraps a copy of exactly 32 bytes.</summary>
    public Hash32(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size) throw new ArgumentException($"a hash is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _bytes = bytes.ToArray();
    }

    // Takes the array itself: for digests just computed into a fresh array that nothing else holds.
    private Hash32(byte[] owned, bool _) => _bytes = owned;

    /// <summary>Wraps a freshly computed 32-byte array without copying it; the caller must not keep or change it.</summary>
    internal static Hash32 Own(byte[] digest) =>
        digest.Length == Size ? new Hash32(digest, true) : throw new ArgumentException($"a hash is {Size} bytes, got {digest.Length}", nameof(digest));

    /// <summary>Thirty-two zero bytes: the previous hash of the first entry.</summary>
    public static Hash32 Zero { get; } = new(new byte[Size]);

    /// <summary>The digest bytes.</summary>
    public ReadOnlySpan<byte> Span => _bytes ?? Zero._bytes!;

    /// <summary>SHA-256 of data.</summary>
    public static Hash32 Sha256(ReadOnlySpan<byte> data) => Own(SHA256.HashData(data));

    /// <summary>
    /// BIP340-style tagged hash: SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data).
    /// Domain separation: a hash made for one purpose can never be taken for another.
    /// </summary>
    /// <remarks>
    /// Hot: every entry's hash and every command's signing digest. The doubled tag hash is computed once per tag, and
    /// the whole input (prefix and data) is hashed in one call from the stack when it is small, as entries and commands are.
    /// </remarks>
    public static Hash32 Tagged(string tag, ReadOnlySpan<byte> data)
    {
        byte[] prefix = TagPrefix(tag);
        byte[] result = new byte[Size];
        if (prefix.Length + data.Length <= OneShotBytesMax)
        {
            Span<byte> input = stackalloc byte[prefix.Length + data.Length];
            prefix.CopyTo(input);
            data.CopyTo(input[prefix.Length..]);
            SHA256.HashData(input, result);
        }
        else
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            sha.AppendData(prefix);
            sha.AppendData(data);
            sha.GetHashAndReset(result);
        }
        return new Hash32(result, true);
    }

    private static byte[] TagPrefix(string tag)
    {
        if (TagPrefixes.TryGetValue(tag, out byte[]? known)) return known;
        byte[] tagHash = SHA256.HashData(Encoding.UTF8.GetBytes(tag));
        byte[] prefix = [.. tagHash, .. tagHash];
        return TagPrefixes.Count < TagPrefixesMax ? TagPrefixes.GetOrAdd(tag, prefix) : prefix;
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
