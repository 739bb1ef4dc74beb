using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.Chain;

/// <summary>
/// RFC 9162 written out as literally as the text reads (section 2.1.1 MTH, 2.1.3.1 PATH, 2.1.4.1 PROOF and
/// SUBPROOF), recursive and O(n): the yardstick for the cached <see cref="MerkleTree"/>.
/// </summary>
internal sealed class RfcReference(IReadOnlyList<Hash32> leafHashes)
{
    // MTH is memoised only so the exhaustive sweeps stay quick; the recursion is the RFC's.
    private readonly Dictionary<(int, int), Hash32> _mth = [];

    public static RfcReference OverEntries(int count) => new([.. Enumerable.Range(0, count).Select(i => Merkle.Leaf(MerkleData.Entry(i).Span))]);

    public Hash32 Mth(int start, int n)
    {
        if (n == 0) return Merkle.EmptyRoot;
        if (n == 1) return leafHashes[start];
        if (_mth.TryGetValue((start, n), out var known)) return known;
        int k = K(n);
        var hash = Merkle.Node(Mth(start, k), Mth(start + k, n - k));
        _mth[(start, n)] = hash;
        return hash;
    }

    /// <summary>PATH(m, D[start:start+n]).</summary>
    public List<Hash32> Path(int m, int start, int n)
    {
        if (n == 1) return [];
        int k = K(n);
        return m < k
            ? [.. Path(m, start, k), Mth(start + k, n - k)]
            : [.. Path(m - k, start + k, n - k), Mth(start, k)];
    }

    /// <summary>PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true).</summary>
    public List<Hash32> Proof(int m, int n) => SubProof(m, 0, n, true);

    private List<Hash32> SubProof(int m, int start, int n, bool b)
    {
        if (m == n) return b ? [] : [Mth(start, n)];
        int k = K(n);
        return m <= k
            ? [.. SubProof(m, start, k, b), Mth(start + k, n - k)]
            : [.. SubProof(m - k, start + k, n - k, false), Mth(start, k)];
    }

    /// <summary>The largest power of two smaller than n.</summary>
    private static int K(int n)
    {
        int k = 1;
        while (k << 1 < n) k <<= 1;
        return k;
    }
}

internal static class MerkleData
{
    public static Hash32 Entry(int i) => Hash32.Sha256(BitConverter.GetBytes(i));

    public static MerkleTree Tree(int size)
    {
        var tree = new MerkleTree();
        for (int i = 0; i < size; i++) tree.Append(Entry(i));
        return tree;
    }

    public static List<Hash32> FlipBit(IReadOnlyList<Hash32> proof, int element, int bit)
    {
        var copy = proof.ToList();
        byte[] bytes = copy[element].Span.ToArray();
        bytes[bit / 8 % Hash32.Size] ^= (byte)(1 << (bit % 8));
        copy[element] = new Hash32(bytes);
        return copy;
    }
}

public class When_a_merkle_tree_is_built_leaf_by_leaf
{
    private const int SizeMax = 300;
    private static readonly MerkleTree Tree = MerkleData.Tree(SizeMax);
    private static readonly RfcReference Reference = RfcReference.OverEntries(SizeMax);

    [Fact]
    public void the_root_at_every_size_up_to_300_equals_the_rfc_definition_and_the_frontier()
    {
        var frontier = new MerkleFrontier();
        var entries = new List<Hash32>();
        Assert.Equal(Merkle.EmptyRoot, Tree.Root(0));
        for (int size = 1; size <= SizeMax; size++)
        {
            frontier.Append(MerkleData.Entry(size - 1));
            entries.Add(MerkleData.Entry(size - 1));
            Assert.Equal(Merkle.Root(entries), Tree.Root(size));
            Assert.Equal(frontier.Root(), Tree.Root(size));
        }
        Assert.Equal(SizeMax, Tree.Size);
    }

