using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Benchmarks;

/// <summary>One BIP340 signature check, managed (NBitcoin.Secp256k1) against native (libsecp256k1); and signing, both ways.</summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private BenchKey _key = null!;
    private byte[] _digest = [];
    private byte[] _signature = [];

    [GlobalSetup]
    public void Setup()
    {
        _key = new Town().NewKeys("resident", 1)[0];
        _digest = Hash32.Sha256([42]).Span.ToArray();
        _signature = _key.Key.Sign(_digest);
        if (!VerifyManaged() || !VerifyNative()) throw new InvalidOperationException("the signature does not verify");
    }

    [Benchmark(Baseline = true, Description = "verify, managed")]
    public bool VerifyManaged() => ManagedSchnorrVerifier.Instance.Verify(_key.Id.Span, _digest, _signature);

    [Benchmark(Description = "verify, native")]
    public bool VerifyNative() => NativeSchnorrVerifier.Instance.Verify(_key.Id.Span, _digest, _signature);

    [Benchmark(Description = "sign, managed (SigningKey)")]
    public byte[] SignManaged() => _key.Key.Sign(_digest);

    [Benchmark(Description = "sign, native (libsecp256k1)")]
    public byte[] SignNative() => Secp256k1Net.Secp256k1.SignSchnorr(_digest, _key.Secret, _digest, verify: false);
}
