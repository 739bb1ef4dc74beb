using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Verify.Tests.Support;

namespace Heerlen.Munt.Verify.Tests;

/// <summary><c>munt-verify stats</c>: the CBS table from the verified chain alone, as of any height.</summary>
public sealed class StatisticsToolTests : IDisposable
{
    private readonly TestChain _chain = TestChain.Build();
    private readonly VerifierRun _run = new();

    public void Dispose() => _run.Dispose();

    [Fact]
    public async Task the_table_has_the_documented_columns_and_counts_every_entry_of_the_verified_chain()
    {
        var (code, csv, error) = await _run.RunAsync("stats", _run.File("chain.hmx", _chain.Export()), "--no-state", "--k", "2");
        Assert.True(code == 0, error);
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', StatisticsTable.ColumnNames), lines[0]);
        var city = lines.Skip(1).Single(l => l.StartsWith("heerlen,week,", StringComparison.Ordinal)).Split(',');
        Assert.Equal(_chain.Entries.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), city[3]);
        Assert.Contains("GOED", error);
    }

    [Fact]
    public async Task the_table_as_of_a_past_height_equals_the_table_of_the_chain_cut_there()
    {
        const int cut = 30;
        var shorter = _chain.Entries.Take(cut).ToList();
        byte[] truncated = Forge.Export(_chain.C.Operator.PublicKey, shorter, _chain.Blocks.Where(b => b.TreeSize <= cut).ToList());
        foreach (string period in new[] { "week", "month", "year" })
        {
            var (a, pastTable, _) = await _run.RunAsync("stats", _run.File($"full-{period}.hmx", _chain.Export()), "--no-state", "--as-of", "30", "--period", period, "--k", "2");
            var (b, cutTable, _) = await _run.RunAsync("stats", _run.File($"cut-{period}.hmx", truncated), "--no-state", "--period", period, "--k", "2");
            Assert.Equal(0, a);
            Assert.Equal(0, b);
            Assert.Equal(cutTable, pastTable);
            Assert.Contains($",{cut},", pastTable);
        }
    }

    [Fact]
    public async Task with_the_default_k_of_10_a_small_community_shows_no_count_of_persons()
    {
        var (code, json, _) = await _run.RunAsync("stats", _run.File("chain.hmx", _chain.Export()), "--no-state", "--format", "json");
        Assert.Equal(0, code);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        Assert.Equal(10, doc.RootElement.GetProperty("suppression_threshold").GetInt32());
        foreach (var row in doc.RootElement.GetProperty("rows").EnumerateArray())
        {
            var earners = row.GetProperty("distinct_earners");
            Assert.True(earners.ValueKind == System.Text.Json.JsonValueKind.Null || earners.GetInt64() == 0, row.ToString());
        }
    }

    [Fact]
    public async Task a_chain_that_does_not_verify_gives_no_figures_at_all()
    {
        var surgery = new ExportSurgery(_chain.Export());
        var records = surgery.RecordsInOrder();
        records[7] = records[7] with { Bytes = [.. records[7].Bytes[..^1], (byte)(records[7].Bytes[^1] ^ 1)] };
        var (code, output, _) = await _run.RunAsync("stats", _run.File("bad.hmx", surgery.Write(records)), "--no-state");
        Assert.Equal(ExitCodes.Broken, code);
        Assert.DoesNotContain("area,period_kind", output);
        Assert.Contains("FOUT", output);
    }

    [Theory]
    [InlineData("--period", "fortnight")]
    [InlineData("--k", "1")]
    [InlineData("--format", "xml")]
    public async Task bad_statistics_options_are_bad_usage(params string[] args)
    {
        var (code, _, _) = await _run.RunAsync(["stats", _run.File("chain.hmx", _chain.Export()), "--no-state", .. args]);
        Assert.Equal(ExitCodes.Usage, code);
    }
}