    [Fact]
    public void an_inclusion_proof_for_every_leaf_of_every_tree_up_to_300_leaves_verifies_and_is_the_rfc_path()
    {
        for (int size = 1; size <= SizeMax; size++)
        {
            var root = Tree.Root(size);
            for (int index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof(index, size);
                Assert.Equal(Reference.Path(index, 0, size), proof);
                Assert.True(MerkleProofs.VerifyInclusion(MerkleData.Entry(index), index, size, proof, root), $"leaf {index} of {size}");
                Assert.True(MerkleProofs.TryRootFromInclusion(MerkleData.Entry(index), index, size, proof, out var computed));
                Assert.Equal(root, computed);
            }
        }
    }

    [Fact]
    public void a_consistency_proof_for_every_pair_of_sizes_up_to_300_verifies_and_is_the_rfc_subproof()
    {
        for (int newSize = 1; newSize <= SizeMax; newSize++)
        {
            for (int oldSize = 1; oldSize <= newSize; oldSize++)
            {
                var proof = Tree.ConsistencyProof(oldSize, newSize);
                Assert.Equal(Reference.Proof(oldSize, newSize), proof);
                Assert.True(MerkleProofs.VerifyConsistency(oldSize, newSize, Tree.Root(oldSize), Tree.Root(newSize), proof), $"{oldSize} -> {newSize}");
            }
        }
    }

    [Fact]
    public void a_consistency_proof_between_equal_sizes_is_empty()
    {
        Assert.Empty(Tree.ConsistencyProof(13, 13));
        Assert.True(MerkleProofs.VerifyConsistency(13, 13, Tree.Root(13), Tree.Root(13), []));
        Assert.False(MerkleProofs.VerifyConsistency(13, 13, Tree.Root(13), Tree.Root(12), []));
        Assert.False(MerkleProofs.VerifyConsistency(13, 13, Tree.Root(13), Tree.Root(13), [Tree.Root(13)]));
    }

    [Fact]
    public void the_proofs_of_a_past_size_do_not_change_as_the_tree_grows()
    {
        var tree = MerkleData.Tree(20);
        var inclusion = tree.InclusionProof(7, 13);
        var consistency = tree.ConsistencyProof(5, 13);
        var root = tree.Root(13);
        for (int i = 20; i < 100; i++) tree.Append(MerkleData.Entry(i));
        Assert.Equal(inclusion, tree.InclusionProof(7, 13));
        Assert.Equal(consistency, tree.ConsistencyProof(5, 13));
        Assert.Equal(root, tree.Root(13));
    }

    [Fact]
    public void a_proof_costs_a_few_hundred_node_hashes_not_a_rehash_of_the_tree()
    {
        const int size = 70_001; // not a power of two, so proofs need subtrees that are not cached
        var tree = MerkleData.Tree(size);
        var random = new Random(9162);
        for (int probe = 0; probe < 50; probe++)
        {
            long newSize = random.NextInt64(2, size + 1);
            long oldSize = random.NextInt64(1, newSize);
            long before = tree.ProofNodeHashes;
            tree.Root(newSize);
            tree.InclusionProof(random.NextInt64(0, newSize), newSize);
            tree.ConsistencyProof(oldSize, newSize);
            long spent = tree.ProofNodeHashes - before;
            // log2(70,001) < 17: three answers of at most 17 × 17 node hashes each.
            Assert.True(spent <= 3 * 17 * 17, $"{spent} node hashes for sizes {oldSize} -> {newSize}");
        }
    }

    [Fact]
    public async Task readers_get_correct_proofs_while_the_writer_appends()
    {
        const int size = 5_000;
        var tree = MerkleData.Tree(64);
        var root64 = RfcReference.OverEntries(64).Mth(0, 64);
        var writer = Task.Run(() =>
        {
            for (int i = 64; i < size; i++) tree.Append(MerkleData.Entry(i));
        });
        var readers = Enumerable.Range(0, 4).Select(r => Task.Run(() =>
        {
            var random = new Random(r);
            do
            {
                long n = tree.Size;
                long index = random.NextInt64(0, n);
                var proof = tree.InclusionProof(index, n);
                Assert.True(MerkleProofs.VerifyInclusion(MerkleData.Entry((int)index), index, n, proof, tree.Root(n)));
                Assert.True(MerkleProofs.VerifyConsistency(64, n, root64, tree.Root(n), tree.ConsistencyProof(64, n)));
            }
            while (!writer.IsCompleted);
        })).ToArray();
        await Task.WhenAll([writer, .. readers]);
        Assert.Equal(size, tree.Size);
    }
}

