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
}

/// <summary>
/// Start-up: reads the stored chain, checks every entry (format and hash, link, signatures, the rules' decision,
/// the derived facts stored beside it, blocks, invariants) and rebuilds the in-memory state. Signatures are
/// checked in parallel a page at a time; everything else in height order.
/// </summary>
public static class ChainLoader
{
    /// <summary>Loads and verifies the chain in <paramref name="store"/>.</summary>
    public static async Task<LoadedChain> LoadAsync(ChainStore store, ISchnorrVerifier verifier, int pageSize = 4096, CancellationToken ct = default)
    {
        var clock = Stopwatch.StartNew();
        var storedBlocks = await store.ReadBlocksAsync(ct);
        var blocks = new List<Block>(storedBlocks.Count);
        string? blockProblem = null;
        foreach (var (version, sealedBlock) in storedBlocks)
        {
            if (!Block.TryDecode(sealedBlock.Block, out var block, out string problem)) { blockProblem = $"stored block {version - 1} cannot be read: {problem}"; break; }
            if (block!.Number != version - 1) { blockProblem = $"stored block at position {version - 1} says it is block {block.Number}: blocks were removed or reordered"; break; }
            if (block.Hash.ToHex() != sealedBlock.Hash) { blockProblem = $"stored block {block.Number}: its hash column does not match its content"; break; }
            blocks.Add(block);
        }

        var replay = new ChainReplay(store.ChainId, verifier, blocks);
        long stored = 0;
        var page = new List<(long Version, EntryRecorded Entry)>(pageSize);
        VerificationReport? failure = null;
        await foreach (var item in store.ReadEntriesAsync(0, pageSize, ct))
        {
            stored = item.Version;
            if (failure is not null) continue; // keep counting what is stored
            page.Add(item);
            if (page.Count == pageSize)
            {
                failure = CheckPage(replay, page, store.ChainId, verifier);
                page.Clear();
            }
        }
        failure ??= CheckPage(replay, page, store.ChainId, verifier);
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
        return new LoadedChain(replay, report, stored, storedBlocks.Count, clock.Elapsed);
    }

    private static VerificationReport? CheckPage(ChainReplay replay, List<(long Version, EntryRecorded Entry)> page, string chainId, ISchnorrVerifier verifier)
    {
        var prepared = new PreparedEntry[page.Count];
        Parallel.For(0, page.Count, i => prepared[i] = PreparedEntry.Prepare(page[i].Entry.Entry, chainId, verifier));
        for (int i = 0; i < page.Count; i++)
        {
            var (version, stored) = page[i];
            var failure = replay.Check(prepared[i], (before, verified, entry) =>
                version != entry.Height + 1 ? $"stored at stream version {version}, but the entry says height {entry.Height}"
                : stored.Height != entry.Height || stored.Hash != entry.Hash.ToHex() ? "the height or hash column does not match the entry's content"
                : !EntryFacts.Describe(before, verified, entry).SameAs(stored.Facts) ? "the facts stored for read models do not match the entry (read models may be wrong)"
                : null);
            if (failure is not null) return failure;
        }
        return null;
    }
}
