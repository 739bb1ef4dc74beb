using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Benchmarks;

/// <summary>Hashing: a command's signing digest, an entry's hash (making an entry), a Merkle leaf and node.</summary>
[MemoryDiagnoser]
public class HashingBenchmarks
{
    private byte[] _command = [];
    private byte[] _envelope = [];
    private Hash32 _previous;
    private Hash32 _other;

    [GlobalSetup]
    public void Setup()
    {
        var town = new Town();
        var resident = town.NewKeys("resident", 1)[0];
        var pay = new Pay(town.NewKeys("shop", 1)[0].Id, new Amount(1_250), null) { Header = town.Header(resident) };
        _command = CommandCodec.Encode(pay);
        _envelope = Town.Sign(pay, resident).Envelope;
        _previous = Hash32.Sha256([1]);
        _other = Hash32.Sha256([2]);
    }

    [Benchmark(Description = "signing digest of a Pay command")]
    public Hash32 SigningDigest() => CommandCodec.SigningDigest(_command);

    [Benchmark(Description = "make an entry (its hash) around a Pay envelope")]
    public Entry EntryHash() => Entry.Create(123_456, _previous, 1_780_000_000_000, default, _envelope);

    [Benchmark(Description = "Merkle leaf hash")]
    public Hash32 MerkleLeaf() => Merkle.Leaf(_previous.Span);

    [Benchmark(Description = "Merkle node hash")]
    public Hash32 MerkleNode() => Merkle.Node(_previous, _other);
}