public class When_a_merkle_proof_is_tampered_with
{
    private const int SizeMax = 40;
    private static readonly MerkleTree Tree = MerkleData.Tree(SizeMax);
    private static readonly Hash32 SomeHash = Hash32.Sha256("not in the tree"u8);

    [Fact]
    public void an_inclusion_proof_with_any_one_bit_flipped_fails()
    {
        for (int size = 2; size <= SizeMax; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof(index, size);
                for (int element = 0; element < proof.Count; element++)
                {
                    foreach (int bit in new[] { 0, 77, 255 })
                        Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(index), index, size, MerkleData.FlipBit(proof, element, bit), Tree.Root(size)));
                }
            }
        }
    }

    [Fact]
    public void an_inclusion_proof_fails_for_any_other_index_entry_or_root()
    {
        for (int size = 1; size <= SizeMax; size++)
        {
            var root = Tree.Root(size);
            for (int index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof(index, size);
                var entry = MerkleData.Entry(index);
                for (int other = -1; other <= size; other++)
                {
                    if (other != index) Assert.False(MerkleProofs.VerifyInclusion(entry, other, size, proof, root), $"leaf {index} of {size} as {other}");
                }
                Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(index + 1), index, size, proof, root));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, proof, SomeHash));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, proof, Merkle.EmptyRoot));
                if (size > 1) Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, proof, Tree.Root(size - 1)));
            }
        }
    }

    /// <summary>
    /// A wrong size is paired with the root of that size: the claim a checkpoint would make. (Paired with the
    /// original root some sizes pass legitimately, e.g. PATH(0, D[4]) checked as size 3 computes D[4]'s root:
    /// the size and root of a checkpoint are signed together, so that is no forgery.)
    /// </summary>
    [Fact]
    public void an_inclusion_proof_fails_for_any_other_tree_size()
    {
        for (int size = 1; size <= SizeMax; size++)
        {
            for (int index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof(index, size);
                for (int other = index + 1; other <= SizeMax; other++)
                {
                    if (other != size) Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(index), index, other, proof, Tree.Root(other)), $"leaf {index} of {size} as size {other}");
                }
                Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(index), index, size * 2, proof, Tree.Root(size)));
            }
        }
    }

    [Fact]
    public void a_truncated_or_extended_inclusion_proof_fails()
    {
        for (int size = 1; size <= SizeMax; size++)
        {
            var root = Tree.Root(size);
            for (int index = 0; index < size; index++)
            {
                var proof = Tree.InclusionProof(index, size);
                var entry = MerkleData.Entry(index);
                if (proof.Count > 0) Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, proof.Take(proof.Count - 1).ToList(), root));
                if (proof.Count > 0) Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, proof.Skip(1).ToList(), root));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, [.. proof, root], root));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, [.. proof, Hash32.Zero], root));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, [root, .. proof], root));
                Assert.False(MerkleProofs.VerifyInclusion(entry, index, size, [Hash32.Zero, .. proof], root));
            }
        }
    }

    [Fact]
    public void a_consistency_proof_with_any_one_bit_flipped_fails()
    {
        for (int newSize = 2; newSize <= SizeMax; newSize++)
        {
            for (int oldSize = 1; oldSize < newSize; oldSize++)
            {
                var proof = Tree.ConsistencyProof(oldSize, newSize);
                for (int element = 0; element < proof.Count; element++)
                {
                    foreach (int bit in new[] { 0, 100, 255 })
                        Assert.False(MerkleProofs.VerifyConsistency(oldSize, newSize, Tree.Root(oldSize), Tree.Root(newSize), MerkleData.FlipBit(proof, element, bit)));
                }
            }
        }
    }

    [Fact]
    public void a_consistency_proof_fails_for_other_sizes_roots_or_lengths()
    {
        for (int newSize = 2; newSize <= SizeMax; newSize++)
        {
            for (int oldSize = 1; oldSize < newSize; oldSize++)
            {
                var proof = Tree.ConsistencyProof(oldSize, newSize);
                var oldRoot = Tree.Root(oldSize);
                var newRoot = Tree.Root(newSize);
                bool Verifies(long m, long n, Hash32 r1, Hash32 r2, IReadOnlyList<Hash32> p) => MerkleProofs.VerifyConsistency(m, n, r1, r2, p);

                Assert.False(Verifies(oldSize, newSize, newRoot, oldRoot, proof), "swapped roots");
                Assert.False(Verifies(oldSize, newSize, SomeHash, newRoot, proof), "wrong old root");
                Assert.False(Verifies(oldSize, newSize, oldRoot, SomeHash, proof), "wrong new root");
                Assert.False(Verifies(newSize, oldSize, newRoot, oldRoot, proof), "swapped sizes");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, []), "empty proof");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, proof.Take(proof.Count - 1).ToList()), "truncated");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [.. proof, newRoot]), "trailing new root");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [.. proof, Hash32.Zero]), "trailing garbage");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [oldRoot, .. proof]), "preceding old root");
                Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [proof[0], .. proof]), "preceding proof[0]");
                // Other sizes, each with its own true root, as a checkpoint would claim them.
                for (int m = 1; m < newSize; m++)
                {
                    if (m != oldSize) Assert.False(Verifies(m, newSize, Tree.Root(m), newRoot, proof), $"{oldSize} -> {newSize} as old size {m}");
                }
                for (int n = oldSize + 1; n <= SizeMax; n++)
                {
                    if (n != newSize) Assert.False(Verifies(oldSize, n, oldRoot, Tree.Root(n), proof), $"{oldSize} -> {newSize} as new size {n}");
                }
            }
        }
    }

    [Fact]
    public void a_proof_longer_than_64_hashes_or_with_nonsense_sizes_is_refused_without_throwing()
    {
        var root = Tree.Root(8);
        var tooLong = Enumerable.Repeat(SomeHash, MerkleProofs.ProofHashesMax + 1).ToList();
        Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(0), 0, long.MaxValue, tooLong, root));
        Assert.False(MerkleProofs.VerifyConsistency(1, long.MaxValue, root, root, tooLong));
        foreach (var (index, size) in new (long, long)[] { (0, 0), (-1, 8), (8, 8), (0, -1), (long.MinValue, long.MaxValue), (long.MaxValue, long.MaxValue) })
            Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(0), index, size, Tree.InclusionProof(0, 8), root));
        foreach (var (m, n) in new (long, long)[] { (0, 0), (0, 8), (-1, 8), (9, 8), (long.MinValue, -1), (1, long.MaxValue) })
            Assert.False(MerkleProofs.VerifyConsistency(m, n, root, root, Tree.ConsistencyProof(1, 8)));
        Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(0), 0, 8, null!, root));
        Assert.False(MerkleProofs.VerifyConsistency(1, 8, root, root, null!));
        Assert.False(MerkleProofs.VerifyInclusion(MerkleData.Entry(0), 0, 8, new Hash32[3], root)); // default(Hash32) elements
    }
}

