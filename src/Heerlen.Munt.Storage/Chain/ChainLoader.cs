using System.Diagnostics;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;

namespace Heerlen.Munt.Storage.Chain;

/// <summary>A chain loaded from storage and checked from height 0.</summary>
/// <param name="Replay">What was rebuilt: the state, the Merkle frontier and the last block of the intact part.</param>
/// <param name="Report">OK, or the first broken height, the rule and why.</param>
/// <param name="StoredEntries">Entries in storage (the writer's expected version).</param>
/// <param name="StoredBlocks">Blocks in storage.</param>
/// <param name="Took">How long loading took.</param>
public sealed record LoadedChain(ChainReplay Replay, VerificationReport Report, long StoredEntries, long StoredBlocks, TimeSpan Took)
{
    /// <summary>True if every check passed and writes may continue.</summary>
    public bool Intact => Report.Ok;

    /// <summary>The blocks that passed every check, in order (the checkpoints a server may serve).</summary>
    public IReadOnlyList<Block> VerifiedBlocks { get; init; } = [];
}

/// <summary>What a load found, without the rebuilt state (safe to hand to other threads).</summary>
/// <param name="Intact">True if every check passed.</param>
/// <param name="EntriesVerified">Entries that passed every check.</param>
/// <param name="BlocksVerified">Blocks that passed every check.</param>
/// <param name="FailedAtHeight">The first broken height, or null.</param>
/// <param name="Rule">The rule broken there (e.g. <c>hash_link</c>), or empty.</param>
/// <param name="Explanation">One line for a person, or empty.</param>
/// <param name="StoredEntries">Entries found in storage.</param>
/// <param name="StoredBlocks">Blocks found in storage.</param>
/// <param name="Took">How long loading took.</param>
public sealed record LoadSummary(bool Intact, long EntriesVerified, long BlocksVerified, long? FailedAtHeight, string Rule, string Explanation, long StoredEntries, long StoredBlocks, TimeSpan Took)
{
    /// <summary>The summary of a load.</summary>
    public static LoadSummary Of(LoadedChain loaded)
    {
        var r = loaded.Report;
        return new(r.Ok, r.EntriesVerified, r.BlocksVerified, r.FailedAtHeight, r.Rule, r.Explanation, loaded.StoredEntries, loaded.StoredBlocks, loaded.Took);
    }

    /// <summary>One line, as the verifier says it.</summary>
    public override string ToString() => Intact
        ? $"chain verified: {EntriesVerified} entries, {BlocksVerified} blocks"
        : $"chain broken at height {FailedAtHeight}: {Rule}: {Explanation}";
}

/// <summary>
/// Start-up: reads the stored chain, checks every entry (format and hash, link, signatures, the rules' decision,
/// the derived facts stored beside it, blocks, invariants) and rebuilds the in-memory state. Signatures are
/// checked in parallel a page at a time; everything else in height order.
/// </summary>
public static class ChainLoader
{
    /// <summary>Loads and verifies the chain in <paramref name="store"/>; <paramref name="onVerifiedEntry"/> hears each entry that passed, in height order.</summary>
    public static async Task<LoadedChain> LoadAsync(IChainStore store, ISchnorrVerifier verifier, int pageSize = 4096, CancellationToken ct = default, Action<Entry>? onVerifiedEntry = null)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<(long Version, BlockSealed Block)> storedBlocks;
        string? blockProblem = null;
        try
        {
            storedBlocks = await store.ReadBlocksAsync(ct);
        }
        catch (StorageException e) when (e.Code == StorageErrorCode.StoredDataUnreadable)
        {
            // Only a row that no longer reads as a block: keep the blocks before it, and say which one.
            storedBlocks = await ReadUntilUnreadableAsync(store.ReadBlockPageAsync, 0, int.MaxValue, ct);
            blockProblem = $"stored block {storedBlocks.Count} cannot be read: {e.Detail}";
        }
        var blocks = new List<Block>(storedBlocks.Count);
        foreach (var (version, sealedBlock) in storedBlocks)
        {
            if (!Block.TryDecode(sealedBlock.Block, out var block, out string problem)) { blockProblem = $"stored block {version - 1} cannot be read: {problem}"; break; }
            if (block!.Number != version - 1) { blockProblem = $"stored block at position {version - 1} says it is block {block.Number}: blocks were removed or reordered"; break; }
            if (block.Hash.ToHex() != sealedBlock.Hash) { blockProblem = $"stored block {block.Number}: its hash column does not match its content"; break; }
            blocks.Add(block);
        }

