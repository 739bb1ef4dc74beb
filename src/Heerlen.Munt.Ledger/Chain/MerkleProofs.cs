using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>
/// Checks RFC 9162 inclusion (section 2.1.3.2) and consistency (section 2.1.4.2) proofs, as an auditor or a
/// wallet does, trusting nothing but a signed root. Proofs come from strangers: these methods never throw, they
/// answer false for anything malformed (negative or out-of-range sizes, wrong proof length).
/// </summary>
public static class MerkleProofs
{
    /// <summary>Longest proof accepted: a tree of at most 2^64 leaves is at most 64 levels deep.</summary>
    public const int ProofHashesMax = MerkleTree.LevelsMax;

    /// <summary>
    /// True when <paramref name="proof"/> shows that the leaf for <paramref name="entryHash"/> sits at
    /// <paramref name="index"/> in the tree of <paramref name="treeSize"/> leaves whose root is <paramref name="root"/>.
    /// </summary>
    public static bool VerifyInclusion(Hash32 entryHash, long index, long treeSize, IReadOnlyList<Hash32> proof, Hash32 root) =>
        TryRootFromInclusion(entryHash, index, treeSize, proof, out var computed) && computed == root;

    /// <summary>
    /// The root that <paramref name="proof"/> implies for the leaf of <paramref name="entryHash"/> at
    /// <paramref name="index"/> in a tree of <paramref name="treeSize"/> leaves; false if the proof cannot be
    /// a valid path for that position (wrong length, index out of range).
    /// </summary>
    public static bool TryRootFromInclusion(Hash32 entryHash, long index, long treeSize, IReadOnlyList<Hash32> proof, out Hash32 root) =>
        TryRootFromLeafHash(Merkle.Leaf(entryHash.Span), index, treeSize, proof, out root);

    /// <summary>The RFC 9162 section 2.1.3.2 algorithm, from a leaf hash (for test vectors with arbitrary leaf data).</summary>
    internal static bool TryRootFromLeafHash(Hash32 leafHash, long index, long treeSize, IReadOnlyList<Hash32>? proof, out Hash32 root)
    {
        root = default;
        if (proof is null || proof.Count > ProofHashesMax) return false;
        if (index < 0 || treeSize < 0 || index >= treeSize) return false;
        long fn = index, sn = treeSize - 1;
        var r = leafHash;
        foreach (var p in proof)
        {
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                r = Merkle.Node(p, r);
                // On the right edge with no sibling at these levels: climb until this node is a right child again.
                ShiftWhileLeftChild(ref fn, ref sn);
            }
            else
            {
                r = Merkle.Node(r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        if (sn != 0) return false;
        root = r;
        return true;
    }

    /// <summary>
    /// True when <paramref name="proof"/> shows that the tree of <paramref name="newSize"/> leaves with root
    /// <paramref name="newRoot"/> extends the tree of <paramref name="oldSize"/> leaves with root
    /// <paramref name="oldRoot"/>. Equal sizes need equal roots and an empty proof. An old size of 0 is refused,
    /// as RFC 9162 defines consistency proofs only for 0 &lt; oldSize.
    /// </summary>
    public static bool VerifyConsistency(long oldSize, long newSize, Hash32 oldRoot, Hash32 newRoot, IReadOnlyList<Hash32> proof)
    {
        if (proof is null || proof.Count > ProofHashesMax) return false;
        if (oldSize < 1 || oldSize > newSize) return false;
        if (oldSize == newSize) return proof.Count == 0 && oldRoot == newRoot;
        if (proof.Count == 0) return false;

        // The RFC leaves the old root out of the proof when the old tree is a perfect subtree: put it back.
        int next = 0;
        Hash32 fr, sr;
        if (IsPowerOfTwo(oldSize)) fr = sr = oldRoot;
        else fr = sr = proof[next++];

        long fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        for (; next < proof.Count; next++)
        {
            var c = proof[next];
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                fr = Merkle.Node(c, fr);
                sr = Merkle.Node(c, sr);
                ShiftWhileLeftChild(ref fn, ref sn);
            }
            else
            {
                sr = Merkle.Node(sr, c);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr == oldRoot && sr == newRoot;
    }

    /// <summary>The RFC's "right-shift both fn and sn equally until either LSB(fn) is set or fn is 0".</summary>
    private static void ShiftWhileLeftChild(ref long fn, ref long sn)
    {
        while ((fn & 1) == 0 && fn != 0)
        {
            fn >>= 1;
            sn >>= 1;
        }
    }

    private static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;
}
