using Heerlen.Munt.Ledger.Facts;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>
/// Statistics per area per ISO week, month and year, folded by the ledger core's <see cref="StatisticsFold"/> — the same
/// code the auditor's tools run offline — into <see cref="PeriodFigures"/> documents (id <c>area/period</c>). The API
/// publishes them through the core's <see cref="StatisticsTable"/>, which withholds small cells.
/// </summary>
public sealed class StatisticsProjection : FactsProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "statistics";

    /// <inheritdoc />
    protected override async Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation)
    {
        var docs = await LoadAsync<PeriodFigures>(operations, facts.SelectMany(StatisticsFold.BucketIds), w => w.Id, cancellation);
        var changed = new Dictionary<string, PeriodFigures>(StringComparer.Ordinal);
        foreach (var f in facts)
        {
            foreach (string id in StatisticsFold.BucketIds(f))
            {
                if (!docs.TryGetValue(id, out var bucket)) docs[id] = bucket = StatisticsFold.NewBucket(id);
                StatisticsFold.Add(bucket, f);
                changed[id] = bucket;
            }
        }
        if (changed.Count > 0) operations.Store(changed.Values.ToArray());
    }
}
