using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>
/// What the sequencer and the loader need of the place a chain is kept: append a batch atomically with the expected
/// stream lengths, read entries and blocks back a page at a time in version order, and a writer lock. The real one is
/// <see cref="ChainStore"/> (Marten on PostgreSQL); the deterministic simulation in the storage tests puts a store
/// behind this seam that fails, tears, delays and forgets writes on purpose.
/// </summary>
public interface IChainStore
{
    /// <summary>The chain this store holds.</summary>
    string ChainId { get; }

    /// <summary>Refuses to start when the store already holds another chain.</summary>
    Task EnsureSingleChainAsync(CancellationToken ct = default);

    /// <summary>
    /// Takes the chain's writer lock, waiting up to <paramref name="wait"/> for a holder that just died to be noticed.
    /// Throws <see cref="StorageException"/> with <see cref="StorageErrorCode.ConcurrentWriter"/> if a live holder keeps it.
    /// </summary>
    Task<IWriterLock> AcquireWriterLockAsync(TimeSpan wait, CancellationToken ct = default);

    /// <summary>
    /// Appends a batch of entries and blocks, all or nothing. <paramref name="entriesBefore"/> and
    /// <paramref name="blocksBefore"/> are how many the writer believes are stored; if there are more, this throws
    /// <see cref="StorageException"/> with <see cref="StorageErrorCode.ConcurrentWriter"/> and stores nothing. Any other
    /// failure leaves it unknown whether the batch was stored.
    /// </summary>
    Task AppendAsync(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, long entriesBefore, long blocksBefore, CancellationToken ct = default);

    /// <summary>Up to <paramref name="pageSize"/> stored entries with a stream version (height + 1) above <paramref name="afterVersion"/>, in version order.</summary>
    Task<IReadOnlyList<(long Version, EntryRecorded Entry)>> ReadEntryPageAsync(long afterVersion, int pageSize, CancellationToken ct = default);

    /// <summary>Up to <paramref name="pageSize"/> stored blocks with a stream version above <paramref name="afterVersion"/>, in version order.</summary>
    Task<IReadOnlyList<(long Version, BlockSealed Block)>> ReadBlockPageAsync(long afterVersion, int pageSize, CancellationToken ct = default);

    /// <summary>The lengths the store's own records say the two streams have (to notice rows removed from the end).</summary>
    Task<(long Entries, long Blocks)> ReadStreamLengthsAsync(CancellationToken ct = default);
}

/// <summary>The chain's writer lock: while held, no other writer may append.</summary>
public interface IWriterLock : IAsyncDisposable
{
    /// <summary>True if the lock is still ours (for PostgreSQL: its session is alive).</summary>
    Task<bool> IsHeldAsync();
}

/// <summary>Reads built on a store's paging, the same for every <see cref="IChainStore"/>.</summary>
public static class ChainStoreReads
{
    /// <summary>
    /// Reads stored entries in version order from <paramref name="fromHeight"/>, a page at a time. Each item carries the
    /// stream version the store holds, so a loader can check it against the height inside the entry.
    /// </summary>
    public static async IAsyncEnumerable<(long Version, EntryRecorded Entry)> ReadEntriesAsync(this IChainStore store, long fromHeight = 0, int pageSize = 2000, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        long after = fromHeight; // versions are height + 1
        while (true)
        {
            var page = await store.ReadEntryPageAsync(after, pageSize, ct);
            foreach (var item in page)
            {
                yield return item;
                after = Math.Max(after, item.Version);
            }
            if (page.Count < pageSize) yield break;
        }
    }

    /// <summary>Every stored block, in version order, with its stream version.</summary>
    public static async Task<IReadOnlyList<(long Version, BlockSealed Block)>> ReadBlocksAsync(this IChainStore store, CancellationToken ct = default)
    {
        var blocks = new List<(long Version, BlockSealed Block)>();
        while (true)
        {
            var page = await store.ReadBlockPageAsync(blocks.Count > 0 ? blocks[^1].Version : 0, 2000, ct);
            blocks.AddRange(page);
            if (page.Count < 2000) return blocks;
        }
    }

    /// <summary>The stored blocks, decoded, in order; a block that cannot be decoded ends the list (the verifier then reports it).</summary>
    public static async Task<IReadOnlyList<Block>> ReadDecodedBlocksAsync(this IChainStore store, CancellationToken ct = default)
    {
        var blocks = new List<Block>();
        foreach (var (_, stored) in await store.ReadBlocksAsync(ct))
        {
            if (!Block.TryDecode(stored.Block, out var block, out _)) break;
            blocks.Add(block!);
        }
        return blocks;
    }

    /// <summary>
    /// Verifies the stored bytes with the ledger core's verifier alone, as an auditor would: entries streamed in
    /// version order, the derived columns and facts ignored. (Start-up, <see cref="ChainLoader"/>, checks those too.)
    /// </summary>
    public static async Task<VerificationReport> VerifyAsync(this IChainStore store, ISchnorrVerifier verifier, CancellationToken ct = default)
    {
        var replay = new ChainReplay(store.ChainId, verifier, await store.ReadDecodedBlocksAsync(ct));
        await foreach (var (_, stored) in store.ReadEntriesAsync(0, 2000, ct))
            if (replay.Check(stored.Entry) is { } failure) return failure;
        return replay.Finish();
    }

    /// <summary>The stored entry at a height, or null.</summary>
    public static async Task<EntryRecorded?> ReadEntryAsync(this IChainStore store, long height, CancellationToken ct = default)
    {
        await foreach (var (_, e) in store.ReadEntriesAsync(height, 1, ct))
            return e.Height == height ? e : null;
        return null;
    }
}
