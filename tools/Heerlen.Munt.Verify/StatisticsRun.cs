using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;

namespace Heerlen.Munt.Verify;

/// <summary>
/// <c>munt-verify stats</c>: the CBS figures folded from the chain while it is verified, with the ledger core's own
/// statistics fold and suppression (the same code the server's projection and API run), as of any height.
/// </summary>
internal sealed class StatisticsRun
{
    private readonly StatisticsBook _book = new();
    private readonly PeriodKind _kind;
    private readonly int _k;
    private readonly string? _area;
    private readonly string _format;
    private readonly string? _out;
    private readonly long? _asOf;

    /// <summary>Reads the statistics options (bad ones are bad usage before anything is read).</summary>
    public StatisticsRun(Options options, long? asOf)
    {
        _asOf = asOf;
        _kind = options.Value("--period") switch
        {
            null or "week" => PeriodKind.Week,
            "month" => PeriodKind.Month,
            "year" => PeriodKind.Year,
            string other => throw new UsageException($"--period {other}: kies week, month of year", $"--period {other}: choose week, month or year"),
        };
        _k = (int)(options.Number("--k", 2, 1000) ?? StatisticsTable.DefaultSuppressionThreshold);
        _area = options.Value("--area")?.Trim().ToLowerInvariant();
        _format = options.Value("--format") ?? (options.Json ? "json" : "csv");
        if (_format is not ("csv" or "json")) throw new UsageException($"--format {_format}: kies csv of json", $"--format {_format}: choose csv or json");
        _out = options.Value("--out");
        if (_out is not null && File.Exists(_out)) throw new UsageException($"{_out} bestaat al", $"{_out} exists already");
    }

    /// <summary>
    /// Folds one entry, seen with the state just before it, if it is below the --as-of height. The whole chain is still
    /// verified (so history before that height is proven to be the one remembered); only the figures stop there.
    /// </summary>
    public void Fold(LedgerState before, VerifiedCommand command, Entry entry)
    {
        if (_asOf is null || entry.Height < _asOf) _book.Fold(EntryFacts.Describe(before, command, entry));
    }

    /// <summary>Writes the table (to --out, or to <paramref name="stdout"/>).</summary>
    public async Task WriteAsync(TextWriter stdout)
    {
        var table = StatisticsTable.Build(_book.Buckets.Values, _kind, _k, _book.NextHeight);
        if (_area is { Length: > 0 } area) table = table.Where(r => r.Area == area);
        string text = _format == "json" ? table.ToJson() : table.ToCsv();
        if (_out is null) await stdout.WriteAsync(text.EndsWith('\n') ? text : text + "\n");
        else await File.WriteAllTextAsync(_out, text);
    }
}
