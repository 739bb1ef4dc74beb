using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Chain;

/// <summary>
/// An append-only RFC 9162 Merkle tree over entry hashes that can prove things about any of its past sizes:
/// the root, inclusion proofs (section 2.1.3) and consistency proofs (section 2.1.4) for every size up to
/// <see cref="Size"/>. It keeps the hash of every complete, aligned subtree, level by level (about 2 × 32 bytes
/// per leaf), so any MTH(D[start:start+count]) along the RFC's splits costs O(log n) node hashes and a proof
/// O(log² n); nothing is ever recomputed from the leaves.
/// </summary>
/// <remarks>
/// One writer appends while many readers ask for proofs: a reader-writer lock lets the readers run side by side.
/// The lock is never disposed: it only holds kernel events once contended, and those are finalisable.
/// </remarks>
public sealed class MerkleTree
{
    /// <summary>Sizes are 64-bit, so a tree has at most 64 levels above the leaves and no proof is longer.</summary>
    internal const int LevelsMax = 64;

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);

    // _levels[h][i] = MTH of the perfect subtree of 2^h leaves starting at leaf i × 2^h; level 0 holds leaf hashes.
    private readonly List<HashColumn> _levels = [new HashColumn()];

    private long _size;
    private long _proofNodeHashes;

    /// <summary>Number of leaves.</summary>
    public long Size
    {
        get
        {
            _lock.EnterReadLock();
            try { return _size; }
            finally { _lock.ExitReadLock(); }
        }
    }

    /// <summary>Node hashes computed so far while answering roots and proofs (not appends): lets tests bound the cost.</summary>
    internal long ProofNodeHashes => Interlocked.Read(ref _proofNodeHashes);

    /// <summary>Adds the leaf for data d = an entry hash (leaf hash = <see cref="Merkle.Leaf"/>(d)).</summary>
    public void Append(Hash32 entryHash) => AppendLeafHash(Merkle.Leaf(entryHash.Span));

    /// <summary>
    /// Adds a leaf whose leaf hash is already known. For test vectors whose leaf data is not 32 bytes long;
    /// the ledger itself always appends entry hashes.
    /// </summary>
    internal void AppendLeafHash(Hash32 leafHash)
    {
        _lock.EnterWriteLock();
        try
        {
            _levels[0].Add(leafHash);
            // Each time a level gets an even count, its last two hashes complete a perfect subtree one level up.
            var hash = leafHash;
            for (int level = 0; _levels[level].Count % 2 == 0; level++)
            {
                hash = Merkle.Node(_levels[level].Get(_levels[level].Count - 2), hash);
                if (level + 1 == _levels.Count) _levels.Add(new HashColumn());
                _levels[level + 1].Add(hash);
            }
            _size = checked(_size + 1);
        }
        finally { _lock.ExitWriteLock(); }
    }

    /// <summary>The RFC 9162 root MTH(D[0:size]) of the first <paramref name="size"/> leaves; the empty root for 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">size is negative or larger than <see cref="Size"/>.</exception>
    public Hash32 Root(long size)
    {
        _lock.EnterReadLock();
        try
        {
            CheckSize(size, nameof(size));
            return size == 0 ? Merkle.EmptyRoot : SubtreeHash(0, size);
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The audit path PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1: the sibling hashes from the leaf up to
    /// the root of the tree of the first <paramref name="size"/> leaves, nearest the leaf first.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">size is not in 1..<see cref="Size"/>, or index is not in 0..size-1.</exception>
    public IReadOnlyList<Hash32> InclusionProof(long index, long size)
    {
        _lock.EnterReadLock();
        try
        {
            CheckSize(size, nameof(size));
            if (index < 0 || index >= size)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"the leaf index must be in 0..{size - 1} for a tree of size {size}");
            // Walk down the RFC's recursion, collecting the sibling at each split; the RFC lists them bottom-up.
            var path = new List<Hash32>();
            long start = 0, count = size, m = index;
            while (count > 1)
            {
                long k = LargestPowerOfTwoBelow(count);
                if (m < k)
                {
                    path.Add(SubtreeHash(start + k, count - k));
                    count = k;
                }
                else
                {
                    path.Add(SubtreeHash(start, k));
                    start += k;
                    count -= k;
                    m -= k;
                }
            }
            path.Reverse();
            return path;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// The consistency proof PROOF(oldSize, D[0:newSize]) = SUBPROOF(oldSize, D[0:newSize], true) of RFC 9162
    /// section 2.1.4.1: the hashes that show the tree of <paramref name="newSize"/> leaves extends the tree of
    /// <paramref name="oldSize"/> leaves. Empty when the sizes are equal.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// oldSize is 0 (the RFC requires 0 &lt; m), oldSize exceeds newSize, or newSize exceeds <see cref="Size"/>.
    /// </exception>
    public IReadOnlyList<Hash32> ConsistencyProof(long oldSize, long newSize)
    {
        _lock.EnterReadLock();
        try
        {
            CheckSize(newSize, nameof(newSize));
            if (oldSize < 1)
                throw new ArgumentOutOfRangeException(nameof(oldSize), oldSize, "a consistency proof needs an old size of at least 1 (RFC 9162 section 2.1.4)");
            if (oldSize > newSize)
                throw new ArgumentOutOfRangeException(nameof(oldSize), oldSize, $"the old size must not exceed the new size {newSize}");
            var proof = new List<Hash32>();
            long start = 0, count = newSize, m = oldSize;
            bool wholeOldTreeIsARoot = true; // the RFC's flag b: is D[start:start+m] the old tree's root itself?
            while (m < count)
            {
                long k = LargestPowerOfTwoBelow(count);
                if (m <= k)
                {
                    proof.Add(SubtreeHash(start + k, count - k));
                    count = k;
                }
                else
                {
                    proof.Add(SubtreeHash(start, k));
                    start += k;
                    count -= k;
                    m -= k;
                    wholeOldTreeIsARoot = false;
                }
            }
            // SUBPROOF(m, D[m], true) = {}; SUBPROOF(m, D[m], false) = {MTH(D[m])}.
            if (!wholeOldTreeIsARoot) proof.Add(SubtreeHash(start, count));
            proof.Reverse();
            return proof;
        }
        finally { _lock.ExitReadLock(); }
    }

    /// <summary>
    /// MTH(D[start:start+count]) for count ≥ 1. The RFC's left part at a split is always a perfect subtree
    /// aligned to its size, so it comes from the cache; only the right spine is hashed: O(log n).
    /// </summary>
    private Hash32 SubtreeHash(long start, long count)
    {
        if (IsPowerOfTwo(count) && start % count == 0) return Cached(start, count);
        long k = LargestPowerOfTwoBelow(count);
        var left = SubtreeHash(start, k);
        var right = SubtreeHash(start + k, count - k);
        Interlocked.Increment(ref _proofNodeHashes);
        return Merkle.Node(left, right);
    }

    private Hash32 Cached(long start, long count)
    {
        int level = System.Numerics.BitOperations.Log2((ulong)count);
        // Pair assertion with AppendLeafHash: a complete aligned subtree below _size is always cached.
        if (start + count > _size || level >= _levels.Count)
            throw new InvalidOperationException($"subtree [{start}, {start + count}) is not complete in a tree of {_size}");
        return _levels[level].Get(start >> level);
    }

    private void CheckSize(long size, string name)
    {
        if (size < 0 || size > _size)
            throw new ArgumentOutOfRangeException(name, size, $"the tree size must be in 0..{_size} (the current size)");
    }

    private static bool IsPowerOfTwo(long n) => n > 0 && (n & (n - 1)) == 0;

    /// <summary>The RFC's k: the largest power of two smaller than n, for n ≥ 2.</summary>
    internal static long LargestPowerOfTwoBelow(long n) => 1L << System.Numerics.BitOperations.Log2((ulong)(n - 1));

    /// <summary>
    /// A growable column of 32-byte hashes in fixed chunks: no copying on growth, no large-object-heap arrays,
    /// and 32 bytes per hash instead of an object per hash.
    /// </summary>
    private sealed class HashColumn
    {
        // 2,048 hashes × 32 bytes = 64 KiB: under the 85,000-byte large-object threshold.
        private const int ChunkHashes = 2048;

        private readonly List<byte[]> _chunks = [];

        public long Count { get; private set; }

        public void Add(Hash32 hash)
        {
            int offset = (int)(Count % ChunkHashes);
            if (offset == 0) _chunks.Add(new byte[ChunkHashes * Hash32.Size]);
            hash.Span.CopyTo(_chunks[^1].AsSpan(offset * Hash32.Size, Hash32.Size));
            Count++;
        }

        public Hash32 Get(long index)
        {
            if ((ulong)index >= (ulong)Count) throw new ArgumentOutOfRangeException(nameof(index));
            var chunk = _chunks[(int)(index / ChunkHashes)];
            return new Hash32(chunk.AsSpan((int)(index % ChunkHashes) * Hash32.Size, Hash32.Size));
        }
    }
}
