using System.Globalization;
using Grpc.Core;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;

namespace Heerlen.Munt.Cli;

// Commands of auditors (and officers): the chain's entries and the anonymised figures.
internal static partial class Commands
{
    private static async Task EntriesAsync(Invocation run)
    {
        run.Words(0);
        long from = run.Args.Option("--from") is { } f ? Invocation.ParseNumber(f, "--from", 0, int.MaxValue) : 0;
        bool follow = run.Args.Switch("--follow");
        var session = await run.Actor.SessionAsync(run.Ct);
        // Without --follow: stop at the height the chain has now, so the command ends (the stream itself never does).
        long end = follow ? long.MaxValue : (await run.Client.ChainInfoAsync(refresh: true, ct: run.Ct)).Height;
        if (from >= end) return;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(run.Ct);
        var options = run.Client.CallOptionsFor(session, stop.Token, Timeout.InfiniteTimeSpan);
        using var call = run.Client.Ledger.StreamEntries(new StreamEntriesRequest { FromHeight = from }, options);
        try
        {
            await foreach (var entry in call.ResponseStream.ReadAllAsync(stop.Token))
            {
                PrintEntry(run, entry);
                if (entry.Height >= end - 1) break;
            }
        }
        catch (RpcException e) when (follow && run.Ct.IsCancellationRequested && e.StatusCode == StatusCode.Cancelled)
        {
            // Ctrl-C is how --follow ends.
        }
        catch (OperationCanceledException) when (follow && run.Ct.IsCancellationRequested)
        {
        }
        catch (RpcException e)
        {
            throw MuntException.From(e);
        }
        finally
        {
            await stop.CancelAsync();
        }
    }

    private static void PrintEntry(Invocation run, Entry entry)
    {
        if (run.Json)
        {
            run.Print(entry); // one JSON object per line
            return;
        }
        string command = CommandName(entry.Command);
        string subject = entry.Subject.Length > 0 ? " → " + entry.Subject : "";
        run.Line(string.Create(CultureInfo.InvariantCulture, $"{entry.Height,7}  {Invocation.Time(entry.TimestampMs)}  {command,-20} {entry.Outcome?.Code,-26} {entry.Actor}{subject}"));
    }

    /// <summary>"COMMAND_KIND_SUBMIT_COMPLETION" (C# <c>SubmitCompletion</c>) as "submit-completion".</summary>
    private static string CommandName(CommandKind kind)
    {
        string name = kind.ToString();
        var text = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i])) text.Append('-');
            text.Append(char.ToLowerInvariant(name[i]));
        }
        return text.ToString();
    }

    private static async Task StatsAsync(Invocation run)
    {
        run.Words(0);
        string area = run.Args.Option("--area") is { } a ? a.Trim().ToLowerInvariant() : "";
        var reply = await run.Actor.ReadAsync(o => run.Client.Statistics.GetWeekFiguresAsync(new GetWeekFiguresRequest { Area = area }, o), run.Ct);
        if (run.Json)
        {
            run.Print(reply);
            return;
        }
        string Count(long n) => n < 0 ? $"<{reply.Weeks.FirstOrDefault()?.SuppressionThreshold ?? 10}" : n.ToString(CultureInfo.InvariantCulture);
        run.Table(
            [run.T("GEBIED", "AREA"), run.T("WEEK", "WEEK"), run.T("GEPUBL.", "PUBL."), run.T("GENOMEN", "TAKEN"), run.T("KLAAR", "DONE"), run.T("VERDIENERS", "EARNERS"), run.T("GEMAAKT", "MINTED"), run.T("BETAALD", "PAID"), run.T("BESTEED", "SPENT"), run.T("INGEWISSELD", "REDEEMED")],
            reply.Weeks.Select(w => new[]
            {
                w.Area, w.Week, Count(w.JobsPublished), Count(w.JobsTaken), Count(w.JobsCompleted), Count(w.DistinctEarners),
                run.Money(w.MintedCents), run.Money(w.PaidCents), run.Money(w.SpentCents), run.Money(w.RedeemedCents),
            }),
            run.T("Nog geen cijfers.", "No figures yet."));
        run.Line(run.T($"Tot en met regel {reply.AsOfHeight - 1}; aantallen onder de drempel staan als <N.", $"Up to entry {reply.AsOfHeight - 1}; counts below the threshold show as <N."));
    }
}
