using Google.Protobuf;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Block = Heerlen.Munt.Ledger.Chain.Block;

namespace Heerlen.Munt.Verify.Tests;

/// <summary>
/// What the verifier demands of a live server on its second visit: an RFC 9162 consistency proof from the checkpoint it
/// remembers to the server's latest. A server that rewrote history cannot produce one, however it mixes the hashes.
/// </summary>
public sealed class ConsistencyDemandTests
{
    private static readonly SigningKey Operator = SigningKey.Generate();

    private static (MerkleTree Tree, List<Hash32> Leaves) TreeOf(int size, int seed, int changeAt = -1)
    {
        var random = new Random(seed);
        var tree = new MerkleTree();
        var leaves = new List<Hash32>();
        for (int i = 0; i < size; i++)
        {
            var bytes = new byte[32];
            random.NextBytes(bytes);
            if (i == changeAt) bytes[0] ^= 0xFF;
            leaves.Add(new Hash32(bytes));
            tree.Append(leaves[^1]);
        }
        return (tree, leaves);
    }

    private static Block Sealed(MerkleTree tree, long size, SigningKey? key = null) =>
        Block.Seal(0, 0, size, tree.Root(size), Hash32.Zero, 1_780_000_000_000, key ?? Operator);

    private static RememberedCheckpoint Remember(MerkleTree tree, long size) =>
        RememberedCheckpoint.Of("heerlen-munt/test", Operator.PublicKey, Sealed(tree, size), DateTimeOffset.UnixEpoch, "test");

    private static ConsistencyProof Proof(long oldSize, Block newer, IEnumerable<Hash32> hashes)
    {
        var proof = new ConsistencyProof { OldSize = oldSize, NewSize = newer.TreeSize, NewCheckpoint = new Checkpoint { Encoded = ByteString.CopyFrom(newer.Encode()) } };
        proof.Hashes.AddRange(hashes.Select(h => h.ToHex()));
        return proof;
    }

    private static readonly (int Old, int New)[] Sizes = [(1, 2), (3, 7), (4, 8), (5, 13), (6, 6), (7, 30), (16, 33), (29, 64)];

    [Fact]
    public void an_honest_server_proves_every_later_checkpoint_extends_the_remembered_one()
    {
        foreach (var (m, n) in Sizes)
        {
            var (tree, _) = TreeOf(n, 1);
            Assert.Null(ServerChecks.CheckConsistency(Remember(tree, m), Proof(m, Sealed(tree, n), tree.ConsistencyProof(m, n)), ManagedSchnorrVerifier.Instance));
        }
    }

    [Fact]
    public void replacing_any_single_hash_of_the_proof_is_caught_as_a_fork()
    {
        foreach (var (m, n) in Sizes.Where(s => s.Old < s.New))
        {
            var (tree, _) = TreeOf(n, 2);
            var honest = tree.ConsistencyProof(m, n);
            for (int i = 0; i < honest.Count; i++)
            {
                var forged = honest.ToList();
                forged[i] = Hash32.Sha256(forged[i].Span);
                var failure = ServerChecks.CheckConsistency(Remember(tree, m), Proof(m, Sealed(tree, n), forged), ManagedSchnorrVerifier.Instance);
                Assert.True(failure is { Forked: true, Rule: "consistency_proof" }, $"sizes {m}→{n}, position {i}");
            }
        }
    }

    [Fact]
    public void a_rewritten_history_cannot_be_proven_by_any_mix_of_the_honest_and_the_forged_trees_proof_hashes()
    {
        // The immudb 2022 flaw: a verifier that checks only some of a proof (its ends, one of the two roots) lets a
        // forked tree pass. Here every hash takes part in both roots, so no mix of the two proofs gets through.
        foreach (var (m, n) in Sizes.Where(s => s.Old < s.New))
        {
            var (honest, _) = TreeOf(n, 3);
            var (forked, _) = TreeOf(n, 3, changeAt: m - 1); // the last entry before the remembered checkpoint rewritten
            var newer = Sealed(forked, n);
            var a = honest.ConsistencyProof(m, n);
            var b = forked.ConsistencyProof(m, n);
            Assert.Equal(a.Count, b.Count);
            int mixes = Math.Min(1 << a.Count, 1 << 12);
            for (int mask = 0; mask < mixes; mask++)
            {
                var mixed = a.Select((h, i) => (mask >> i & 1) == 1 ? b[i] : h).ToList();
                var failure = ServerChecks.CheckConsistency(Remember(honest, m), Proof(m, newer, mixed), ManagedSchnorrVerifier.Instance);
                Assert.True(failure is { Forked: true }, $"sizes {m}→{n}, mix {mask}");
            }
        }
    }

    [Fact]
    public void a_proof_whose_middle_is_made_up_while_its_ends_are_honest_is_caught()
    {
        var (tree, _) = TreeOf(61, 4);
        var honest = tree.ConsistencyProof(13, 61);
        Assert.True(honest.Count >= 3);
        var forged = honest.Select((h, i) => i == 0 || i == honest.Count - 1 ? h : Hash32.Sha256([(byte)i])).ToList();
        Assert.True(ServerChecks.CheckConsistency(Remember(tree, 13), Proof(13, Sealed(tree, 61), forged), ManagedSchnorrVerifier.Instance) is { Forked: true });
    }

    [Fact]
    public void a_proof_with_a_hash_added_or_left_out_is_caught()
    {
        var (tree, _) = TreeOf(40, 5);
        var honest = tree.ConsistencyProof(11, 40);
        var remembered = Remember(tree, 11);
        Assert.NotNull(ServerChecks.CheckConsistency(remembered, Proof(11, Sealed(tree, 40), [.. honest, Hash32.Zero]), ManagedSchnorrVerifier.Instance));
        Assert.NotNull(ServerChecks.CheckConsistency(remembered, Proof(11, Sealed(tree, 40), honest.Take(honest.Count - 1)), ManagedSchnorrVerifier.Instance));
    }

    [Fact]
    public void a_new_checkpoint_not_signed_by_the_chains_operator_is_caught_as_a_fork()
    {
        var (tree, _) = TreeOf(20, 6);
        var failure = ServerChecks.CheckConsistency(Remember(tree, 8), Proof(8, Sealed(tree, 20, SigningKey.Generate()), tree.ConsistencyProof(8, 20)), ManagedSchnorrVerifier.Instance);
        Assert.True(failure is { Forked: true });
        Assert.Contains("not signed", failure!.Explanation);
    }

    [Fact]
    public void a_latest_checkpoint_smaller_than_the_remembered_one_is_history_cut_short()
    {
        var (tree, _) = TreeOf(20, 7);
        var failure = ServerChecks.CheckConsistency(Remember(tree, 15), Proof(15, Sealed(tree, 10), []), ManagedSchnorrVerifier.Instance);
        Assert.True(failure is { Forked: true });
    }

    [Fact]
    public void a_proof_with_something_that_is_not_a_hash_is_refused_without_throwing()
    {
        var (tree, _) = TreeOf(20, 8);
        var proof = Proof(8, Sealed(tree, 20), tree.ConsistencyProof(8, 20));
        proof.Hashes[0] = "not hex";
        Assert.NotNull(ServerChecks.CheckConsistency(Remember(tree, 8), proof, ManagedSchnorrVerifier.Instance));
        Assert.NotNull(ServerChecks.CheckConsistency(Remember(tree, 8), new ConsistencyProof { OldSize = 8, NewSize = 20 }, ManagedSchnorrVerifier.Instance));
    }
}
