using Heerlen.Munt.Verify.Tests.Support;

namespace Heerlen.Munt.Verify.Tests;

/// <summary>How the verifier behaves for a person at a terminal and for a script: words, tables, exit codes.</summary>
public sealed class VerifierUsageTests : IDisposable
{
    private readonly TestChain _chain = TestChain.Build();
    private readonly VerifierRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task a_person_gets_a_summary_table_and_one_verdict_line_in_dutch_by_default_and_in_english_on_request()
    {
        string file = _run.File("chain.hmx", _chain.Export());
        var (code, output, _) = await _run.RunAsync(file, "--no-state");
        Assert.Equal(0, code);
        Assert.Contains("regels gecontroleerd", output);
        Assert.Contains("GOED: keten gecontroleerd", output);
        var (_, english, _) = await _run.RunAsync(file, "--no-state", "--lang", "en");
        Assert.Contains("entries verified", english);
        Assert.Contains("OK: chain verified", english);
    }

    [Fact]
    public async Task a_broken_chain_names_the_height_the_rule_and_what_it_means_in_plain_words()
    {
        var surgery = new ExportSurgery(_chain.Export());
        var records = surgery.RecordsInOrder();
        records[5] = records[5] with { Bytes = [.. records[5].Bytes[..^1], (byte)(records[5].Bytes[^1] ^ 1)] };
        var (code, output, _) = await _run.RunAsync(_run.File("bad.hmx", surgery.Write(records)), "--no-state");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.Contains("FOUT bij hoogte", output);
        Assert.Contains("entry_format", output);
        Assert.Contains("de inhoud past niet bij de eigen hash", output);
    }

    [Fact]
    public async Task a_full_export_and_an_incremental_one_verify_together_but_not_the_other_way_round_or_with_a_gap()
    {
        byte[] full = Forge.Export(_chain.C.Operator.PublicKey, _chain.Entries.Take(20).ToList(), _chain.Blocks.Where(b => b.TreeSize <= 20).ToList());
        long cut = _chain.Blocks.Last(b => b.TreeSize <= 20).TreeSize;
        Assert.Equal(20, _chain.Entries.Take(20).Count());
        byte[] rest = Forge.Export(_chain.C.Operator.PublicKey, _chain.Entries, _chain.Blocks, firstHeight: 20);
        string a = _run.File("a.hmx", full), b = _run.File("b.hmx", rest);

        var (code, report) = await _run.JsonAsync(a, b, "--no-state");
        Assert.Equal(ExitCodes.Verified, code);
        Assert.Equal(_chain.Entries.Count, (long)report["entries_verified"]!);
        Assert.True(cut <= 20);

        Assert.Equal(ExitCodes.Usage, (await _run.RunAsync(b, a, "--no-state")).Code);

        byte[] later = Forge.Export(_chain.C.Operator.PublicKey, _chain.Entries, _chain.Blocks, firstHeight: 25);
        var (gap, gapReport) = await _run.JsonAsync(a, _run.File("c.hmx", later), "--no-state");
        Assert.Equal(ExitCodes.Broken, gap);
        Assert.Equal("export_continuation", (string)gapReport["rule"]!);
    }

    [Fact]
    public async Task as_of_is_for_statistics_because_verification_always_covers_the_whole_chain()
    {
        var (code, _, error) = await _run.RunAsync(_run.File("chain.hmx", _chain.Export()), "--as-of", "18", "--no-state");
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--as-of", error);
    }

    [Theory]
    [InlineData("--frobnicate")]
    [InlineData("--as-of", "minus-one")]
    [InlineData("--lang", "fr")]
    [InlineData("--state", "x", "--no-state")]
    public async Task bad_usage_is_exit_code_2_with_a_reason(params string[] args)
    {
        var (code, _, error) = await _run.RunAsync([_run.File("chain.hmx", _chain.Export()), .. args]);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("munt-verify: ", error);
        Assert.True(error.Trim().Length > "munt-verify: ".Length + 10, error);
    }

    [Fact]
    public async Task no_source_at_all_is_bad_usage_and_help_explains_the_exit_codes()
    {
        Assert.Equal(ExitCodes.Usage, (await _run.RunAsync()).Code);
        var (code, help, _) = await _run.RunAsync("help", "--lang", "en");
        Assert.Equal(0, code);
        Assert.Contains("exit codes: 0 verified, 1 a check failed, 2 bad usage, 3 could not read the source, 4 history you verified before was rewritten", help);
    }

    [Fact]
    public async Task a_missing_file_is_exit_code_3_because_nothing_was_checked()
    {
        var (code, _, error) = await _run.RunAsync(_run.PathOf("nowhere.hmx"), "--no-state");
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("bestaat niet", error);
    }

    [Fact]
    public async Task a_state_file_of_another_chain_is_refused_instead_of_mixed_up()
    {
        string hex = new('a', 64);
        string json = "{\"format\":\"munt-verify-state/1\",\"checkpoint\":{\"chainId\":\"other-chain\",\"operatorKey\":\"HEX\",\"treeSize\":3,\"rootHash\":\"HEX\",\"blockNumber\":0,\"blockHash\":\"HEX\",\"verifiedAtUtc\":\"x\",\"source\":\"y\"}}";
        string state = _run.File("state.json", System.Text.Encoding.UTF8.GetBytes(json.Replace("HEX", hex, StringComparison.Ordinal)));
        var (code, _, error) = await _run.RunAsync(_run.File("chain.hmx", _chain.Export()), "--state", state);
        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("belongs to chain other-chain", error.Replace("hoort bij keten other-chain", "belongs to chain other-chain", StringComparison.Ordinal));
    }
}
