using Heerlen.Munt.Storage.Chain;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>
/// Rebuilds read models from the stored chain: deletes a projection's documents, then folds every stored entry
/// again, a page at a time, through the same projection class the sequencer runs inline, so that a rebuild and the
/// incremental fold give the same documents.
/// <para>Marten's own rebuild (<c>IProjectionDaemon.RebuildProjectionAsync</c>) replays the events through these
/// projections too, but it does not delete their documents first (it knows no document types for a custom
/// <see cref="IProjection"/>); and as every document remembers the last height folded in, replaying over the
/// existing documents changes nothing, so a damaged read model would stay damaged.</para>
/// <para>It runs only while no sequencer writes the chain and no <see cref="ReadModelDaemon"/> folds the read models:
/// it takes both locks, and says who holds one if it cannot. Readers see the read model empty or partial until it ends.</para>
/// </summary>
public static class ProjectionRebuilder
{
    private sealed record Target(Func<IProjection> Create, Type Document);

    private static readonly Dictionary<string, Target> Targets = new(StringComparer.Ordinal)
    {
        [BalanceProjection.Name] = new(() => new BalanceProjection(), typeof(Balance)),
        [HistoryProjection.Name] = new(() => new HistoryProjection(), typeof(HistoryLine)),
        [JobBoardProjection.Name] = new(() => new JobBoardProjection(), typeof(JobBoardItem)),
        [JobWorkProjection.Name] = new(() => new JobWorkProjection(), typeof(JobWork)),
        [MerchantStatementProjection.Name] = new(() => new MerchantStatementProjection(), typeof(MerchantDay)),
        [StatisticsProjection.Name] = new(() => new StatisticsProjection(), typeof(Ledger.Facts.PeriodFigures)),
    };

    /// <summary>The document type a projection writes (one of <see cref="HeerlenStore.ProjectionNames"/>).</summary>
    public static Type DocumentTypeOf(string projectionName) =>
        Targets.TryGetValue(projectionName, out var target) ? target.Document : throw new ArgumentException($"unknown projection '{projectionName}'", nameof(projectionName));

    /// <summary>
    /// Deletes the documents of <paramref name="projectionName"/> and folds the chain's stored entries in again,
    /// <paramref name="pageSize"/> per transaction. Returns how many entries were folded.
    /// </summary>
    public static async Task<long> RebuildAsync(IDocumentStore store, string chainId, string projectionName, int pageSize = 1000, CancellationToken ct = default)
    {
        Type document = DocumentTypeOf(projectionName);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        IProjection projection = Targets[projectionName].Create();
        string stream = ChainStreams.Entries(chainId);
        await using var writer = await AdvisoryLock.AcquireAsync(store, AdvisoryLock.WriterOf(chainId), $"a server is writing the chain '{chainId}'; stop it before rebuilding", TimeSpan.FromSeconds(2), ct);
        await using var readModels = await ReadModelDaemon.AcquireLockAsync(store, TimeSpan.FromSeconds(2));
        try
        {
            await store.Advanced.Clean.DeleteDocumentsByTypeAsync(document, ct);
            long after = 0; // stream versions start at 1
            long folded = 0;
            while (true)
            {
                await using var session = store.LightweightSession();
                // Keyset paging on the stream version: a missing version cannot end the rebuild early.
                IReadOnlyList<IEvent> page = await session.Events.QueryAllRawEvents()
                    .Where(e => e.StreamKey == stream && e.Version > after)
                    .OrderBy(e => e.Version)
                    .Take(pageSize)
                    .ToListAsync(ct);
                if (page.Count == 0) break;
                await projection.ApplyAsync(session, page, ct);
                await session.SaveChangesAsync(ct);
                folded += page.Count;
                after = page[^1].Version;
                if (page.Count < pageSize) break;
            }
            return folded;
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>Rebuilds every projection in <see cref="HeerlenStore.ProjectionNames"/>, one after the other.</summary>
    public static async Task RebuildAllAsync(IDocumentStore store, string chainId, int pageSize = 1000, CancellationToken ct = default)
    {
        foreach (string name in HeerlenStore.ProjectionNames)
            await RebuildAsync(store, chainId, name, pageSize, ct);
    }
}
