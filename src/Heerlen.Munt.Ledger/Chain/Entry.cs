using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>
/// One link of the chain: a signed command and what the ledger decided about it, bound to everything
/// before it by <see cref="PreviousHash"/>. Storage format (docs/chain-format.md, "Entry"): to be versioned with care.
/// </summary>
public sealed class Entry
{
    /// <summary>Format version of entries.</summary>
    public const byte Version = 1;

    /// <summary>Domain tag of the entry hash.</summary>
    public const string HashTag = "heerlen-munt/v1/entry";

    // Layout: version u8 | height u64 | previous hash [32] | timestamp i64 | outcome u16 | envelope (u16 length + bytes) | entry hash [32].
    private const int FixedBytes = 1 + 8 + Hash32.Size + 8 + 2 + 2 + Hash32.Size;

    /// <summary>Largest stored entry.</summary>
    public const int EncodedBytesMax = FixedBytes + Commands.SignedCommand.EnvelopeBytesMax;

    private Entry(long height, Hash32 previousHash, long timestampMs, RejectionCode outcome, byte[] envelope, Hash32 hash)
    {
        Height = height;
        PreviousHash = previousHash;
        TimestampMs = timestampMs;
        Outcome = outcome;
        Envelope = envelope;
        Hash = hash;
    }

    /// <summary>Position in the chain, from 0, without gaps.</summary>
    public long Height { get; }

    /// <summary>Hash of the entry at <c>Height − 1</c>; zero for height 0.</summary>
    public Hash32 PreviousHash { get; }

    /// <summary>When the sequencer decided it (unix ms); never earlier than the entry before.</summary>
    public long TimestampMs { get; }

    /// <summary>None if the command was applied; otherwise the recorded rejection (a code ≥ 100).</summary>
    public RejectionCode Outcome { get; }

    /// <summary>The signed command exactly as the client sent it.</summary>
    public byte[] Envelope { get; }

    /// <summary>Tagged hash of all the fields above.</summary>
    public Hash32 Hash { get; }

    /// <summary>Makes an entry and computes its hash.</summary>
    public static Entry Create(long height, Hash32 previousHash, long timestampMs, RejectionCode outcome, byte[] envelope)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        if (Rejections.IsRefusal(outcome)) throw new ArgumentException("refusals are never recorded", nameof(outcome));
        var w = new CanonicalWriter(FixedBytes + envelope.Length);
        WriteHashedPart(w, height, previousHash, timestampMs, outcome, envelope);
        return new Entry(height, previousHash, timestampMs, outcome, envelope, Hash32.Tagged(HashTag, w.WrittenSpan));
    }

    /// <summary>The stored form: the hashed fields followed by the hash.</summary>
    public byte[] Encode()
    {
        var w = new CanonicalWriter(FixedBytes + Envelope.Length);
        WriteHashedPart(w, Height, PreviousHash, TimestampMs, Outcome, Envelope);
        w.Fixed(Hash.Span);
        return w.ToArray();
    }

    /// <summary>
    /// Reads a stored entry and checks that its hash matches its content. Never throws on bad input.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out Entry? entry, out string problem)
    {
        entry = null;
        problem = "";
        if (bytes.Length > EncodedBytesMax)
        {
            problem = $"entry is {bytes.Length} bytes, at most {EncodedBytesMax}";
            return false;
        }
        try
        {
            var r = new CanonicalReader(bytes);
            byte version = r.U8();
            if (version != Version) throw new DecodeException($"entry version {version} is unknown");
            ulong height = r.U64();
            if (height > long.MaxValue) throw new DecodeException("height out of range");
            var previous = new Hash32(r.Fixed(Hash32.Size));
            long timestamp = r.I64();
            var outcome = (RejectionCode)r.U16();
            if (!Enum.IsDefined(outcome) || Rejections.IsRefusal(outcome)) throw new DecodeException($"outcome {(ushort)outcome} cannot be recorded");
            byte[] envelope = r.Bytes16().ToArray();
            var stored = r.Fixed(Hash32.Size);
            r.ExpectEnd();
            // The fields read are exactly the hashed part, so the bytes before the stored hash are what Create would
            // write again: hash them as they are.
            var computed = Hash32.Tagged(HashTag, bytes[..^Hash32.Size]);
            if (!computed.Span.SequenceEqual(stored))
            {
                problem = "entry hash does not match its content";
                return false;
            }
            entry = new Entry((long)height, previous, timestamp, outcome, envelope, computed);
            return true;
        }
        catch (DecodeException e)
        {
            problem = e.Message;
            return false;
        }
    }

    private static void WriteHashedPart(CanonicalWriter w, long height, Hash32 previousHash, long timestampMs, RejectionCode outcome, byte[] envelope)
    {
        w.U8(Version);
        w.U64((ulong)height);
        w.Fixed(previousHash.Span);
        w.I64(timestampMs);
        w.U16((ushort)outcome);
        w.Bytes16(envelope);
    }
}
