using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Storage.Chain;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>
/// A projection that folds recorded entries a whole batch at a time: it loads the documents the batch touches in one
/// query, folds, and stores them. Each document remembers the last height folded in, so folding an entry twice changes
/// nothing. Most read models need only the facts (<see cref="FactsProjection"/>); one that needs a command field the
/// facts leave out (an evidence hash, a rejection reason) derives from this and reads the entry.
/// </summary>
public abstract class RecordedEntriesProjection : IProjection
{
    /// <inheritdoc />
    public async Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        var entries = new List<EntryRecorded>(events.Count);
        foreach (var e in events)
            if (e.Data is EntryRecorded recorded) entries.Add(recorded);
        if (entries.Count > 0) await ProjectAsync(operations, entries, cancellation);
    }

    /// <summary>Folds a batch of recorded entries, in height order.</summary>
    protected abstract Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryRecorded> entries, CancellationToken cancellation);

    /// <summary>Loads the documents with these ids (missing ones are absent from the result).</summary>
    protected static async Task<Dictionary<string, T>> LoadAsync<T>(IDocumentOperations operations, IEnumerable<string> ids, Func<T, string> idOf, CancellationToken cancellation)
        where T : notnull
    {
        var distinct = ids.Distinct(StringComparer.Ordinal).ToArray();
        var found = new Dictionary<string, T>(StringComparer.Ordinal);
        if (distinct.Length == 0) return found;
        foreach (var doc in await operations.LoadManyAsync<T>(cancellation, distinct)) found[idOf(doc)] = doc;
        return found;
    }
}

/// <summary>A projection that folds the <see cref="EntryFacts"/> of recorded entries (see <see cref="RecordedEntriesProjection"/>).</summary>
public abstract class FactsProjection : RecordedEntriesProjection
{
    /// <inheritdoc />
    protected sealed override Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryRecorded> entries, CancellationToken cancellation)
    {
        var facts = new List<EntryFacts>(entries.Count);
        foreach (var recorded in entries) facts.Add(recorded.Facts);
        return ProjectAsync(operations, facts, cancellation);
    }

    /// <summary>Folds a batch of facts, in height order.</summary>
    protected abstract Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation);
}
