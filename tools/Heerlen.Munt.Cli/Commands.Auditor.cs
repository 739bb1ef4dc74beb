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
        var kind = (run.Args.Option("--period") ?? "week").Trim().ToLowerInvariant() switch
        {
            "week" => PeriodKind.Week,
            "month" => PeriodKind.Month,
            "year" => PeriodKind.Year,
            _ => throw new UsageException("--period is week, month of year", "--period is week, month or year"),
        };
        var request = new GetFiguresRequest { Area = area, PeriodKind = kind, FromPeriod = run.Args.Option("--from") ?? "", ToPeriod = run.Args.Option("--to") ?? "" };
        var reply = await run.Actor.ReadAsync(o => run.Client.Statistics.GetFiguresAsync(request, o), run.Ct);
        if (run.Args.Switch("--csv"))
        {
            run.Text(reply.Csv);
            return;
        }
        if (run.Json)
        {
            run.Print(reply);
            return;
        }
        string Count(PeriodFigures row, long? n, string column) =>
            n is { } v ? v.ToString(CultureInfo.InvariantCulture) : row.Withheld.Contains(column) ? "x" : "-";
        string Money(PeriodFigures row, long? cents, string column) =>
            cents is { } v ? run.Money(v) : row.Withheld.Contains(column) ? "x" : "-";
        run.Table(
            [run.T("GEBIED", "AREA"), run.T("PERIODE", "PERIOD"), run.T("GEPUBL.", "PUBL."), run.T("GENOMEN", "TAKEN"), run.T("KLAAR", "DONE"), run.T("VERDIENERS", "EARNERS"), run.T("NIEUW", "NEW"), run.T("GEMAAKT", "MINTED"), run.T("BETAALD", "PAID"), run.T("BESTEED", "SPENT"), run.T("INGEWISSELD", "REDEEMED")],
            reply.Rows.Select(w => new[]
            {
                w.Area, w.Period, Count(w, w.HasJobsPublished ? w.JobsPublished : null, "jobs_published"), Count(w, w.HasJobsTaken ? w.JobsTaken : null, "jobs_taken"),
                Count(w, w.HasJobsCompleted ? w.JobsCompleted : null, "jobs_completed"), Count(w, w.HasDistinctEarners ? w.DistinctEarners : null, "distinct_earners"),
                Count(w, w.HasNewEarners ? w.NewEarners : null, "new_earners"), Money(w, w.HasMintedCents ? w.MintedCents : null, "minted_cents"),
                Money(w, w.HasPaidCents ? w.PaidCents : null, "paid_cents"), Money(w, w.HasSpentCents ? w.SpentCents : null, "spent_cents"),
                Money(w, w.HasRedeemedCents ? w.RedeemedCents : null, "redeemed_cents"),
            }),
            run.T("Nog geen cijfers.", "No figures yet."));
        run.Line(run.T(
            $"Tot en met regel {reply.AsOfHeight - 1}; x = weggelaten (minder dan {reply.SuppressionThreshold} personen, of af te leiden), - = geen waarde. Alle kolommen: --csv.",
            $"Up to entry {reply.AsOfHeight - 1}; x = withheld (fewer than {reply.SuppressionThreshold} persons, or derivable), - = no value. Every column: --csv."));
    }
}
