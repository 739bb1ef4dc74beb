using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Server.Tests.Support;
using Heerlen.Munt.Verify;
using MuntCli = Heerlen.Munt.Cli.Cli;

namespace Heerlen.Munt.Server.Tests.Auditing;

/// <summary>
/// The auditor's toolkit against real servers: <c>munt export</c> writes the live chain to a file, <c>munt-verify</c>
/// checks files and live servers, remembers the checkpoint it verified, and catches a server that serves another
/// history afterwards.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class VerifierTests(ServerFixture fixture) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("munt-verify-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public async Task an_auditor_exports_the_live_chain_and_the_independent_verifier_checks_the_file()
    {
        string file = Path.Combine(_scratch, "chain.hmx");
        var exported = JsonNode.Parse(await MuntOkAsync(fixture.Server, "--as", "cbs", "--json", "export", "--out", file))!;
        var (code, report) = await VerifyAsync(file, "--no-state");
        Assert.Equal(ExitCodes.Verified, code);
        Assert.Equal((long)exported["entries"]!, (long)report["entries_verified"]!);
        Assert.True((long)report["blocks_verified"]! >= 1);
        Assert.Equal(Convert.ToHexStringLower(fixture.Server.Runtime.OperatorKey.PublicKey.Span), (string)report["operator_key"]!);
    }

    [Fact]
    public async Task an_export_is_never_written_over_and_needs_an_auditor()
    {
        string file = Path.Combine(_scratch, "once.hmx");
        await MuntOkAsync(fixture.Server, "--as", "cbs", "export", "--out", file);
        var again = await MuntAsync(fixture.Server, "--as", "cbs", "export", "--out", file);
        Assert.Equal(2, again.Code);
        Assert.Contains("nooit overschreven", again.Error);
        var resident = await MuntAsync(fixture.Server, "--as", "sanne", "export", "--out", Path.Combine(_scratch, "sanne.hmx"));
        Assert.NotEqual(0, resident.Code);
        Assert.False(File.Exists(Path.Combine(_scratch, "sanne.hmx")));
        Assert.False(File.Exists(Path.Combine(_scratch, "sanne.hmx.part")));
    }

    [Fact]
    public async Task an_incremental_export_continues_the_first_and_both_verify_as_one_chain()
    {
        var server = await fixture.StartServerAsync("incremental");
        try
        {
            string first = Path.Combine(_scratch, "first.hmx"), second = Path.Combine(_scratch, "second.hmx");
            await MuntOkAsync(server, "--as", "cbs", "export", "--out", first);
            await GrowAsync(server, 3);
            var added = JsonNode.Parse(await MuntOkAsync(server, "--as", "cbs", "--json", "export", "--after", first, "--out", second))!;
            Assert.True((long)added["first_height"]! > 0);
            Assert.True((long)added["entries"]! >= 3);

            var (code, report) = await VerifyAsync(first, second, "--no-state");
            Assert.Equal(ExitCodes.Verified, code);
            Assert.Equal((long)added["next_height"]!, (long)report["entries_verified"]!);

            var (alone, _) = await VerifyRawAsync(second, "--no-state");
            Assert.Equal(ExitCodes.Usage, alone);
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task the_verifier_reads_a_live_server_as_an_auditor_and_next_time_demands_a_consistency_proof_from_its_checkpoint()
    {
        var server = await fixture.StartServerAsync("live");
        try
        {
            string state = Path.Combine(_scratch, "state.json");
            var (code, report) = await VerifyAsync(Live(server, "--state", state));
            Assert.Equal(ExitCodes.Verified, code);
            Assert.Equal(0, (int)report["consistency_proofs"]!);
            Assert.True((int)report["inclusion_proofs"]! >= 1);
            Assert.True((bool)report["note_checked"]!);
            Assert.True((bool)report["state_written"]!);

            await GrowAsync(server, 2);
            var (again, second) = await VerifyAsync(Live(server, "--state", state));
            Assert.Equal(ExitCodes.Verified, again);
            Assert.Equal(1, (int)second["consistency_proofs"]!);
            Assert.True((long)second["entries_verified"]! > (long)report["entries_verified"]!);
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task a_server_that_serves_another_history_after_a_verified_checkpoint_is_caught_as_a_fork()
    {
        var honest = await fixture.StartServerAsync("forka");
        var other = await fixture.StartServerAsync("forkb");
        try
        {
            string state = Path.Combine(_scratch, "state.json");
            Assert.Equal(ExitCodes.Verified, (await VerifyAsync(Live(honest, "--state", state))).Code);

            // Same chain id, another history (its own genesis and operator): what a rewritten server looks like from outside.
            var (code, report) = await VerifyAsync(Live(other, "--state", state));
            Assert.Equal(ExitCodes.Forked, code);
            Assert.Equal("consistency_proof", (string)report["rule"]!);

            // The state file still remembers the honest checkpoint: the fork did not overwrite it.
            Assert.Equal(ExitCodes.Verified, (await VerifyAsync(Live(honest, "--state", state))).Code);
        }
        finally
        {
            await fixture.StopAsync(other);
            await fixture.StopAsync(honest);
        }
    }

    [Fact]
    public async Task the_auditors_offline_table_from_the_verified_chain_is_the_table_the_server_publishes()
    {
        var server = await fixture.StartServerAsync("stats");
        try
        {
            await GrowAsync(server, 1);
            using var client = ServerFixture.ClientOf(server);
            var auditor = client.As(ServerFixture.Demo(server, "cbs"));
            long height = (await client.ChainInfoAsync(refresh: true)).Height;
            foreach (var (kind, name) in new[] { (PeriodKind.Week, "week"), (PeriodKind.Month, "month"), (PeriodKind.Year, "year") })
            {
                GetFiguresResponse published;
                var deadline = DateTime.UtcNow.AddSeconds(15);
                do
                {
                    published = await auditor.ReadAsync(o => client.Statistics.GetFiguresAsync(new GetFiguresRequest { PeriodKind = kind }, o));
                    if (published.AsOfHeight < height) await Task.Delay(50);
                }
                while (published.AsOfHeight < height && DateTime.UtcNow < deadline);
                Assert.Equal(height, published.AsOfHeight);

                var (code, csv, error) = await RunAsync(["stats", .. Live(server, "--no-state", "--period", name)]);
                Assert.True(code == 0, error);
                Assert.Equal(published.Csv, csv);
            }
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    [Fact]
    public async Task a_resident_cannot_read_the_chain_for_the_verifier_and_the_exit_code_says_nothing_was_checked()
    {
        var (code, report) = await VerifyAsync("--server", fixture.Server.GrpcUrl, "--as", "sanne", "--data", fixture.Server.Runtime.DataDirectory, "--no-state");
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("role_required", (string)report["explanation"]!);
    }

    [Fact]
    public async Task an_unreachable_server_is_exit_code_3_with_a_reason_in_dutch()
    {
        var (code, _, error) = await RunAsync("--server", "http://127.0.0.1:9", "--as", "cbs", "--data", fixture.Server.Runtime.DataDirectory, "--no-state");
        Assert.Equal(ExitCodes.Unavailable, code);
        Assert.Contains("niet bereikbaar", error);
    }

    private string[] Live(RunningServer server, params string[] more) =>
        ["--server", server.GrpcUrl, "--as", "cbs", "--data", server.Runtime.DataDirectory, .. more];

    /// <summary>Opens <paramref name="count"/> new accounts and waits until a checkpoint covers them.</summary>
    private static async Task GrowAsync(RunningServer server, int count)
    {
        using var client = ServerFixture.ClientOf(server);
        for (int i = 0; i < count; i++) await client.As(Heerlen.Munt.Client.Wallet.Create()).OpenAccountAsync();
        long height = (await client.ChainInfoAsync(refresh: true)).Height;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await client.Audit.GetCheckpointAsync(new GetCheckpointRequest())).TreeSize < height)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no checkpoint within 15 s");
            await Task.Delay(50);
        }
    }

    private static async Task<(int Code, string Output, string Error)> MuntAsync(RunningServer server, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await MuntCli.RunAsync(["--server", server.GrpcUrl, "--data", server.Runtime.DataDirectory, .. args], output, error);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<string> MuntOkAsync(RunningServer server, params string[] args)
    {
        var (code, output, error) = await MuntAsync(server, args);
        Assert.True(code == 0, $"munt {string.Join(' ', args)}: exit {code}: {error}");
        return output;
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await VerifyTool.RunAsync(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    private static async Task<(int Code, string Error)> VerifyRawAsync(params string[] args)
    {
        var (code, _, error) = await RunAsync(args);
        return (code, error);
    }

    private static async Task<(int Code, JsonObject Report)> VerifyAsync(params string[] args)
    {
        var (code, output, error) = await RunAsync([.. args, "--json"]);
        var line = output.Trim().Split('\n')[^1];
        return (code, JsonNode.Parse(line) as JsonObject ?? throw new Xunit.Sdk.XunitException($"no report: {error}"));
    }
}
