using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// The core pipeline in memory against its limit, in one run on the same cores: <see cref="Payments"/> pre-signed payments
/// (200 residents who each earned HM 1,000, paying 20 shops) through <see cref="VerifiedCommand.Verify"/> on all cores and
/// <see cref="LedgerEngine.Submit(VerifiedCommand, long)"/> in order on one thread (blocks sealed every 1,000 entries); and
/// the raw native verification of the same signatures on all cores. Items/s is payments/s and verifications/s; the ratio
/// is printed by <c>--pipeline-ratio</c>.
/// </summary>
/// <remarks>
/// Verification and sequencing overlap, as in the server's sequencer: while this thread submits one batch of
/// <see cref="VerifyBatch"/> payments in order, the thread pool verifies the next on all cores. Each iteration starts from a
/// fresh engine with the town replayed into it (untimed, <see cref="FreshEngine"/>), because a payment can be recorded once.
/// </remarks>
[MemoryDiagnoser]
public class PipelineBenchmarks
{
    public const int Residents = 200;
    public const int Shops = 20;
    public const int VerifyBatch = 1024;

    private Town _town = null!;
    private SignedCommand[] _payments = [];
    private LedgerEngine _engine = null!;

    public static IEnumerable<int> PaymentCounts => BenchmarkMode.Pick([20_000], 1_000);

    [ParamsSource(nameof(PaymentCounts))]
    public int Payments { get; set; } = 20_000;

    [GlobalSetup]
    public void Setup()
    {
        _town = new Town().Establish();
        var residents = _town.NewKeys("resident", Residents);
        var shops = _town.NewKeys("shop", Shops);
        _town.OpenAccounts(residents);
        _town.OpenShops(shops);
        _town.Earn(residents, 100_000);
        // Each payment is 1 cent to HM 1; at 20,000 payments a resident pays 100 times, at most HM 100 of the HM 1,000 earned.
        var payments = new (Command, BenchKey)[Payments];
        for (int i = 0; i < Payments; i++)
        {
            var resident = residents[i % Residents];
            payments[i] = (new Pay(shops[i % Shops].Id, new Amount(1 + i * 7919 % 100), null) { Header = _town.Header(resident) }, resident);
        }
        _payments = [.. Town.SignAll(payments).Select(v => v.Signed)];
    }

    [IterationSetup]
    public void FreshEngine()
    {
        _engine = new LedgerEngine(Town.ChainId, _town.Operator.Key, NativeSchnorrVerifier.Instance, new BlockPolicy(EntriesMax: 1000, IntervalMs: long.MaxValue));
        foreach (var (command, entry) in _town.Log)
        {
            if (!_engine.Submit(command, entry.TimestampMs).Applied) throw new InvalidOperationException("the town did not replay");
        }
    }

    /// <summary>Stopwatch ticks the sequencing thread spent waiting for verified batches in the last <see cref="Pipeline"/>.</summary>
    public long WaitTicks { get; private set; }

    /// <summary>Stopwatch ticks the sequencing thread spent submitting in the last <see cref="Pipeline"/>.</summary>
    public long SubmitTicks { get; private set; }

    [Benchmark(Description = "pipeline: verify (all cores) → Submit in order")]
    public long Pipeline()
    {
        long nowMs = _town.NowMs;
        long wait = 0, submit = 0;
        Task<VerifiedCommand[]>? next = VerifyAsync(0);
        for (int start = 0; next is not null; start += VerifyBatch)
        {
            long t0 = Stopwatch.GetTimestamp();
            var verified = next.Result;
            next = start + VerifyBatch < _payments.Length ? VerifyAsync(start + VerifyBatch) : null;
            long t1 = Stopwatch.GetTimestamp();
            foreach (var command in verified)
            {
                var result = _engine.Submit(command, nowMs++);
                if (!result.Applied) throw new InvalidOperationException($"a payment was not applied: {Rejections.Code(result.Code)}");
            }
            wait += t1 - t0;
            submit += Stopwatch.GetTimestamp() - t1;
        }
        WaitTicks = wait;
        SubmitTicks = submit;
        return _engine.State.NextHeight;
    }

    /// <summary>For the breakdown in <c>--pipeline-ratio</c>: every payment verified first, then only Submit is timed (one thread).</summary>
    public TimeSpan SubmitOnly()
    {
        var verified = new VerifiedCommand[_payments.Length];
        Parallel.For(0, _payments.Length, i => verified[i] = VerifiedCommand.Verify(_payments[i], NativeSchnorrVerifier.Instance)!);
        long nowMs = _town.NowMs;
        long start = Stopwatch.GetTimestamp();
        foreach (var command in verified)
        {
            if (!_engine.Submit(command, nowMs++).Applied) throw new InvalidOperationException("a payment was not applied");
        }
        return Stopwatch.GetElapsedTime(start);
    }

    [Benchmark(Description = "limit: native verify (all cores)")]
    public int NativeLimit()
    {
        var payments = _payments;
        Parallel.For(0, payments.Length, i =>
        {
            var s = payments[i].Signatures[0];
            if (!NativeSchnorrVerifier.Instance.Verify(s.PublicKey.Span, payments[i].Digest.Span, s.Signature))
                throw new InvalidOperationException("a payment's signature does not verify");
        });
        return payments.Length;
    }

    private Task<VerifiedCommand[]> VerifyAsync(int start) => Task.Run(() =>
    {
        int count = Math.Min(VerifyBatch, _payments.Length - start);
        var verified = new VerifiedCommand[count];
        Parallel.For(0, count, i => verified[i] = VerifiedCommand.Verify(_payments[start + i], NativeSchnorrVerifier.Instance)
            ?? throw new InvalidOperationException("a payment's signature does not verify"));
        return verified;
    });
}
