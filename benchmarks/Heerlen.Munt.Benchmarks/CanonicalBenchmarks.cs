using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Benchmarks;

/// <summary>The canonical encoding (docs/chain-format.md): a payment's command, its signed envelope and its entry, both ways.</summary>
[MemoryDiagnoser]
public class CanonicalBenchmarks
{
    private Pay _pay = null!;
    private byte[] _envelope = [];
    private Entry _entry = null!;
    private byte[] _entryBytes = [];

    [GlobalSetup]
    public void Setup()
    {
        var town = new Town();
        var resident = town.NewKeys("resident", 1)[0];
        var shop = town.NewKeys("shop", 1)[0];
        _pay = new Pay(shop.Id, new Amount(1_250), new PaymentRequestId(town.NextId())) { Header = town.Header(resident) };
        _envelope = Town.Sign(_pay, resident).Envelope;
        _entry = Entry.Create(123_456, Hash32.Sha256([1]), town.NowMs, default, _envelope);
        _entryBytes = _entry.Encode();
    }

    [Benchmark(Description = "encode a Pay command")]
    public byte[] EncodeCommand() => CommandCodec.Encode(_pay);

    [Benchmark(Description = "decode a signed Pay envelope (and its signing digest)")]
    public SignedCommand? DecodeEnvelope() => SignedCommand.Decode(_envelope, Town.ChainId).Command;

    [Benchmark(Description = "encode an entry")]
    public byte[] EncodeEntry() => _entry.Encode();

    [Benchmark(Description = "decode an entry (and check its hash)")]
    public Entry? DecodeEntry() => Entry.TryDecode(_entryBytes, out var entry, out _) ? entry : null;
}
