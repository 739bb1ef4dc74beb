using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Verify.Tests.Support;

/// <summary>
/// A real chain with a bit of everything the tamper catalogue needs: earners paying a shop, a resident who rotated
/// their key, an officer whose role was revoked; blocks every 8 entries.
/// </summary>
public sealed class TestChain
{
    private TestChain(Community community) => C = community;

    /// <summary>The community on its in-memory engine.</summary>
    public Community C { get; }

    /// <summary>The resident's key before the rotation.</summary>
    public SigningKey RotatedOutKey { get; private init; } = null!;

    /// <summary>The rotated resident's account.</summary>
    public AccountId RotatedAccount { get; private init; }

    /// <summary>The shop.</summary>
    public SigningKey Shop { get; private init; } = null!;

    /// <summary>Every entry, by height.</summary>
    public IReadOnlyList<Entry> Entries => C.Engine.Entries;

    /// <summary>Every block.</summary>
    public IReadOnlyList<Block> Blocks => C.Engine.Blocks;

    /// <summary>Builds the chain.</summary>
    public static TestChain Build()
    {
        var c = new Community(policy: new BlockPolicy(EntriesMax: 8, IntervalMs: 60_000));
        var shop = c.NewMerchant();
        var earners = Enumerable.Range(0, 3).Select(_ => c.NewEarner(20)).ToList();
        foreach (var earner in earners) Community.Ok(c.Submit(new Pay(shop.PublicKey, Amount.FromEuros(5), null) { Header = c.Header(earner) }, earner));
        var old = earners[0];
        var fresh = SigningKey.Generate();
        Community.Ok(c.Submit(new RotateKey(old.PublicKey, fresh.PublicKey) { Header = c.Header(old) }, old));
        Community.Ok(c.Submit(new Pay(shop.PublicKey, Amount.FromEuros(2), null) { Header = c.Header(fresh, account: old.PublicKey) }, fresh, actorAccount: old.PublicKey));
        Community.Ok(c.Submit(new RevokeRole(c.Officer2.PublicKey, Roles.Officer) { Header = c.Header(c.Issuer) }, c.Issuer));
        for (int i = 0; i < 3; i++) c.NewAccount();
        c.Engine.SealBlock(c.NowMs);
        return new TestChain(c) { RotatedOutKey = old, RotatedAccount = old.PublicKey, Shop = shop };
    }

    /// <summary>An honest export of the whole chain.</summary>
    public byte[] Export(int perSegment = 16) => Forge.Export(C.Operator.PublicKey, Entries, Blocks, perSegment);
}

/// <summary>What a dishonest operator can do: rewrite entries, link them again and seal new blocks with its own key.</summary>
public static class Forge
{
    /// <summary>Links the entries again from height 0 (new heights, previous hashes, entry hashes) and seals blocks at the same sizes.</summary>
    public static (List<Entry> Entries, List<Block> Blocks) Rechain(IReadOnlyList<Entry> entries, IEnumerable<long> blockSizes, SigningKey sealer)
    {
        var linked = new List<Entry>();
        var head = Hash32.Zero;
        foreach (var e in entries)
        {
            var entry = Entry.Create(linked.Count, head, e.TimestampMs, e.Outcome, e.Envelope);
            linked.Add(entry);
            head = entry.Hash;
        }
        return (linked, Seal(linked, blockSizes, sealer));
    }

    /// <summary>Blocks over <paramref name="entries"/> ending at the given sizes.</summary>
    public static List<Block> Seal(IReadOnlyList<Entry> entries, IEnumerable<long> blockSizes, SigningKey sealer)
    {
        var blocks = new List<Block>();
        var frontier = new MerkleFrontier();
        foreach (long size in blockSizes.Where(s => s <= entries.Count).Order())
        {
            while (frontier.Size < size) frontier.Append(entries[(int)frontier.Size].Hash);
            var before = blocks.Count == 0 ? null : blocks[^1];
            blocks.Add(Block.Seal(blocks.Count, before?.TreeSize ?? 0, size, frontier.Root(), before?.Hash ?? Hash32.Zero, entries[(int)size - 1].TimestampMs, sealer));
        }
        return blocks;
    }

    /// <summary>Appends an entry recording <paramref name="command"/> as applied, signed by <paramref name="signer"/>, linked to the chain.</summary>
    public static List<Entry> Append(IReadOnlyList<Entry> entries, Command command, SigningKey signer, AccountId? actorAccount = null)
    {
        var last = entries[^1];
        var envelope = SignedCommand.Create(command, signer, actorAccount: actorAccount).Envelope;
        return [.. entries, Entry.Create(last.Height + 1, last.Hash, last.TimestampMs + 1, RejectionCode.None, envelope)];
    }

    /// <summary>An export file of these entries and blocks (written by the real writer, so structurally sound).</summary>
    public static byte[] Export(AccountId operatorKey, IReadOnlyList<Entry> entries, IReadOnlyList<Block> blocks, int perSegment = 16, long firstHeight = 0)
    {
        using var file = new MemoryStream();
        var before = firstHeight == 0 ? null : blocks.LastOrDefault(b => b.TreeSize <= firstHeight);
        var header = firstHeight == 0
            ? ExportHeader.Full(Community.ChainId, operatorKey, 1_780_000_000_000, "test")
            : ExportHeader.Incremental(Community.ChainId, firstHeight, entries[(int)firstHeight - 1].Hash, before, operatorKey, 1_780_000_000_000, "test");
        using (var writer = new ChainExportWriter(file, header, new ChainExportWriterOptions(perSegment)))
        {
            int nextBlock = blocks.TakeWhile(b => b.TreeSize <= firstHeight).Count();
            foreach (var entry in entries.Where(e => e.Height >= firstHeight))
            {
                writer.WriteEntry(entry);
                while (nextBlock < blocks.Count && blocks[nextBlock].TreeSize == entry.Height + 1) writer.WriteBlock(blocks[nextBlock++]);
            }
            writer.Finish();
        }
        return file.ToArray();
    }
}

/// <summary>Runs the verifier in process, as a user would from the command line.</summary>
public sealed class VerifierRun : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("munt-verify-").FullName;

    /// <summary>Writes a file in the run's own directory and returns its path.</summary>
    public string File(string name, byte[] bytes)
    {
        string path = Path.Combine(_directory, name);
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A path in the run's directory (not created).</summary>
    public string PathOf(string name) => Path.Combine(_directory, name);

    /// <summary>Runs <c>munt-verify ARGS</c>; returns the exit code and what it wrote.</summary>
    public async Task<(int Code, string Out, string Error)> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = await VerifyTool.RunAsync(args, stdout, stderr, interactive: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs with <c>--json</c> and returns the exit code and the report.</summary>
    public async Task<(int Code, JsonObject Report)> JsonAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "--json"]);
        var report = JsonNode.Parse(output.Trim().Split('\n')[^1]) as JsonObject;
        return (code, report ?? throw new Xunit.Sdk.XunitException($"no JSON report; stderr: {error}"));
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
