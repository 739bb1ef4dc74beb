using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Crypto;
using Block = Heerlen.Munt.Ledger.Chain.Block;

namespace Heerlen.Munt.Cli;

// Export: the chain into a portable file (docs/chain-format.md, "Export file") for munt-verify and for the archive.
internal static partial class Commands
{
    private const int ExportPage = 1000;

    private static async Task ExportAsync(Invocation run)
    {
        run.Words(0);
        string path = run.Required("--out");
        if (File.Exists(path)) throw new UsageException($"{path} bestaat al; een export wordt nooit overschreven", $"{path} exists already; an export is never overwritten");
        if (run.Args.Option("--from") is not null && run.Args.Option("--after") is not null)
            throw new UsageException("geef --from of --after, niet allebei", "give --from or --after, not both");

        var info = await run.Client.ChainInfoAsync(refresh: true, ct: run.Ct);
        if (!info.Established) throw new UsageException("de keten is nog niet begonnen", "the chain has not been established yet");
        var operatorKey = new AccountId(Convert.FromHexString(info.OperatorKey));
        var blocks = await AllBlocksAsync(run);
        // An export ends on the latest checkpoint: every entry in it is covered by a signed block in it, and the next
        // export (--after) starts right after that block. Entries not yet sealed (about a second's worth) wait for it.
        long end = blocks.Count == 0 ? 0 : blocks[^1].TreeSize;

        ExportHeader header;
        long exportedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string source = run.Client.Address;
        if (run.Args.Option("--after") is { } previousFile)
        {
            var previous = ReadSummary(previousFile, info.ChainId);
            header = new ExportHeader(info.ChainId, previous.NextHeight, previous.LastEntryHash, previous.LastBlockNumber, previous.LastBlockHash, operatorKey, exportedAt, source);
        }
        else if (run.Args.Option("--from") is { } f && Invocation.ParseNumber(f, "--from", 0, int.MaxValue) is var from and > 0)
        {
            if (from > end) throw new UsageException($"het laatste controlepunt dekt {end} regels; --from {from} ligt daarna", $"the latest checkpoint covers {end} entries; --from {from} is beyond it");
            var before = await run.Actor.ReadAsync(o => run.Client.Ledger.GetEntryAsync(new GetEntryRequest { Height = from - 1 }, o), run.Ct);
            header = ExportHeader.Incremental(info.ChainId, from, Hash32.FromHex(before.Hash), blocks.LastOrDefault(b => b.TreeSize <= from), operatorKey, exportedAt, source);
        }
        else header = ExportHeader.Full(info.ChainId, operatorKey, exportedAt, source);

        string temporary = path + ".part";
        ExportSummary summary;
        try
        {
            await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var writer = new ChainExportWriter(file, header);
                int nextBlock = blocks.TakeWhile(b => b.TreeSize <= header.FirstHeight).Count();
                long next = header.FirstHeight;
                while (next < end)
                {
                    long at = next;
                    var page = await run.Actor.ReadAsync(o => run.Client.Ledger.ListEntriesAsync(new ListEntriesRequest { FromHeight = at, PageSize = (int)Math.Min(ExportPage, end - at) }, o), run.Ct);
                    if (page.Entries.Count == 0) throw new UsageException($"de server geeft geen regels vanaf {at}", $"the server gives no entries from {at}");
                    foreach (var entry in page.Entries)
                    {
                        writer.WriteEntry(entry.Encoded.Span);
                        next++;
                        while (nextBlock < blocks.Count && blocks[nextBlock].TreeSize == next) writer.WriteBlock(blocks[nextBlock++]);
                    }
                }
                summary = writer.Finish();
            }
            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
        long bytes = new FileInfo(path).Length;
        if (run.Json)
        {
            run.Print(new System.Text.Json.Nodes.JsonObject
            {
                ["file"] = path,
                ["chain_id"] = info.ChainId,
                ["first_height"] = summary.FirstHeight,
                ["entries"] = summary.EntryCount,
                ["blocks"] = summary.BlockCount,
                ["next_height"] = summary.NextHeight,
                ["bytes"] = bytes,
            });
            return;
        }
        run.Line(run.T(
            $"{summary.EntryCount} regels (hoogte {summary.FirstHeight} tot {summary.NextHeight}) en {summary.BlockCount} controlepunten naar {path} ({bytes} bytes)",
            $"{summary.EntryCount} entries (heights {summary.FirstHeight} to {summary.NextHeight}) and {summary.BlockCount} checkpoints to {path} ({bytes} bytes)"));
        run.Line(run.T($"Controleren: munt-verify {path}   Volgende keer: munt export --after {path} --out …", $"Verify: munt-verify {path}   Next time: munt export --after {path} --out …"));
    }

    private static async Task<List<Block>> AllBlocksAsync(Invocation run)
    {
        var blocks = new List<Block>();
        while (true)
        {
            long from = blocks.Count;
            var page = await run.Client.CallAsync(o => run.Client.Audit.ListCheckpointsAsync(new ListCheckpointsRequest { FromNumber = from, PageSize = ExportPage }, o), null, run.Ct);
            foreach (var checkpoint in page.Checkpoints)
            {
                if (!Block.TryDecode(checkpoint.Encoded.Span, out var block, out string problem))
                    throw new UsageException($"controlepunt {checkpoint.Number} van de server is onleesbaar: {problem}", $"the server's checkpoint {checkpoint.Number} does not decode: {problem}");
                if (block!.Number != blocks.Count)
                    throw new UsageException($"de server slaat controlepunten over of herhaalt ze (nummer {block.Number}, verwacht {blocks.Count})", $"the server skips or repeats checkpoints (number {block.Number}, expected {blocks.Count})");
                blocks.Add(block);
            }
            if (page.Checkpoints.Count == 0 || page.NextNumber >= page.Count) return blocks;
            if (page.NextNumber != blocks.Count)
                throw new UsageException($"de lijst van controlepunten van de server klopt niet (volgende {page.NextNumber} na {blocks.Count})", $"the server's list of checkpoints does not add up (next {page.NextNumber} after {blocks.Count})");
        }
    }

    private static ExportSummary ReadSummary(string path, string chainId)
    {
        if (!File.Exists(path)) throw new UsageException($"{path} bestaat niet", $"{path} does not exist");
        using var file = File.OpenRead(path);
        using var reader = new ChainExportReader(file);
        try
        {
            if (reader.Header.ChainId != chainId)
                throw new UsageException($"{path} hoort bij keten {reader.Header.ChainId}, de server heeft {chainId}", $"{path} belongs to chain {reader.Header.ChainId}; the server has {chainId}");
            return reader.ReadToEnd();
        }
        catch (ExportFormatException e)
        {
            throw new UsageException($"{path} is beschadigd ({e.Rule}); exporteer opnieuw vanaf het begin", $"{path} is damaged ({e.Rule}); export again from the start");
        }
    }
}
