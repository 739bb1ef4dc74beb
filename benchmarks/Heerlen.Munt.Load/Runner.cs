using System.Diagnostics;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Load;

/// <summary>What happened to one payment. Times are <see cref="Stopwatch"/> timestamps; zero where it did not happen.</summary>
/// <param name="Due">When it should have been sent (open loop: its slot in the schedule; closed loop: when it was sent).</param>
/// <param name="Sent">When it was handed to gRPC.</param>
/// <param name="Answered">When the answer (or the error) came back.</param>
/// <param name="Height">Its entry's height, if applied.</param>
/// <param name="Failure">The error's reason (<c>insufficient_funds</c>, <c>rate_limited</c>, …), null if applied.</param>
public readonly record struct PaymentResult(long Due, long Sent, long Answered, long Height, string? Failure)
{
    /// <summary>True if it was started (some payments of a closed loop are not, when time runs out first).</summary>
    public bool Started => Sent != 0;

    /// <summary>Latency as a person sees it: from when it was due to the answer with its height (no coordinated omission).</summary>
    public double LatencyMs => Stopwatch.GetElapsedTime(Due, Answered).TotalMilliseconds;

    /// <summary>From handing it to gRPC to the answer: the server's part plus the client's own queueing.</summary>
    public double ServiceMs => Stopwatch.GetElapsedTime(Sent, Answered).TotalMilliseconds;
}

/// <summary>What a measured phase returned.</summary>
/// <param name="Results">One per signed payment, in order; the first <paramref name="Warmup"/> are not measured.</param>
/// <param name="Warmup">How many leading results are warm-up.</param>
/// <param name="MeasuredStart">Timestamp the measured phase began (the first measured payment's due time).</param>
public sealed record PhaseResult(PaymentResult[] Results, int Warmup, long MeasuredStart);

/// <summary>Sends the signed payments: open loop on a fixed schedule, or closed loop with a fixed number outstanding.</summary>
public static class Runner
{
    /// <summary>
    /// Open loop: payment i is due at start + i / rate and is sent then, whether or not earlier ones were answered, so a
    /// slow server shows as latency (measured from the due time), never as a quietly lower rate. One dedicated thread
    /// keeps the schedule, waking every millisecond and sending whatever has come due.
    /// </summary>
    public static async Task<PhaseResult> OpenLoopAsync(MuntClient client, SignedCommand[] payments, int warmup, double ratePerSecond)
    {
        var results = new PaymentResult[payments.Length];
        var answers = new Task[payments.Length];
        double ticksPerPayment = Stopwatch.Frequency / ratePerSecond;
        long start = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100);
        long Due(int i) => start + (long)(i * ticksPerPayment);
        var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var scheduler = new Thread(() =>
        {
            try
            {
                int next = 0;
                while (next < payments.Length)
                {
                    long now = Stopwatch.GetTimestamp();
                    for (; next < payments.Length && Due(next) <= now; next++) answers[next] = SendAsync(client, payments[next], Due(next), results, next);
                    if (next < payments.Length) Thread.Sleep(1);
                }
                scheduled.SetResult();
            }
            catch (Exception e)
            {
                scheduled.SetException(e);
            }
        })
        { IsBackground = true, Name = "load schedule", Priority = ThreadPriority.AboveNormal };
        scheduler.Start();
        await scheduled.Task;
        await Task.WhenAll(answers);
        return new PhaseResult(results, warmup, Due(warmup));
    }

    /// <summary>
    /// Closed loop: <paramref name="inFlight"/> senders, each sending its next payment when the last was answered, until
    /// <paramref name="measuredSeconds"/> after the warm-up have passed or the measured payments run out: the most the
    /// server does, with latency that grows with the queue.
    /// </summary>
    public static async Task<PhaseResult> ClosedLoopAsync(MuntClient client, SignedCommand[] payments, int warmup, int inFlight, double warmupSeconds, double measuredSeconds)
    {
        var results = new PaymentResult[payments.Length];
        long start = Stopwatch.GetTimestamp();
        long measuredStart = start + (long)(warmupSeconds * Stopwatch.Frequency);
        long end = measuredStart + (long)(measuredSeconds * Stopwatch.Frequency);
        int next = -1;
        int warm = 0;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
        {
            // Warm-up payments come from the front of the array and end at the warm-up time; measured ones after.
            while (Stopwatch.GetTimestamp() < measuredStart)
            {
                int i = Interlocked.Increment(ref warm) - 1;
                if (i >= warmup) break;
                await SendAsync(client, payments[i], Stopwatch.GetTimestamp(), results, i);
            }
            while (Stopwatch.GetTimestamp() < measuredStart) await Task.Delay(1);
            int m;
            while ((m = warmup + Interlocked.Increment(ref next)) < payments.Length && Stopwatch.GetTimestamp() < end)
                await SendAsync(client, payments[m], Stopwatch.GetTimestamp(), results, m);
        })));
        return new PhaseResult(results, warmup, measuredStart);
    }

    private static async Task SendAsync(MuntClient client, SignedCommand payment, long due, PaymentResult[] results, int index)
    {
        long sent = Stopwatch.GetTimestamp();
        long height = 0;
        string? failure = null;
        try
        {
            height = (await client.SubmitAsync(payment)).Height;
        }
        catch (MuntException e)
        {
            failure = e.Reason;
        }
        catch (Exception e)
        {
            failure = e.GetType().Name;
        }
        results[index] = new PaymentResult(due, sent, Stopwatch.GetTimestamp(), height, failure);
    }
}
