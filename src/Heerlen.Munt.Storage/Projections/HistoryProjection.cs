using System.Globalization;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>One line in an account's history: an entry the account acted in, was the subject of, or got or paid money in.</summary>
public sealed class HistoryLine
{
    /// <summary><c>account/height</c> (height zero-padded, so ids sort by height).</summary>
    public string Id { get; set; } = "";

    /// <summary>Whose history.</summary>
    public string Account { get; set; } = "";

    /// <summary>The entry.</summary>
    public long Height { get; set; }

    /// <summary>When (unix ms).</summary>
    public long TimestampMs { get; set; }

    /// <summary>What kind of command.</summary>
    public CommandType Command { get; set; }

    /// <summary>Applied (None) or the recorded rejection.</summary>
    public RejectionCode Outcome { get; set; }

    /// <summary>True if this account made the command.</summary>
    public bool Mine { get; set; }

    /// <summary>Net change of this account's balance, in cents (negative when it paid).</summary>
    public long AmountCents { get; set; }

    /// <summary>The other account involved, if any.</summary>
    public string? Counterparty { get; set; }

    /// <summary>The job, if any.</summary>
    public string? Job { get; set; }

    /// <summary>The job's category, if any.</summary>
    public string? JobCategory { get; set; }

    /// <summary>The job's neighbourhood, if any.</summary>
    public string? JobNeighbourhood { get; set; }

    /// <summary>Payment request, refunded payment, redemption or budget, if any.</summary>
    public string? Reference { get; set; }

    /// <summary>The id of an account's line at a height.</summary>
    public static string IdOf(string account, long height) => account + "/" + height.ToString("D19", CultureInfo.InvariantCulture);
}

/// <summary>Account histories (insert-only, inline). Read them newest first with keyset paging on height.</summary>
public sealed class HistoryProjection : FactsProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "history";

    /// <inheritdoc />
    protected override Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation)
    {
        var lines = new List<HistoryLine>();
        foreach (var f in facts) lines.AddRange(LinesOf(f));
        // Upsert by id: rebuilding or folding an entry twice writes the same lines again.
        if (lines.Count > 0) operations.Store(lines.ToArray());
        return Task.CompletedTask;
    }

    /// <summary>The history lines of one entry, one per account involved.</summary>
    public static IEnumerable<HistoryLine> LinesOf(EntryFacts f)
    {
        var accounts = new List<string> { f.Actor };
        if (f.Applied && f.Subject is { } subject && !accounts.Contains(subject)) accounts.Add(subject);
        foreach (var m in f.Movements)
        {
            if (IsAccount(m.From) && !accounts.Contains(m.From)) accounts.Add(m.From);
            if (IsAccount(m.To) && !accounts.Contains(m.To)) accounts.Add(m.To);
        }
        foreach (string account in accounts)
        {
            long net = 0;
            string? counterparty = null;
            foreach (var m in f.Movements)
            {
                if (m.From == account) { net = checked(net - m.Cents); counterparty ??= IsAccount(m.To) ? m.To : null; }
                if (m.To == account) { net = checked(net + m.Cents); counterparty ??= IsAccount(m.From) ? m.From : null; }
            }
            counterparty ??= account == f.Actor ? f.Subject : f.Actor;
            yield return new HistoryLine
            {
                Id = HistoryLine.IdOf(account, f.Height),
                Account = account,
                Height = f.Height,
                TimestampMs = f.TimestampMs,
                Command = f.Command,
                Outcome = f.Outcome,
                Mine = account == f.Actor,
                AmountCents = net,
                Counterparty = counterparty == account ? null : counterparty,
                Job = f.Job?.Id,
                JobCategory = f.Job?.Category,
                JobNeighbourhood = f.Job?.Neighbourhood,
                Reference = f.Reference,
            };
        }
    }

    private static bool IsAccount(string pot) => pot.StartsWith("hm1", StringComparison.Ordinal);
}