public class When_a_proof_is_asked_for_badly
{
    private static readonly MerkleTree Tree = MerkleData.Tree(10);

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    [InlineData(long.MaxValue)]
    public void a_root_beyond_the_tree_is_out_of_range(long size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.Root(size));

    [Theory]
    [InlineData(0, 0)]
    [InlineData(10, 10)]
    [InlineData(-1, 5)]
    [InlineData(3, 11)]
    [InlineData(0, -1)]
    public void an_inclusion_proof_outside_the_tree_is_out_of_range(long index, long size) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.InclusionProof(index, size));

    [Theory]
    [InlineData(0, 5)]
    [InlineData(0, 0)]
    [InlineData(-1, 5)]
    [InlineData(6, 5)]
    [InlineData(5, 11)]
    public void a_consistency_proof_with_bad_sizes_is_out_of_range(long oldSize, long newSize) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Tree.ConsistencyProof(oldSize, newSize));

    [Fact]
    public void the_empty_tree_has_the_empty_root_and_no_proofs()
    {
        var empty = new MerkleTree();
        Assert.Equal(0, empty.Size);
        Assert.Equal(Merkle.EmptyRoot, empty.Root(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.InclusionProof(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => empty.ConsistencyProof(0, 0));
    }
}

/// <summary>
/// Known answers from transparency-dev/merkle, the Go Merkle library of Certificate Transparency and Trillian:
/// file proof/verify_test.go (variables leaves, roots, inclusionProofs, consistencyProofs and the corruption
/// probes of corruptInclusionProof / corruptConsistencyProof), stored copy at commit
/// 02194e9afb6c1d95b5381350007963aa70fff472, Apache-2.0. The same 8-leaf tree and hashes are in
/// google/certificate-transparency's merkle_tree_test.cc. Their leaf indices are 1-based; ours are 0-based.
/// </summary>
public class When_checking_the_certificate_transparency_vectors
{
    private static readonly string[] LeafData = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    private static readonly string[] Roots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    /// <summary>(1-based leaf, tree size, proof).</summary>
    public static TheoryData<int, int, string[]> InclusionVectors() => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"] },
        { 2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
    };

    /// <summary>(old size, new size, proof).</summary>
    public static TheoryData<int, int, string[]> ConsistencyVectors() => new()
    {
        { 1, 1, [] },
        { 1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7", "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"] },
        { 6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
        { 2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e", "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"] },
        { 6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a", "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f", "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"] },
    };

    private static readonly Hash32 SomeHash = Hash32.FromHex("abacaba000000000000000000000000000000000000000000060061e00123456");

    private static Hash32 LeafHash(int index) => Merkle.Leaf(Convert.FromHexString(LeafData[index]));

    private static MerkleTree Tree()
    {
        var tree = new MerkleTree();
        for (int i = 0; i < LeafData.Length; i++) tree.AppendLeafHash(LeafHash(i));
        return tree;
    }

    private static Hash32[] Hashes(string[] hex) => [.. hex.Select(Hash32.FromHex)];

    [Fact]
    public void the_roots_of_the_eight_leaf_tree_are_the_published_ones()
    {
        var tree = Tree();
        Assert.Equal(Roots, Enumerable.Range(1, 8).Select(size => tree.Root(size).ToHex()));
    }

    [Theory]
    [MemberData(nameof(InclusionVectors))]
    public void the_inclusion_proof_is_the_published_one_and_only_it_verifies(int leaf, int size, string[] expected)
    {
        int index = leaf - 1;
        var proof = Hashes(expected);
        var root = Hash32.FromHex(Roots[size - 1]);
        Assert.Equal(proof, Tree().InclusionProof(index, size));

        Assert.True(MerkleProofs.TryRootFromLeafHash(LeafHash(index), index, size, proof, out var computed));
        Assert.Equal(root, computed);

        // The probes of corruptInclusionProof.
        bool Verifies(long i, long n, Hash32 r, Hash32 leafHash, IReadOnlyList<Hash32> p) =>
            MerkleProofs.TryRootFromLeafHash(leafHash, i, n, p, out var got) && got == r;
        Assert.False(Verifies(index - 1, size, root, LeafHash(index), proof));
        Assert.False(Verifies(index + 1, size, root, LeafHash(index), proof));
        Assert.False(Verifies(index ^ 2, size, root, LeafHash(index), proof));
        Assert.False(Verifies(index, size * 2, root, LeafHash(index), proof));
        Assert.False(Verifies(index, size / 2, root, LeafHash(index), proof));
        Assert.False(Verifies(index, size, root, Merkle.Leaf("WrongLeaf"u8), proof));
        Assert.False(Verifies(index, size, Merkle.EmptyRoot, LeafHash(index), proof));
        Assert.False(Verifies(index, size, SomeHash, LeafHash(index), proof));
        Assert.False(Verifies(index, size, root, LeafHash(index), [.. proof, root]));
        Assert.False(Verifies(index, size, root, LeafHash(index), [root, .. proof]));
        for (int i = 0; i < proof.Length; i++) Assert.False(Verifies(index, size, root, LeafHash(index), MerkleData.FlipBit(proof, i, 3)));
        if (proof.Length > 0) Assert.False(Verifies(index, size, root, LeafHash(index), proof[..^1]));
        if (proof.Length > 1) Assert.False(Verifies(index, size, root, LeafHash(index), [proof[0], SomeHash, .. proof[1..]]));
    }

    [Theory]
    [MemberData(nameof(ConsistencyVectors))]
    public void the_consistency_proof_is_the_published_one_and_only_it_verifies(int oldSize, int newSize, string[] expected)
    {
        var proof = Hashes(expected);
        var oldRoot = Hash32.FromHex(Roots[oldSize - 1]);
        var newRoot = Hash32.FromHex(Roots[newSize - 1]);
        Assert.Equal(proof, Tree().ConsistencyProof(oldSize, newSize));
        Assert.True(MerkleProofs.VerifyConsistency(oldSize, newSize, oldRoot, newRoot, proof));
        if (proof.Length == 0) return; // as upstream: the probes are for non-trivial proofs

        // The probes of corruptConsistencyProof.
        bool Verifies(long m, long n, Hash32 r1, Hash32 r2, IReadOnlyList<Hash32> p) => MerkleProofs.VerifyConsistency(m, n, r1, r2, p);
        Assert.False(Verifies(oldSize - 1, newSize, oldRoot, newRoot, proof));
        Assert.False(Verifies(oldSize + 1, newSize, oldRoot, newRoot, proof));
        Assert.False(Verifies(oldSize ^ 2, newSize, oldRoot, newRoot, proof));
        Assert.False(Verifies(oldSize, newSize * 2, oldRoot, newRoot, proof));
        Assert.False(Verifies(oldSize, newSize / 2, oldRoot, newRoot, proof));
        Assert.False(Verifies(oldSize, newSize, SomeHash, newRoot, proof));
        Assert.False(Verifies(oldSize, newSize, oldRoot, SomeHash, proof));
        Assert.False(Verifies(oldSize, newSize, newRoot, oldRoot, proof));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, []));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [.. proof, oldRoot]));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [.. proof, newRoot]));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [oldRoot, .. proof]));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [newRoot, .. proof]));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, [proof[0], .. proof]));
        Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, proof[..^1]));
        for (int i = 0; i < proof.Length; i++) Assert.False(Verifies(oldSize, newSize, oldRoot, newRoot, MerkleData.FlipBit(proof, i, 4)));
    }
}

