using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>
/// A checkpoint sealed by the operator: the Merkle root of every entry from height 0 up to
/// <see cref="TreeSize"/> − 1, linked to the block before. Once an auditor holds a signed block, the
/// operator cannot change any entry below it without the root changing. Storage format
/// (docs/chain-format.md, "Block"): to be versioned with care.
/// </summary>
public sealed class Block
{
    /// <summary>Format version of blocks.</summary>
    public const byte Version = 1;

    /// <summary>Domain tag of the block hash, which is what the operator signs.</summary>
    public const string HashTag = "heerlen-munt/v1/block";

    // Layout: version u8 | number u64 | first height u64 | tree size u64 | merkle root [32] | previous block hash [32] | sealed at i64 | signature [64].
    private const int UnsignedBytes = 1 + 8 + 8 + 8 + Hash32.Size + Hash32.Size + 8;

    /// <summary>Stored size.</summary>
    public const int EncodedBytes = UnsignedBytes + 64;

    private Block(long number, long firstHeight, long treeSize, Hash32 root, Hash32 previousBlockHash, long sealedAtMs, byte[] signature)
    {
        Number = number;
        FirstHeight = firstHeight;
        TreeSize = treeSize;
        MerkleRoot = root;
        PreviousBlockHash = previousBlockHash;
        SealedAtMs = sealedAtMs;
        Signature = signature;
        Hash = ComputeHash(number, firstHeight, treeSize, root, previousBlockHash, sealedAtMs);
    }

    /// <summary>Block number, from 0.</summary>
    public long Number { get; }

    /// <summary>Height of the first entry in this block.</summary>
    public long FirstHeight { get; }

    /// <summary>Entries 0 … TreeSize − 1 are covered; this block holds FirstHeight … TreeSize − 1.</summary>
    public long TreeSize { get; }

    /// <summary>RFC 9162 root over the hashes of entries 0 … TreeSize − 1.</summary>
    public Hash32 MerkleRoot { get; }

    /// <summary>Hash of the block before (zero for block 0).</summary>
    public Hash32 PreviousBlockHash { get; }

    /// <summary>When it was sealed (unix ms).</summary>
    public long SealedAtMs { get; }

    /// <summary>The operator's BIP340 signature of <see cref="Hash"/>.</summary>
    public byte[] Signature { get; }

    /// <summary>Tagged hash of all fields but the signature.</summary>
    public Hash32 Hash { get; }

    /// <summary>Seals a block with the operator's key.</summary>
    public static Block Seal(long number, long firstHeight, long treeSize, Hash32 root, Hash32 previousBlockHash, long sealedAtMs, SigningKey operatorKey, ReadOnlySpan<byte> auxRand32 = default)
    {
        Hash32 hash = ComputeHash(number, firstHeight, treeSize, root, previousBlockHash, sealedAtMs);
        return new Block(number, firstHeight, treeSize, root, previousBlockHash, sealedAtMs, operatorKey.Sign(hash.Span, auxRand32));
    }

    /// <summary>True if <paramref name="operatorKey"/> signed this block.</summary>
    public bool IsSignedBy(AccountId operatorKey, ISchnorrVerifier verifier) => verifier.Verify(operatorKey.Span, Hash.Span, Signature);

    /// <summary>The stored form.</summary>
    public byte[] Encode()
    {
        var w = new CanonicalWriter(EncodedBytes);
        WriteUnsigned(w, Number, FirstHeight, TreeSize, MerkleRoot, PreviousBlockHash, SealedAtMs);
        w.Fixed(Signature);
        return w.ToArray();
    }

    /// <summary>Reads a stored block; never throws on bad input.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> bytes, out Block? block, out string problem)
    {
        block = null;
        problem = "";
        try
        {
            var r = new CanonicalReader(bytes);
            if (r.U8() != Version) throw new DecodeException("block version is unknown");
            ulong number = r.U64(), first = r.U64(), size = r.U64();
            if (number > long.MaxValue || first > long.MaxValue || size > long.MaxValue || first > size) throw new DecodeException("block numbers out of range");
            var root = new Hash32(r.Fixed(Hash32.Size));
            var previous = new Hash32(r.Fixed(Hash32.Size));
            long sealedAt = r.I64();
            byte[] signature = r.Fixed(64).ToArray();
            r.ExpectEnd();
            block = new Block((long)number, (long)first, (long)size, root, previous, sealedAt, signature);
            return true;
        }
        catch (DecodeException e)
        {
            problem = e.Message;
            return false;
        }
    }

    private static Hash32 ComputeHash(long number, long firstHeight, long treeSize, Hash32 root, Hash32 previous, long sealedAtMs)
    {
        var w = new CanonicalWriter(UnsignedBytes);
        WriteUnsigned(w, number, firstHeight, treeSize, root, previous, sealedAtMs);
        return Hash32.Tagged(HashTag, w.WrittenSpan);
    }

    private static void WriteUnsigned(CanonicalWriter w, long number, long firstHeight, long treeSize, Hash32 root, Hash32 previous, long sealedAtMs)
    {
        w.U8(Version);
        w.U64((ulong)number);
        w.U64((ulong)firstHeight);
        w.U64((ulong)treeSize);
        w.Fixed(root.Span);
        w.Fixed(previous.Span);
        w.I64(sealedAtMs);
    }
}
