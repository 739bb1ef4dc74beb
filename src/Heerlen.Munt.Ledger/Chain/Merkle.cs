using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>
/// RFC 6962 / RFC 9162 Merkle tree hashing over entry hashes: leaf = SHA-256(0x00 ‖ d),
/// node = SHA-256(0x01 ‖ left ‖ right), so a leaf can never pass for a node. The same hashing as
/// Certificate Transparency, so existing log tooling can check our checkpoints.
/// </summary>
public static class Merkle
{
    /// <summary>Root of the empty tree: SHA-256 of nothing.</summary>
    public static Hash32 EmptyRoot { get; } = Hash32.Sha256([]);

    /// <summary>Leaf hash of data d (here: an entry hash).</summary>
    public static Hash32 Leaf(ReadOnlySpan<byte> data)
    {
        Span<byte> buffer = stackalloc byte[1 + data.Length];
        buffer[0] = 0x00;
        data.CopyTo(buffer[1..]);
        return Hash32.Own(SHA256.HashData(buffer));
    }

    /// <summary>Interior node hash.</summary>
    public static Hash32 Node(Hash32 left, Hash32 right)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * Hash32.Size];
        buffer[0] = 0x01;
        left.Span.CopyTo(buffer[1..]);
        right.Span.CopyTo(buffer[(1 + Hash32.Size)..]);
        return Hash32.Own(SHA256.HashData(buffer));
    }

    /// <summary>The root as RFC 9162 section 2.1.1 defines it, computed directly (the reference, O(n)).</summary>
    public static Hash32 Root(IReadOnlyList<Hash32> leafData) => Root(leafData, 0, leafData.Count);

    private static Hash32 Root(IReadOnlyList<Hash32> data, int start, int count)
    {
        if (count == 0) return EmptyRoot;
        if (count == 1) return Leaf(data[start].Span);
        int split = LargestPowerOfTwoBelow(count);
        return Node(Root(data, start, split), Root(data, start + split, count - split));
    }

    internal static int LargestPowerOfTwoBelow(int n)
    {
        int k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}

/// <summary>
/// The right edge of a growing Merkle tree: the roots of its perfect subtrees, largest first. Appending is
/// O(log n) amortised and the root is O(log n), so the sequencer seals blocks over millions of entries cheaply.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<(Hash32 Hash, long Size)> _subtrees = [];

    /// <summary>Number of leaves.</summary>
    public long Size { get; private set; }

    /// <summary>Adds the leaf for data d (an entry hash).</summary>
    public void Append(Hash32 data)
    {
        var hash = Merkle.Leaf(data.Span);
        long size = 1;
        // Merge equal-sized perfect subtrees, like carrying in binary addition.
        while (_subtrees.Count > 0 && _subtrees[^1].Size == size)
        {
            hash = Merkle.Node(_subtrees[^1].Hash, hash);
            size *= 2;
            _subtrees.RemoveAt(_subtrees.Count - 1);
        }
        _subtrees.Add((hash, size));
        Size++;
    }

    /// <summary>
    /// The RFC 9162 root of all leaves so far. The perfect subtrees, folded from the right, are exactly the
    /// RFC's split at the largest power of two below n, applied again to the remainder.
    /// </summary>
    public Hash32 Root()
    {
        if (_subtrees.Count == 0) return Merkle.EmptyRoot;
        Hash32 root = _subtrees[^1].Hash;
        for (int i = _subtrees.Count - 2; i >= 0; i--) root = Merkle.Node(_subtrees[i].Hash, root);
        return root;
    }
}
