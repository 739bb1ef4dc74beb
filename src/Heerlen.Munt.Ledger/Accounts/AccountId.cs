using NBitcoin.DataEncoders;

namespace Heerlen.Munt.Ledger.Accounts;

/// <summary>
/// A pseudonymous account id: the 32-byte x-only public key the account was opened with, shown as
/// bech32m with prefix <c>hm</c> (e.g. <c>hm1…</c>, 61 characters). It never changes, even when the
/// account rotates to a new key. It carries no personal data.
/// </summary>
public readonly struct AccountId : IEquatable<AccountId>, IComparable<AccountId>
{
    /// <summary>Bytes on the wire.</summary>
    public const int Size = 32;

    /// <summary>Human-readable prefix of the bech32m form.</summary>
    public const string Prefix = "hm";

    private static readonly Bech32Encoder Encoder = Encoders.Bech32(Prefix);

    private readonly byte[]? _key;

    /// <summary>Takes a copy of the 32 bytes of an x-only public key.</summary>
    public AccountId(ReadOnlySpan<byte> xOnlyPublicKey)
    {
        if (xOnlyPublicKey.Length != Size) throw new ArgumentException($"an account id is {Size} bytes", nameof(xOnlyPublicKey));
        _key = xOnlyPublicKey.ToArray();
    }

    /// <summary>The 32 bytes.</summary>
    public ReadOnlySpan<byte> Span => _key ?? new byte[Size];

    /// <summary>True for the default value (no account).</summary>
    public bool IsEmpty => _key is null;

    /// <summary>The bech32m text form, <c>hm1…</c>.</summary>
    public override string ToString()
    {
        if (_key is null) return "(none)";
        return Encoder.EncodeData(ToWords(_key), Bech32EncodingType.BECH32M);
    }

    /// <summary>A short form for people: the first 12 characters and the last 4.</summary>
    public string ToShortString()
    {
        string full = ToString();
        return full.Length <= 16 ? full : $"{full[..12]}…{full[^4..]}";
    }

    /// <summary>Reads the <c>hm1…</c> form; false for a wrong prefix, checksum, length or case mix.</summary>
    public static bool TryParse(string? text, out AccountId id)
    {
        id = default;
        if (text is null || text.Length != 61 || !text.StartsWith(Prefix + "1", StringComparison.OrdinalIgnoreCase)) return false;
        try
        {
            byte[] words = Encoder.DecodeDataRaw(text, out var type);
            if (type != Bech32EncodingType.BECH32M || words.Length != 52) return false;
            byte[]? bytes = FromWords(words);
            if (bytes is null) return false;
            id = new AccountId(bytes);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Reads the <c>hm1…</c> form or throws <see cref="FormatException"/>.</summary>
    public static AccountId Parse(string text) =>
        TryParse(text, out var id) ? id : throw new FormatException($"'{text}' is not a Heerlen Munt account id (hm1…)");

    private static byte[] ToWords(ReadOnlySpan<byte> bytes)
    {
        // 8-bit to 5-bit regrouping with zero padding, as BIP173 describes.
        var words = new byte[(bytes.Length * 8 + 4) / 5];
        int acc = 0, bits = 0, w = 0;
        foreach (byte b in bytes)
        {
            acc = (acc << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                bits -= 5;
                words[w++] = (byte)((acc >> bits) & 31);
            }
        }
        if (bits > 0) words[w] = (byte)((acc << (5 - bits)) & 31);
        return words;
    }

    private static byte[]? FromWords(ReadOnlySpan<byte> words)
    {
        var bytes = new byte[Size];
        int acc = 0, bits = 0, o = 0;
        foreach (byte w in words)
        {
            acc = ((acc << 5) | w) & 0xFFFF;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                if (o == Size) return null;
                bytes[o++] = (byte)((acc >> bits) & 0xFF);
            }
        }
        // Padding must be fewer than 5 zero bits, or the text was not made from 32 bytes.
        if (o != Size || bits >= 5 || (acc & ((1 << bits) - 1)) != 0) return null;
        return bytes;
    }

    /// <inheritdoc />
    public bool Equals(AccountId other) => Span.SequenceEqual(other.Span);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is AccountId other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        // Seeded per process: anyone can open accounts, so nobody may pick keys that collide in our dictionaries.
        var hash = new HashCode();
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <inheritdoc />
    public int CompareTo(AccountId other) => Span.SequenceCompareTo(other.Span);

    /// <summary>Value equality.</summary>
    public static bool operator ==(AccountId a, AccountId b) => a.Equals(b);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(AccountId a, AccountId b) => !a.Equals(b);
}
