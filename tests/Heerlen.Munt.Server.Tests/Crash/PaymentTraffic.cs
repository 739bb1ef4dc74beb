using System.Collections.Concurrent;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>The first answer the server gave to a command.</summary>
/// <param name="Height">Its entry's height.</param>
/// <param name="EntryHash">Its entry's hash (hex, as the server said it).</param>
/// <param name="Outcome"><c>applied</c>, or the rejection code recorded on the chain.</param>
/// <param name="WasRetry">The server said it had the command already.</param>
internal sealed record Answer(long Height, string EntryHash, string Outcome, bool WasRetry);

/// <summary>One signed payment the harness sent: its exact envelope, how often it was sent, and what it was told.</summary>
internal sealed class SentCommand(SignedCommand command)
{
    /// <summary>The signed command; every attempt sends exactly its envelope.</summary>
    public SignedCommand Command { get; } = command;

    /// <summary>Attempts made (1 if the first was answered).</summary>
    public int Attempts { get; set; }

    /// <summary>The answer, once there is one (an acknowledgement or a recorded rejection).</summary>
    public Answer? Answer { get; set; }

    /// <summary>A refusal that is never stored (a "no" that is not transient), if any: a finding in itself.</summary>
    public string? Refusal { get; set; }
}

/// <summary>
/// Closed-loop load that outlives crashes: a few senders each send the next signed payment and resend the same envelope
/// until the server answers it — through SIGKILLs, restarts and database outages — keeping the harness's own record of
/// every command sent and every outcome acknowledged. The payments come from the load generator
/// (<see cref="Heerlen.Munt.Load.Payments"/>), signed before the first is sent.
/// </summary>
internal sealed class PaymentTraffic
{
    private static readonly TimeSpan ResendDelay = TimeSpan.FromMilliseconds(100);
    private readonly MuntClient _client;
    private readonly SentCommand[] _sent;
    private readonly ConcurrentDictionary<string, int> _transient = new();
    private readonly CancellationTokenSource _stop = new();
    private int _next = -1;
    private int _acknowledged;
    private Task? _senders;

    public PaymentTraffic(MuntClient client, IEnumerable<SignedCommand> payments)
    {
        _client = client;
        _sent = payments.Select(p => new SentCommand(p)).ToArray();
    }

    /// <summary>Every payment started so far, in the order taken.</summary>
    public IEnumerable<SentCommand> Sent => _sent.Take(Math.Min(Volatile.Read(ref _next) + 1, _sent.Length));

    /// <summary>True once every planned payment was taken.</summary>
    public bool Exhausted => Volatile.Read(ref _next) >= _sent.Length;

    /// <summary>Payments answered so far.</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Transient failures seen, by reason (<c>server_unavailable</c>, <c>database_unavailable</c>, …): each one a resend.</summary>
    public IReadOnlyDictionary<string, int> TransientFailures => _transient;

    /// <summary>Resends of the same envelope in all.</summary>
    public int Resends => _transient.Values.Sum();

    /// <summary>Starts <paramref name="senders"/> senders.</summary>
    public void Start(int senders) =>
        _senders = Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(SendLoopAsync)));

    /// <summary>Takes no new payment; waits until every payment taken has its answer (or the time is up).</summary>
    public async Task<bool> StopAsync(TimeSpan timeout)
    {
        _stop.Cancel();
        var senders = _senders ?? Task.CompletedTask;
        return await Task.WhenAny(senders, Task.Delay(timeout)) == senders && senders.IsCompletedSuccessfully;
    }

    /// <summary>Waits until <paramref name="more"/> further payments were answered: the server serves again.</summary>
    public async Task<bool> WaitForProgressAsync(int more, TimeSpan timeout)
    {
        int target = Acknowledged + more;
        var until = DateTime.UtcNow + timeout;
        while (Acknowledged < target)
        {
            if (DateTime.UtcNow > until || Exhausted) return Acknowledged >= target;
            await Task.Delay(10);
        }
        return true;
    }

    private async Task SendLoopAsync()
    {
        int i;
        while (!_stop.IsCancellationRequested && (i = Interlocked.Increment(ref _next)) < _sent.Length)
        {
            await SendUntilAnsweredAsync(_sent[i]);
        }
    }

    /// <summary>Sends the same envelope until the server answers. Stopping never abandons a payment already sent.</summary>
    private async Task SendUntilAnsweredAsync(SentCommand sent)
    {
        while (true)
        {
            sent.Attempts++;
            try
            {
                var submitted = await _client.SubmitAsync(sent.Command);
                sent.Answer = new Answer(submitted.Height, submitted.EntryHash, "applied", submitted.WasRetry);
            }
            catch (MuntRejectedException e)
            {
                sent.Answer = new Answer(e.Height, e.EntryHash, e.Reason, false);
            }
            catch (MuntException e) when (e.IsTransient)
            {
                _transient.AddOrUpdate(e.Reason, 1, (_, n) => n + 1);
                await Task.Delay(ResendDelay);
                continue;
            }
            catch (MuntException e)
            {
                sent.Refusal = e.Reason + ": " + e.Message;
            }
            Interlocked.Increment(ref _acknowledged);
            return;
        }
    }
}