        var replay = new ChainReplay(store.ChainId, verifier, blocks);
        long stored = 0;
        long after = 0;
        VerificationReport? failure = null;
        while (failure is null)
        {
            IReadOnlyList<(long Version, EntryRecorded Entry)> page;
            try
            {
                page = await store.ReadEntryPageAsync(after, pageSize, ct);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.StoredDataUnreadable)
            {
                // A row that cannot even be read (someone changed its JSON): check the rows before it, then stop there.
                var readable = await ReadUntilUnreadableAsync(store.ReadEntryPageAsync, after, pageSize, ct);
                if (readable.Count > 0) stored = readable[^1].Version;
                failure = CheckPage(replay, readable, store.ChainId, verifier, onVerifiedEntry);
                if (failure is null && readable.Count == pageSize)
                {
                    after = stored; // the page reads one row at a time after all: carry on
                    continue;
                }
                failure ??= new VerificationReport(false, replay.State.NextHeight, replay.BlocksVerified, replay.State.NextHeight, "entry_format", $"the stored row after stream version {stored} cannot be read as an entry: {e.Detail}", replay.State);
                break;
            }
            if (page.Count == 0) break;
            stored = page[^1].Version;
            after = stored;
            failure = CheckPage(replay, page, store.ChainId, verifier, onVerifiedEntry);
            if (page.Count < pageSize) break;
        }
        if (failure is not null)
        {
            // Count what is stored beyond the failure (for the operator), as far as it can be read.
            try
            {
                await foreach (var (version, _) in store.ReadEntriesAsync(stored, pageSize, ct)) stored = Math.Max(stored, version);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.StoredDataUnreadable)
            {
                // unreadable rows further on: the count stays at what could be read
            }
        }
        var report = failure ?? replay.Finish();
        if (report.Ok && blockProblem is not null)
            report = new VerificationReport(false, report.EntriesVerified, report.BlocksVerified, (replay.LastBlock?.TreeSize ?? 0), "block", blockProblem, replay.State);
        if (report.Ok)
        {
            // Rows removed from the end leave a chain that verifies, but not the stream records written with them.
            var (entryLength, blockLength) = await store.ReadStreamLengthsAsync(ct);
            if (entryLength != stored)
                report = new VerificationReport(false, report.EntriesVerified, report.BlocksVerified, stored, "stream_length", $"the stream record says {entryLength} entries, but {stored} are stored: entries were removed from the end", replay.State);
            else if (blockLength != storedBlocks.Count)
                report = new VerificationReport(false, report.EntriesVerified, report.BlocksVerified, stored, "stream_length", $"the stream record says {blockLength} blocks, but {storedBlocks.Count} are stored: blocks were removed from the end", replay.State);
        }
        return new LoadedChain(replay, report, stored, storedBlocks.Count, clock.Elapsed)
        {
            VerifiedBlocks = blocks.Take((int)Math.Min(blocks.Count, report.BlocksVerified)).ToList(),
        };
    }

    private static async Task<List<(long Version, T Item)>> ReadUntilUnreadableAsync<T>(
        Func<long, int, CancellationToken, Task<IReadOnlyList<(long Version, T Item)>>> readPage, long after, int most, CancellationToken ct)
    {
        var readable = new List<(long Version, T Item)>();
        while (readable.Count < most)
        {
            IReadOnlyList<(long Version, T Item)> one;
            try
            {
                one = await readPage(after, 1, ct);
            }
            catch (StorageException e) when (e.Code == StorageErrorCode.StoredDataUnreadable)
            {
                break;
            }
            if (one.Count == 0) break;
            readable.Add(one[0]);
            after = one[0].Version;
        }
        return readable;
    }

    /// <summary>
    /// Signature checks run on the thread pool whatever scheduler the caller is on (a simulation's single thread would
    /// otherwise be asked to run the parallel parts it is blocked waiting for); the checks are pure, so the result is the same.
    /// </summary>
    private static readonly ParallelOptions OnThreadPool = new() { TaskScheduler = TaskScheduler.Default };

    private static VerificationReport? CheckPage(ChainReplay replay, IReadOnlyList<(long Version, EntryRecorded Entry)> page, string chainId, ISchnorrVerifier verifier, Action<Entry>? onVerifiedEntry)
    {
        var prepared = new PreparedEntry[page.Count];
        Parallel.For(0, page.Count, OnThreadPool, i => prepared[i] = PreparedEntry.Prepare(page[i].Entry.Entry, chainId, verifier));
        for (int i = 0; i < page.Count; i++)
        {
            var (version, stored) = page[i];
            var failure = replay.Check(prepared[i], (before, verified, entry) =>
                version != entry.Height + 1 ? $"stored at stream version {version}, but the entry says height {entry.Height}"
                : stored.Height != entry.Height || stored.Hash != entry.Hash.ToHex() ? "the height or hash column does not match the entry's content"
                : !EntryFacts.Describe(before, verified, entry).SameAs(stored.Facts) ? "the facts stored for read models do not match the entry (read models may be wrong)"
                : null);
            if (failure is not null) return failure;
            onVerifiedEntry?.Invoke(prepared[i].Entry!);
        }
        return null;
    }
}
