using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Marten;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// The chain on Marten's event store: entries and blocks as events in two streams per chain, appended with the
/// expected stream version, so that a second writer can never fork the chain — its transaction fails and
/// nothing of it is stored. Inline projections are written in the same transaction.
/// </summary>
public sealed class ChainStore(IDocumentStore store, string chainId) : IChainStore
{
    /// <summary>The chain this store holds.</summary>
    public string ChainId { get; } = chainId;

    /// <summary>The Marten document store.</summary>
    public IDocumentStore Documents { get; } = store;

    /// <summary>
    /// Read models are kept per database, not per chain: refuses to start when the database already holds another
    /// chain (one chain per database; a second community gets a database of its own).
    /// </summary>
    public async Task EnsureSingleChainAsync(CancellationToken ct = default)
    {
        IReadOnlyList<string> others;
        try
        {
            await using var session = Documents.QuerySession();
            others = await session.AdvancedSql.QueryAsync<string>(
                $"select id from {HeerlenStore.Schema}.mt_streams where id like 'entries:%' and id <> ? limit 1", ct, ChainStreams.Entries(ChainId));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            for (Exception? x = e; x is not null; x = x.InnerException)
                if (x is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable }) return; // a new database
            throw StorageErrors.Translate(e);
        }
        if (others.Count > 0)
            throw new StorageException(StorageErrorCode.Unexpected, $"this database already holds the chain '{others[0]["entries:".Length..]}'; give the chain '{ChainId}' a database of its own");
    }

    /// <inheritdoc/>
    public async Task<IWriterLock> AcquireWriterLockAsync(TimeSpan wait, CancellationToken ct = default) =>
        await AdvisoryLock.AcquireAsync(Documents, AdvisoryLock.WriterOf(ChainId), $"another server is writing the chain '{ChainId}'", wait, ct);

    /// <summary>
    /// Appends a batch of entries and blocks in one transaction. <paramref name="entriesBefore"/> and
    /// <paramref name="blocksBefore"/> are how many the writer believes are stored; if another writer stored
    /// more, this throws <see cref="StorageException"/> with <see cref="StorageErrorCode.ConcurrentWriter"/> and
    /// stores nothing.
    /// </summary>
    public async Task AppendAsync(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, long entriesBefore, long blocksBefore, CancellationToken ct = default)
    {
        if (entries.Count == 0 && blocks.Count == 0) return;
        try
        {
            await using var session = Documents.LightweightSession();
            if (entries.Count > 0)
            {
                if (entries[0].Entry.Height != entriesBefore) throw new ArgumentException("the first entry's height must equal the count of stored entries");
                var events = new object[entries.Count];
                for (int i = 0; i < entries.Count; i++)
                {
                    var e = entries[i];
                    events[i] = new EntryRecorded(e.Entry.Height, e.Entry.Hash.ToHex(), e.Entry.Encode(), e.Facts);
                }
                session.Events.Append(ChainStreams.Entries(ChainId), entriesBefore + entries.Count, events);
            }
            if (blocks.Count > 0)
            {
                var events = blocks.Select(b => (object)new BlockSealed(b.Number, b.TreeSize, b.Hash.ToHex(), b.Encode())).ToArray();
                session.Events.Append(ChainStreams.Blocks(ChainId), blocksBefore + blocks.Count, events);
            }
            await session.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException and not ArgumentException)
        {
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>
    /// Up to <paramref name="pageSize"/> stored entries with a stream version above <paramref name="afterVersion"/>, in
    /// version order. A row that cannot be read as an entry event throws <see cref="StorageException"/> with
    /// <see cref="StorageErrorCode.StoredDataUnreadable"/>; a database error throws its own code.
    /// </summary>
    public Task<IReadOnlyList<(long Version, EntryRecorded Entry)>> ReadEntryPageAsync(long afterVersion, int pageSize, CancellationToken ct = default) =>
        ReadPageAsync<EntryRecorded>(ChainStreams.Entries(ChainId), afterVersion, pageSize, ct);

    /// <summary>Up to <paramref name="pageSize"/> stored blocks with a stream version above <paramref name="afterVersion"/>, in version order.</summary>
    public Task<IReadOnlyList<(long Version, BlockSealed Block)>> ReadBlockPageAsync(long afterVersion, int pageSize, CancellationToken ct = default) =>
        ReadPageAsync<BlockSealed>(ChainStreams.Blocks(ChainId), afterVersion, pageSize, ct);

    private async Task<IReadOnlyList<(long Version, T Event)>> ReadPageAsync<T>(string stream, long afterVersion, int pageSize, CancellationToken ct)
        where T : class
    {
        try
        {
            // Keyset paging ordered by the stream version itself: a missing version cannot end a read early, and rows
            // come in version order even if their versions were changed (a fetch by version range comes in insert order).
            await using var session = Documents.QuerySession();
            var page = await session.Events.QueryAllRawEvents()
                .Where(e => e.StreamKey == stream && e.Version > afterVersion)
                .OrderBy(e => e.Version)
                .Take(pageSize)
                .ToListAsync(ct);
            var items = new List<(long, T)>(page.Count);
            foreach (var e in page)
                items.Add((e.Version, e.Data as T ?? throw new InvalidDataException($"the event at version {e.Version} of '{stream}' is not a {typeof(T).Name}")));
            return items;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.TranslateRead(e);
        }
    }

    /// <summary>
    /// The lengths Marten's stream records (<c>mt_streams</c>) say the two streams have: written in the same
    /// transaction as the events, so rows deleted from the end of <c>mt_events</c> show up as a difference.
    /// </summary>
    public async Task<(long Entries, long Blocks)> ReadStreamLengthsAsync(CancellationToken ct = default)
    {
        try
        {
            await using var session = Documents.QuerySession();
            var entries = await session.Events.FetchStreamStateAsync(ChainStreams.Entries(ChainId), ct);
            var blocks = await session.Events.FetchStreamStateAsync(ChainStreams.Blocks(ChainId), ct);
            return (entries?.Version ?? 0, blocks?.Version ?? 0);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.Translate(e);
        }
    }

    /// <summary>
    /// How many entries an async read model (e.g. <c>history</c>) has folded: the height the next entry it folds will
    /// have. Read from Marten's progress table and the entry stream, both indexed.
    /// </summary>
    public async Task<long> ReadModelHeightAsync(string projectionName, CancellationToken ct = default)
    {
        try
        {
            await using var session = Documents.QuerySession();
            var folded = await session.AdvancedSql.QueryAsync<long>(
                $"select coalesce((select e.version from {HeerlenStore.Schema}.mt_events e where e.stream_id = ? and e.seq_id <= " +
                $"(select coalesce(max(p.last_seq_id), 0) from {HeerlenStore.Schema}.mt_event_progression p where p.name like ?) " +
                "order by e.version desc limit 1), 0)", ct, ChainStreams.Entries(ChainId), projectionName + ":%");
            return folded.Count == 0 ? 0 : folded[0];
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw StorageErrors.TranslateRead(e);
        }
    }
}