public class When_random_trees_are_proved
{
    private const int SizeMax = 3_000;
    private static readonly MerkleTree Tree = MerkleData.Tree(SizeMax);
    private static readonly RfcReference Reference = RfcReference.OverEntries(SizeMax);

    private static readonly Arbitrary<(int Size, int Index, int Bit)> Positions =
        (from size in Gen.Choose(1, SizeMax)
         from index in Gen.Choose(0, size - 1)
         from bit in Gen.Choose(0, 8 * Hash32.Size * 64 - 1)
         select (size, index, bit)).ToArbitrary();

    private static readonly Arbitrary<(int OldSize, int NewSize, int Bit)> SizePairs =
        (from newSize in Gen.Choose(1, SizeMax)
         from oldSize in Gen.Choose(1, newSize)
         from bit in Gen.Choose(0, 8 * Hash32.Size * 64 - 1)
         select (oldSize, newSize, bit)).ToArbitrary();

    [Property(MaxTest = 300)]
    public Property an_inclusion_proof_is_the_rfc_path_verifies_and_fails_with_any_bit_flipped() =>
        Prop.ForAll(Positions, p =>
        {
            var proof = Tree.InclusionProof(p.Index, p.Size);
            var root = Tree.Root(p.Size);
            var entry = MerkleData.Entry(p.Index);
            bool same = proof.SequenceEqual(Reference.Path(p.Index, 0, p.Size));
            bool verifies = MerkleProofs.VerifyInclusion(entry, p.Index, p.Size, proof, root);
            bool flippedFails = proof.Count == 0
                || !MerkleProofs.VerifyInclusion(entry, p.Index, p.Size, MerkleData.FlipBit(proof, p.Bit / 256 % proof.Count, p.Bit % 256), root);
            bool otherLeafFails = !MerkleProofs.VerifyInclusion(MerkleData.Entry(p.Index + 1), p.Index, p.Size, proof, root);
            return (same && verifies && flippedFails && otherLeafFails).Label($"{p}: same {same}, verifies {verifies}, flipped fails {flippedFails}");
        });

