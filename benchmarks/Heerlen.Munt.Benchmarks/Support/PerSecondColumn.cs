using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Heerlen.Munt.Benchmarks.Support;

/// <summary>
/// Items per second for benchmarks that process a parameterised number of items per invocation (payments, entries,
/// signatures): the parameter named <c>Count</c>-like (first of <see cref="Names"/>) divided by the mean time.
/// </summary>
internal sealed class PerSecondColumn : IColumn
{
    private static readonly string[] Names = ["Payments", "Entries", "Residents"];

    public string Id => nameof(PerSecondColumn);

    public string ColumnName => "Items/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Items (the Payments or Entries parameter) processed per second: the parameter divided by the mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var items = Items(benchmarkCase);
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (items is null || stats is null || stats.Mean <= 0) return "-";
        return (items.Value / (stats.Mean / 1e9)).ToString("N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => summary.BenchmarksCases.Any(c => Items(c) is not null);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    private static double? Items(BenchmarkCase benchmarkCase)
    {
        foreach (string name in Names)
        {
            if (benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == name)?.Value is int count) return count;
        }
        return null;
    }
}
