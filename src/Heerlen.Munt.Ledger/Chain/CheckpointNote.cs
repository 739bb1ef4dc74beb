using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>One signature line of a note: the key's name, its 4-byte id, and the signature bytes.</summary>
/// <param name="KeyName">The name before the signature.</param>
/// <param name="KeyId">The first four bytes of the base64 payload (big-endian).</param>
/// <param name="Signature">The rest of the payload.</param>
public sealed record NoteSignature(string KeyName, uint KeyId, byte[] Signature);

/// <summary>
/// A checkpoint in the C2SP <c>tlog-checkpoint</c> text form, signed as a C2SP <c>signed-note</c>, so tools made for
/// transparency logs (witnesses, monitors) can read it and co-sign it:
/// <code>
/// &lt;origin&gt;
/// &lt;tree size, decimal&gt;
/// &lt;root hash, base64&gt;
///
/// — &lt;key name&gt; base64(key id ‖ signature)
/// </code>
/// The operator signs with its BIP340 key, a signature type C2SP leaves to applications (0xff and a name, see
/// <see cref="SignatureType"/>); other signatures (a witness's, later) are kept and ignored unless the reader knows their
/// key. Format in docs/chain-format.md, "Checkpoint note": to be versioned with care.
/// </summary>
public sealed class CheckpointNote
{
    /// <summary>The signature type: C2SP's byte for types it does not assign (0xff), then this name.</summary>
    public const string SignatureType = "heerlen-munt/bip340-secp256k1";

    /// <summary>Domain tag of what the operator's key signs: the tagged hash of the note text.</summary>
    public const string HashTag = "heerlen-munt/v1/checkpoint-note";

    /// <summary>Largest note read (C2SP asks readers to accept at least 16 signatures).</summary>
    public const int NoteBytesMax = 16 * 1024;

    /// <summary>At most this many signature lines are read.</summary>
    public const int SignaturesMax = 64;

    private const string Dash = "\u2014 ";

    private CheckpointNote(string text, string origin, long treeSize, Hash32 rootHash, IReadOnlyList<string> extensions, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Origin = origin;
        TreeSize = treeSize;
        RootHash = rootHash;
        Extensions = extensions;
        Signatures = signatures;
    }

    /// <summary>The signed text (origin, size, root, extension lines), ending in a newline.</summary>
    public string Text { get; }

    /// <summary>The log's name (a schema-less URL; here the chain id).</summary>
    public string Origin { get; }

    /// <summary>Entries covered.</summary>
    public long TreeSize { get; }

    /// <summary>RFC 9162 root of those entries.</summary>
    public Hash32 RootHash { get; }

    /// <summary>Extension lines after the root, if any (kept, not interpreted).</summary>
    public IReadOnlyList<string> Extensions { get; }

    /// <summary>Every signature line, known keys or not.</summary>
    public IReadOnlyList<NoteSignature> Signatures { get; }

    /// <summary>The note text of a checkpoint.</summary>
    public static string TextOf(string origin, long treeSize, Hash32 rootHash)
    {
        if (!IsKeyName(origin)) throw new ArgumentException("the origin must be non-empty, without spaces, '+' or control characters", nameof(origin));
        ArgumentOutOfRangeException.ThrowIfNegative(treeSize);
        return string.Create(CultureInfo.InvariantCulture, $"{origin}\n{treeSize}\n{Convert.ToBase64String(rootHash.Span)}\n");
    }

    /// <summary>The signed note of a checkpoint: its text, a blank line, and the operator's signature line.</summary>
    public static string Sign(string origin, long treeSize, Hash32 rootHash, string keyName, SigningKey key)
    {
        string text = TextOf(origin, treeSize, rootHash);
        if (!IsKeyName(keyName)) throw new ArgumentException("a key name has no spaces, '+' or control characters", nameof(keyName));
        byte[] payload = new byte[4 + 64];
        BinaryPrimitives.WriteUInt32BigEndian(payload, KeyId(keyName, key.PublicKey));
        key.Sign(DigestOf(text).Span).CopyTo(payload, 4);
        return text + "\n" + Dash + keyName + " " + Convert.ToBase64String(payload) + "\n";
    }