    [Property(MaxTest = 300)]
    public Property a_consistency_proof_is_the_rfc_subproof_verifies_and_fails_with_any_bit_flipped_or_roots_swapped() =>
        Prop.ForAll(SizePairs, p =>
        {
            var proof = Tree.ConsistencyProof(p.OldSize, p.NewSize);
            var oldRoot = Tree.Root(p.OldSize);
            var newRoot = Tree.Root(p.NewSize);
            bool same = proof.SequenceEqual(Reference.Proof(p.OldSize, p.NewSize));
            bool verifies = MerkleProofs.VerifyConsistency(p.OldSize, p.NewSize, oldRoot, newRoot, proof);
            bool flippedFails = proof.Count == 0
                || !MerkleProofs.VerifyConsistency(p.OldSize, p.NewSize, oldRoot, newRoot, MerkleData.FlipBit(proof, p.Bit / 256 % proof.Count, p.Bit % 256));
            bool swappedFails = p.OldSize == p.NewSize || !MerkleProofs.VerifyConsistency(p.OldSize, p.NewSize, newRoot, oldRoot, proof);
            return (same && verifies && flippedFails && swappedFails).Label($"{p}: same {same}, verifies {verifies}, flipped fails {flippedFails}, swapped fails {swappedFails}");
        });

