using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Verify.Tests.Support;

namespace Heerlen.Munt.Verify.Tests;

/// <summary>
/// A source that hides instead of rewrites: leaves checkpoints out, serves another block under a known number, holds
/// nothing, or stops before the height asked for. None of these may pass, and none may move the remembered checkpoint back.
/// </summary>
public sealed class HiddenHistoryTests : IDisposable
{
    private readonly TestChain _chain = TestChain.Build();
    private readonly VerifierRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task a_source_that_leaves_out_the_remembered_checkpoint_fails_and_the_state_file_does_not_move_back()
    {
        string state = _run.PathOf("state.json");
        Assert.Equal(ExitCodes.Verified, (await _run.JsonAsync(_run.File("honest.hmx", _chain.Export()), "--state", state)).Code);
        string remembered = await File.ReadAllTextAsync(state);

        // Every entry, but only the blocks up to size 16, in a well-formed file: the replay would pass the root check at
        // the remembered size on its own, and the last verified block would be far behind the remembered one.
        byte[] hidden = Forge.Export(_chain.C.Operator.PublicKey, _chain.Entries, _chain.Blocks.Where(b => b.TreeSize <= 16).ToList());
        var (code, report) = await _run.JsonAsync(_run.File("hidden.hmx", hidden), "--state", state);

        Assert.Equal(ExitCodes.Forked, code);
        Assert.Equal("remembered_checkpoint", (string)report["rule"]!);
        Assert.Equal(remembered, await File.ReadAllTextAsync(state));
    }

    [Fact]
    public async Task a_required_checkpoint_served_with_another_hash_is_two_histories_under_one_number()
    {
        var last = _chain.Blocks[^1];
        var options = new AuditOptions(ManagedSchnorrVerifier.Instance, RequiredBlocks: [new RequiredBlock(last.Number, last.TreeSize, Hash32.Sha256([1]), "the consistency proof led to", Forked: true)]);
        var result = await Auditor.RunAsync(FileSource.Open([_run.File("chain.hmx", _chain.Export())]), options, null, CancellationToken.None);
        Assert.False(result.Report.Ok);
        Assert.True(result.Forked);
        Assert.Equal("remembered_checkpoint", result.Report.Rule);
        Assert.Equal(last.TreeSize - 1, result.Report.FailedAtHeight);
    }

    [Fact]
    public async Task a_required_checkpoint_the_source_never_gives_fails_at_the_end()
    {
        var options = new AuditOptions(ManagedSchnorrVerifier.Instance, RequiredBlocks: [new RequiredBlock(_chain.Blocks.Count + 5, 999, Hash32.Zero, "the server named as its latest at the start", Forked: false)]);
        var result = await Auditor.RunAsync(FileSource.Open([_run.File("chain.hmx", _chain.Export())]), options, null, CancellationToken.None);
        Assert.False(result.Report.Ok);
        Assert.False(result.Forked);
        Assert.Equal("server_answers", result.Report.Rule);
    }

    [Fact]
    public async Task an_export_without_any_entry_verifies_nothing_and_says_so()
    {
        var (code, report) = await _run.JsonAsync(_run.File("empty.hmx", Forge.Export(_chain.C.Operator.PublicKey, [], [])), "--no-state");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.Equal("empty_chain", (string)report["rule"]!);
    }

    [Fact]
    public async Task an_as_of_height_beyond_the_end_of_the_chain_is_not_quietly_the_figures_of_a_shorter_chain()
    {
        var (code, report) = await _run.JsonAsync("stats", _run.File("chain.hmx", _chain.Export()), "--no-state", "--as-of", "100000");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.Equal("as_of", (string)report["rule"]!);
    }

    [Fact]
    public async Task statistics_as_of_a_past_height_still_verify_the_whole_chain_so_a_rewrite_is_caught()
    {
        string state = _run.PathOf("state.json");
        Assert.Equal(ExitCodes.Verified, (await _run.JsonAsync(_run.File("honest.hmx", _chain.Export()), "--state", state)).Code);
        string remembered = await File.ReadAllTextAsync(state);
        var without = _chain.Entries.Where(e => e.Height != 30).ToList();
        var sizes = _chain.Blocks.Select(b => b.TreeSize).Select(s => s > 30 ? s - 1 : s).Distinct();
        var (entries, blocks) = Forge.Rechain(without, sizes, _chain.C.Operator);
        var (code, report) = await _run.JsonAsync("stats", _run.File("fork.hmx", Forge.Export(_chain.C.Operator.PublicKey, entries, blocks)), "--state", state, "--as-of", "20");
        Assert.Equal(ExitCodes.Forked, code);
        Assert.Equal(remembered, await File.ReadAllTextAsync(state));
    }

    [Fact]
    public async Task a_damaged_header_in_the_first_file_is_a_failed_check_not_bad_usage()
    {
        byte[] file = _chain.Export();
        file[12] ^= 0x40; // inside the header segment
        var (code, report) = await _run.JsonAsync(_run.File("bad-header.hmx", file), "--no-state");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.StartsWith("export_", (string)report["rule"]!);
    }
}