    /// <summary>C2SP's recommended key id: SHA-256(name ‖ 0x0A ‖ 0xff ‖ type name ‖ x-only key)[:4], big-endian.</summary>
    public static uint KeyId(string keyName, AccountId key)
    {
        byte[] name = Encoding.UTF8.GetBytes(keyName), type = Encoding.UTF8.GetBytes(SignatureType);
        byte[] input = new byte[name.Length + 2 + type.Length + AccountId.Size];
        name.CopyTo(input, 0);
        input[name.Length] = 0x0A;
        input[name.Length + 1] = 0xFF;
        type.CopyTo(input, name.Length + 2);
        key.Span.CopyTo(input.AsSpan(name.Length + 2 + type.Length));
        return BinaryPrimitives.ReadUInt32BigEndian(SHA256.HashData(input));
    }

    /// <summary>What the key signs: the tagged hash of the note text.</summary>
    public static Hash32 DigestOf(string text) => Hash32.Tagged(HashTag, Encoding.UTF8.GetBytes(text));

    /// <summary>Reads a signed checkpoint note; never throws on bad input. Checks the form only, not the signatures.</summary>
    public static bool TryParse(string? note, out CheckpointNote? parsed, out string problem)
    {
        parsed = null;
        problem = "";
        if (string.IsNullOrEmpty(note) || Encoding.UTF8.GetByteCount(note) > NoteBytesMax) return Fail("the note is empty or longer than 16 KiB", out problem);
        if (note.Any(c => c < ' ' && c != '\n')) return Fail("the note holds control characters", out problem);
        int split = note.LastIndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0 || !note.EndsWith('\n')) return Fail("no blank line before the signatures, or no final newline", out problem);
        if (split + 2 >= note.Length) return Fail("no signature lines", out problem);
        string text = note[..(split + 1)];
        string[] lines = text[..^1].Split('\n');
        if (lines.Length < 3) return Fail("a checkpoint has an origin, a tree size and a root hash", out problem);
        if (!IsKeyName(lines[0])) return Fail("the origin line is empty or has spaces", out problem);
        if (lines[1].Length is 0 or > 19 || !lines[1].All(char.IsAsciiDigit) || (lines[1].Length > 1 && lines[1][0] == '0')
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size))
            return Fail("the tree size is not a decimal number without leading zeros", out problem);
        byte[] root;
        try
        {
            root = Convert.FromBase64String(lines[2]);
        }
        catch (FormatException)
        {
            return Fail("the root hash is not base64", out problem);
        }
        if (root.Length != Hash32.Size) return Fail("the root hash is not 32 bytes", out problem);

        var signatures = new List<NoteSignature>();
        foreach (string line in note[(split + 2)..^1].Split('\n'))
        {
            if (signatures.Count == SignaturesMax) return Fail($"more than {SignaturesMax} signatures", out problem);
            if (!line.StartsWith(Dash, StringComparison.Ordinal)) return Fail("a signature line does not start with an em dash and a space", out problem);
            string[] parts = line[Dash.Length..].Split(' ');
            if (parts.Length != 2 || !IsKeyName(parts[0])) return Fail("a signature line is not 'name signature'", out problem);
            byte[] payload;
            try
            {
                payload = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                return Fail("a signature is not base64", out problem);
            }
            if (payload.Length < 5) return Fail("a signature is shorter than its key id", out problem);
            signatures.Add(new NoteSignature(parts[0], BinaryPrimitives.ReadUInt32BigEndian(payload), payload[4..]));
        }
        parsed = new CheckpointNote(text, lines[0], size, new Hash32(root), lines[3..], signatures);
        return true;
    }

    /// <summary>
    /// True if a signature line of <paramref name="keyName"/> with <paramref name="key"/>'s id is there and verifies.
    /// Lines of other keys are ignored (witnesses may co-sign); a line that claims this key and fails makes it false.
    /// </summary>
    public bool IsSignedBy(string keyName, AccountId key, ISchnorrVerifier verifier)
    {
        uint id = KeyId(keyName, key);
        var digest = DigestOf(Text);
        bool verified = false;
        foreach (var s in Signatures.Where(s => s.KeyName == keyName && s.KeyId == id))
        {
            if (s.Signature.Length != 64 || !verifier.Verify(key.Span, digest.Span, s.Signature)) return false;
            verified = true;
        }
        return verified;
    }

    private static bool IsKeyName(string name) => name.Length > 0 && !name.Any(c => char.IsWhiteSpace(c) || c == '+' || char.IsControl(c));

    private static bool Fail(string why, out string problem)
    {
        problem = why;
        return false;
    }
}