    private static readonly Arbitrary<(List<Hash32> Proof, int A, int B)> Garbage =
        (from length in Gen.Choose(0, 70)
         from seed in Gen.Choose(0, int.MaxValue)
         from a in Gen.Choose(-5, SizeMax + 5)
         from b in Gen.Choose(-5, SizeMax + 5)
         select (RandomHashes(length, seed), a, b)).ToArbitrary();

    private static List<Hash32> RandomHashes(int count, int seed)
    {
        var random = new Random(seed);
        var bytes = new byte[Hash32.Size];
        var hashes = new List<Hash32>();
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(bytes);
            hashes.Add(new Hash32(bytes));
        }
        return hashes;
    }

    [Property(MaxTest = 1000)]
    public Property random_proofs_and_sizes_never_throw_and_never_verify() =>
        Prop.ForAll(Garbage, g =>
        {
            var notInTheTree = MerkleData.Entry(-1);
            bool inclusion = MerkleProofs.VerifyInclusion(notInTheTree, g.A, g.B, g.Proof, Tree.Root(Math.Clamp(g.B, 0, SizeMax)));
            bool consistency = MerkleProofs.VerifyConsistency(g.A, g.B, Tree.Root(Math.Clamp(g.A, 0, SizeMax)), Tree.Root(Math.Clamp(g.B, 0, SizeMax)), g.Proof);
            // Only equal sizes with equal roots and an empty proof are (trivially) consistent.
            bool trivial = g.A == g.B && g.A >= 1 && g.Proof.Count == 0;
            return (!inclusion && consistency == trivial).Label($"{g.Proof.Count} hashes, sizes {g.A}, {g.B}");
        });
}
