using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// The Merkle root of 1k and 10k entry hashes three ways: the RFC's recursive definition (the reference), the sequencer's
/// frontier (append all, then one root), and the server's proof tree (append all, then the root).
/// </summary>
[MemoryDiagnoser]
public class MerkleBenchmarks
{
    private Hash32[] _hashes = [];

    [Params(1_000, 10_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup() => _hashes = MerkleData.EntryHashes(Leaves);

    [Benchmark(Baseline = true, Description = "root, RFC 9162 recursive reference")]
    public Hash32 ReferenceRoot() => Merkle.Root(_hashes);

    [Benchmark(Description = "root, MerkleFrontier (append all + root)")]
    public Hash32 FrontierRoot()
    {
        var frontier = new MerkleFrontier();
        foreach (var h in _hashes) frontier.Append(h);
        return frontier.Root();
    }

    [Benchmark(Description = "root, MerkleTree (append all + root)")]
    public Hash32 TreeRoot()
    {
        var tree = new MerkleTree();
        foreach (var h in _hashes) tree.Append(h);
        return tree.Root(tree.Size);
    }
}

/// <summary>
/// Inclusion and consistency proofs on a tree of 1k and 10k entries: made by the server's <see cref="MerkleTree"/>,
/// checked by an auditor's <see cref="MerkleProofs"/>. Positions are fixed and awkward (not powers of two).
/// </summary>
[MemoryDiagnoser]
public class MerkleProofBenchmarks
{
    private Hash32[] _hashes = [];
    private MerkleTree _tree = null!;
    private long _index;
    private long _oldSize;
    private Hash32 _root;
    private Hash32 _oldRoot;
    private IReadOnlyList<Hash32> _inclusion = [];
    private IReadOnlyList<Hash32> _consistency = [];

    [Params(1_000, 10_000)]
    public int Leaves { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _hashes = MerkleData.EntryHashes(Leaves);
        _tree = new MerkleTree();
        foreach (var h in _hashes) _tree.Append(h);
        _index = Leaves * 3 / 7;
        _oldSize = Leaves * 5 / 9;
        _root = _tree.Root(Leaves);
        _oldRoot = _tree.Root(_oldSize);
        _inclusion = _tree.InclusionProof(_index, Leaves);
        _consistency = _tree.ConsistencyProof(_oldSize, Leaves);
        if (!CheckInclusion() || !CheckConsistency()) throw new InvalidOperationException("the proofs made here do not check out");
    }

    [Benchmark(Description = "make an inclusion proof")]
    public IReadOnlyList<Hash32> MakeInclusion() => _tree.InclusionProof(_index, Leaves);

    [Benchmark(Description = "check an inclusion proof")]
    public bool CheckInclusion() => MerkleProofs.VerifyInclusion(_hashes[_index], _index, Leaves, _inclusion, _root);

    [Benchmark(Description = "make a consistency proof")]
    public IReadOnlyList<Hash32> MakeConsistency() => _tree.ConsistencyProof(_oldSize, Leaves);

    [Benchmark(Description = "check a consistency proof")]
    public bool CheckConsistency() => MerkleProofs.VerifyConsistency(_oldSize, Leaves, _oldRoot, _root, _consistency);
}

internal static class MerkleData
{
    /// <summary><paramref name="count"/> distinct stand-ins for entry hashes.</summary>
    public static Hash32[] EntryHashes(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Hash32.Sha256(BitConverter.GetBytes(i)))];
}
