using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using Heerlen.Munt.Server.Tests.Support;
using MuntCli = Heerlen.Munt.Cli.Cli;

namespace Heerlen.Munt.Server.Tests.Cli;

/// <summary>
/// <c>munt</c> run in-process, exactly as from a terminal, against the shared demo server: each role does its part
/// with the words a person types, and the output and exit codes are what a script would see.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed partial class CliTests(ServerFixture fixture) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("munt-cli-").FullName;

    [Fact]
    public async Task an_officer_publishes_a_job_from_the_terminal_and_it_shows_on_the_job_board()
    {
        var published = Ok(await MuntAsync("--as", "officer-anouk", "--json", "publish", "--budget", "klussen-2026", "--category", "graffiti-weg",
            "--neighbourhood", "gms", "--reward", "7,50", "--slots", "2", "--days", "7"));
        string job = Json(published.Output).GetProperty("job").GetString()!;
        Assert.Matches("^[0-9a-f]{32}$", job);

        var board = Ok(await MuntAsync("jobs", "--neighbourhood", "gms"));
        var line = Assert.Single(board.Output.Split('\n'), l => l.StartsWith(job, StringComparison.Ordinal));
        Assert.Contains("graffiti-weg", line);
        Assert.Contains("HM 7,50", line);
        Assert.Contains("2/2", line);
        Assert.DoesNotContain(job, Ok(await MuntAsync("jobs", "--neighbourhood", "centrum")).Output);
    }

    [Fact]
    public async Task an_officer_publishes_a_job_with_its_title_and_description_in_one_go()
    {
        var published = Ok(await MuntAsync("--as", "officer-anouk", "--json", "publish", "--budget", "klussen-2026", "--category", "straatmeubilair",
            "--neighbourhood", "centrum", "--reward", "15", "--slots", "1", "--days", "7", "--title", "Bankje schilderen", "--description", "Twee lagen groen.",
            "--title-en", "Paint the bench"));
        string job = Json(published.Output).GetProperty("job").GetString()!;

        var text = await fixture.Server.Runtime.JobTexts.FindAsync(job);
        Assert.NotNull(text);
        Assert.Equal(("Bankje schilderen", "Twee lagen groen.", "Paint the bench", ""), (text.Title, text.Description, text.TitleEnglish, text.DescriptionEnglish));
        Assert.Equal(fixture.Demo("officer-anouk").Account.ToString(), text.UpdatedBy);
    }

    [Fact]
    public async Task a_new_resident_enrols_completes_with_a_photo_and_after_the_officer_approves_the_balance_shows_the_reward()
    {
        string words = Path.Combine(_scratch, "words.txt");
        var wallet = Ok(await MuntAsync("--json", "new-wallet", "--out", words));
        string account = Json(wallet.Output).GetProperty("account").GetString()!;
        Ok(await MuntAsync("--phrase-file", words, "open"));
        var published = Ok(await MuntAsync("--as", "officer-anouk", "--json", "publish", "--budget", "klussen-2026", "--category", "bladeren-ruimen",
            "--neighbourhood", "centrum", "--reward", "12.50", "--slots", "1", "--days", "3"));
        string job = Json(published.Output).GetProperty("job").GetString()!;

        Ok(await MuntAsync("--phrase-file", words, "enrol", job));
        string photo = Path.Combine(_scratch, "klaar.jpg");
        await File.WriteAllBytesAsync(photo, [0xFF, 0xD8, 0xFF, 0xE0, .. "a photo of a clean street"u8.ToArray()]);
        Ok(await MuntAsync("--phrase-file", words, "complete", job, "--photo", photo));

        var waiting = Ok(await MuntAsync("--as", "officer-bas", "completions"));
        Assert.Contains(waiting.Output.Split('\n'), l => l.StartsWith(job, StringComparison.Ordinal) && l.Contains(account, StringComparison.Ordinal) && l.Contains("klaar gemeld", StringComparison.Ordinal));
        Ok(await MuntAsync("--as", "officer-bas", "approve", job, account));

        Assert.Contains("HM 12,50", Ok(await MuntAsync("--phrase-file", words, "balance")).Output);
        Assert.Contains("Balance: HM 12.50", Ok(await MuntAsync("--lang", "en", "--phrase-file", words, "balance")).Output);
        Assert.Contains("goedgekeurd", Ok(await MuntAsync("--phrase-file", words, "my-jobs")).Output);
        Assert.DoesNotContain(job, Ok(await MuntAsync("--as", "officer-bas", "completions")).Output);
    }

    [Fact]
    public async Task an_officer_mints_above_the_threshold_only_with_a_second_officer_cosigning()
    {
        Assert.Contains("HM 12,00", Ok(await MuntAsync("--as", "officer-anouk", "mint", "klussen-cli", "12")).Output);

        var alone = await MuntAsync("--as", "officer-anouk", "mint", "klussen-cli", "20000");
        Assert.Equal(1, alone.Code);
        Assert.StartsWith("error: cosigner_required: ", alone.Error);
        var together = Ok(await MuntAsync("--lang", "en", "--as", "officer-anouk", "mint", "klussen-cli", "20000", "--cosigner-as", "officer-bas"));
        Assert.Contains("Minted HM 20,000.00 into budget klussen-cli, cosigned by " + fixture.Keys["officer-bas"].Account, together.Output);
    }

    [Fact]
    public async Task a_new_wallet_keeps_its_words_in_a_file_only_the_owner_can_read_and_never_overwrites_one()
    {
        string words = Path.Combine(_scratch, "mine.txt");
        var made = Ok(await MuntAsync("--lang", "en", "new-wallet", "--out", words));

        Assert.Matches("New account: hm1[0-9a-z]{58}", made.Output);
        Assert.Equal(12, (await File.ReadAllTextAsync(words)).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain((await File.ReadAllTextAsync(words)).Trim(), made.Output);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(words));
        string before = await File.ReadAllTextAsync(words);

        var again = await MuntAsync("new-wallet", "--out", words);
        Assert.Equal(1, again.Code);
        Assert.StartsWith("error: file_exists: ", again.Error);
        Assert.Equal(before, await File.ReadAllTextAsync(words));
        Assert.Equal(2, (await MuntAsync("new-wallet")).Code);
    }

    [Fact]
    public async Task a_shop_asks_for_payment_and_waits_a_resident_pays_the_code_and_the_statement_counts_it()
    {
        var before = Json(Ok(await MuntAsync("--as", "bakkerij-bollen", "--json", "statement")).Output);
        string sanne = fixture.Keys["sanne"].Account;

        // The till waits while the resident pays, as two terminals would.
        var till = new LockedWriter();
        var tillErrors = new LockedWriter();
        var waiting = MuntCli.RunAsync([.. Common, "--lang", "en", "--as", "bakkerij-bollen", "request", "3,21", "--wait"], till, tillErrors);
        string code = await EventuallyAsync(() => CodeLine().Match(till.ToString()) is { Success: true } m ? m.Groups[1].Value : null);
        Assert.Contains("QR", till.ToString());

        var paid = Ok(await MuntAsync("--as", "sanne", "pay-code", code));
        Assert.Contains("Betaald: HM 3,21", paid.Output);
        Assert.Equal(0, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"Paid by {sanne}", till.ToString());

        var after = Json(Ok(await MuntAsync("--as", "bakkerij-bollen", "--json", "statement")).Output);
        Assert.Equal(Cents(before, "receivedCents") + 321, Cents(after, "receivedCents"));
        Assert.Equal(before.GetProperty("payments").GetInt32() + 1, after.GetProperty("payments").GetInt32());
        Assert.Contains("HM ", Ok(await MuntAsync("--as", "bakkerij-bollen", "statement")).Output);

        var twice = await MuntAsync("--as", "sanne", "pay-code", code);
        Assert.Equal(1, twice.Code);
        Assert.StartsWith("error: payment_request_paid: ", twice.Error);
    }

    [Fact]
    public async Task a_proof_of_a_sealed_entry_is_verified_against_the_operator_key_from_info()
    {
        long height = long.Parse(Json(Ok(await MuntAsync("--json", "info")).Output).GetProperty("height").GetString()!, CultureInfo.InvariantCulture) - 1;
        // Blocks are sealed every 100 ms here: wait until a checkpoint covers the entry.
        await EventuallyAsync(async () =>
        {
            var checkpoint = await MuntAsync("--json", "checkpoint");
            return checkpoint.Code == 0 && Cents(Json(checkpoint.Output).GetProperty("checkpoint"), "treeSize") > height ? "covered" : null;
        });

        var proof = Ok(await MuntAsync("--lang", "en", "proof", height.ToString(CultureInfo.InvariantCulture)));
        Assert.StartsWith($"verified: entry {height} ", proof.Output);
        Assert.StartsWith("geverifieerd: ", Ok(await MuntAsync("proof", "0")).Output);

        var forged = await MuntAsync("proof", height.ToString(CultureInfo.InvariantCulture), "--hash", new string('a', 64));
        Assert.Equal(1, forged.Code);
        Assert.StartsWith("error: proof_invalid: ", forged.Error);
        string notTheOperator = Convert.ToHexStringLower(Ledger.Accounts.AccountId.Parse(fixture.Keys["issuer"].Account).Span);
        var otherOperator = await MuntAsync("proof", "0", "--operator-key", notTheOperator);
        Assert.Equal(1, otherOperator.Code);
        Assert.StartsWith("error: proof_invalid: ", otherOperator.Error);
    }

    [Fact]
    public async Task a_resident_who_tries_to_approve_is_refused_with_not_permitted_and_exit_code_1()
    {
        var refused = await MuntAsync("--as", "mohammed", "approve", new string('7', 32), "sanne");

        Assert.Equal(1, refused.Code);
        Assert.StartsWith("error: not_permitted: U mag dit niet doen met dit account.", refused.Error);
        Assert.Equal("", refused.Output);
        var inEnglish = await MuntAsync("--lang", "en", "--as", "mohammed", "approve", new string('7', 32), "sanne");
        Assert.StartsWith("error: not_permitted: This account is not allowed to do this.", inEnglish.Error);
        var notAnAuditor = await MuntAsync("--as", "mohammed", "entries");
        Assert.Equal(1, notAnAuditor.Code);
        Assert.StartsWith("error: role_required: ", notAnAuditor.Error);
    }

    [Fact]
    public async Task bad_usage_exits_2_with_the_usage_line_of_the_command_before_anything_is_sent()
    {
        long height = fixture.Server.Runtime.Sequencer.Height;
        var missing = await MuntAsync("--as", "sanne", "pay", "bakkerij-bollen");
        Assert.Equal(2, missing.Code);
        Assert.Contains("munt pay MERCHANT AMOUNT", missing.Error);

        foreach (string[] args in new string[][]
        {
            ["--as", "sanne", "pay", "bakkerij-bollen", "12,345"],
            ["--as", "sanne", "pay", "bakkerij-bollen", "1.255,00"],
            ["--as", "sanne", "pay", "bakkerij-bollen", "0"],
            ["--as", "sanne", "pay", "bakkerij-bollen", "-5"],
            ["--as", "sanne", "pay", "hm1notanaccount", "5"],
            ["--as", "officer-anouk", "publish", "--budget", "klussen-2026"],
            ["--as", "officer-anouk", "reject", new string('1', 32), "sanne", "ugly"],
            ["--as", "officer-anouk", "grant", "sanne", "king"],
            ["--as", "nobody", "balance"],
            ["--as", "sanne", "--phrase-file", "x", "balance"],
            ["balance"],
            ["jobs", "--photo", "x"],
            ["enrol", "not-a-job"],
            ["frobnicate"],
            ["--lang", "fr", "info"],
            [],
        })
        {
            var run = await MuntAsync(args);
            Assert.True(run.Code == 2, $"munt {string.Join(' ', args)}: exit {run.Code}, {run.Error}");
            Assert.NotEqual("", run.Error);
        }
        Assert.Equal(height, fixture.Server.Runtime.Sequencer.Height); // nothing was sent to the ledger
    }

    [Fact]
    public async Task help_lists_every_command()
    {
        var help = Ok(await MuntAsync("help"));

        foreach (string command in "info jobs job new-wallet checkpoint proof open balance history my-jobs enrol complete pay pay-code forget-me me request statement refund redeem redemptions mint publish completions approve reject cancel admit suspend grant revoke freeze unfreeze set-limit settle entries stats".Split(' '))
            Assert.Contains($"munt {command}", help.Output);
        Assert.Contains("Afsluitcodes", help.Output);
        Assert.Contains("Exit codes", Ok(await MuntAsync("--lang", "en", "help")).Output);
    }

    [Fact]
    public async Task an_officer_sets_a_daily_limit_on_a_munt_card_and_the_card_holder_sees_it_in_me_and_history()
    {
        string words = Path.Combine(_scratch, "card.txt");
        string account = Json(Ok(await MuntAsync("--json", "new-wallet", "--out", words)).Output).GetProperty("account").GetString()!;
        Ok(await MuntAsync("--phrase-file", words, "open"));

        Assert.Contains("HM 25,00 per dag", Ok(await MuntAsync("--as", "officer-anouk", "set-limit", account, "25")).Output);
        var me = Ok(await MuntAsync("--phrase-file", words, "me")).Output;
        Assert.Contains("daglimiet", me);
        Assert.Contains("HM 25,00", me);
        var again = await MuntAsync("--as", "officer-bas", "set-limit", account, "25");
        Assert.Equal(1, again.Code);
        Assert.StartsWith("error: spending_limit_unchanged: ", again.Error);
        Ok(await MuntAsync("--as", "officer-bas", "set-limit", account, "none"));
        Assert.Equal("0", Json(Ok(await MuntAsync("--phrase-file", words, "--json", "me")).Output).GetProperty("dailyLimitCents").GetString());

        // History is folded a moment after the chain.
        await EventuallyAsync(async () => (await MuntAsync("--phrase-file", words, "history")).Output.Contains("Je daglimiet is nu HM 25,00 per dag.", StringComparison.Ordinal) ? "folded" : null);
        await EventuallyAsync(async () => (await MuntAsync("--lang", "en", "--phrase-file", words, "history")).Output.Contains("Your daily limit was removed.", StringComparison.Ordinal) ? "folded" : null);
    }

    [Fact]
    public async Task a_resident_with_a_daily_limit_sees_what_was_paid_today_and_a_payment_over_it_is_refused_with_daily_limit_exceeded()
    {
        string sanne = fixture.Keys["sanne"].Account.ToString();
        Ok(await MuntAsync("--as", "officer-anouk", "set-limit", sanne, "0,50"));
        try
        {
            var before = Json(Ok(await MuntAsync("--as", "sanne", "--json", "me")).Output);
            long spent = long.Parse(before.GetProperty("spentTodayCents").GetString() ?? "0", CultureInfo.InvariantCulture);
            Assert.Equal("50", before.GetProperty("dailyLimitCents").GetString());
            Assert.Equal(0, spent); // the limit is new: nothing counted yet

            Ok(await MuntAsync("--as", "sanne", "pay", "fietsenmaker-fons", "0,30"));
            Assert.Equal("30", Json(Ok(await MuntAsync("--as", "sanne", "--json", "me")).Output).GetProperty("spentTodayCents").GetString());
            var over = await MuntAsync("--as", "sanne", "pay", "fietsenmaker-fons", "0,21");
            Assert.Equal(1, over.Code);
            Assert.StartsWith("error: daily_limit_exceeded: ", over.Error);
        }
        finally
        {
            Ok(await MuntAsync("--as", "officer-anouk", "set-limit", sanne, "none"));
        }
    }

    [Fact]
    public async Task a_server_that_cannot_be_reached_exits_3_with_a_sentence_saying_so()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        int closed = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();

        var output = new StringWriter();
        var error = new StringWriter();
        int code = await MuntCli.RunAsync(["--server", $"http://127.0.0.1:{closed}", "--lang", "en", "info"], output, error);

        Assert.Equal(3, code);
        Assert.StartsWith($"munt: cannot reach the server at http://127.0.0.1:{closed}.", error.ToString());
    }

    [Fact]
    public async Task an_auditor_reads_the_entries_up_to_the_current_height_and_the_stream_ends_there()
    {
        long height = await HeightAsync();

        var entries = Ok(await MuntAsync("--as", "cbs", "entries", "--from", (height - 3).ToString(CultureInfo.InvariantCulture)));

        var lines = entries.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith((height - 1).ToString(CultureInfo.InvariantCulture), lines[^1].TrimStart());
        var json = Ok(await MuntAsync("--as", "cbs", "--json", "entries")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(height, json.Length);
        Assert.Equal("COMMAND_KIND_ESTABLISH_CHAIN", Json(json[0]).GetProperty("command").GetString());
        // Statistics are folded a moment after the chain.
        await EventuallyAsync(async () => (await MuntAsync("--as", "cbs", "stats", "--area", "heerlen")).Output.Contains("heerlen  ", StringComparison.Ordinal) ? "folded" : null);
    }

    [Fact]
    public async Task an_auditor_following_the_entries_sees_a_new_entry_arrive_and_ctrl_c_ends_it_cleanly()
    {
        long height = await HeightAsync();
        using var ctrlC = new CancellationTokenSource();
        var screen = new LockedWriter();
        var following = MuntCli.RunAsync([.. Common, "--as", "cbs", "entries", "--from", (height - 1).ToString(CultureInfo.InvariantCulture), "--follow"], screen, new StringWriter(), ctrlC.Token);
        await EventuallyAsync(() => screen.ToString().Length > 0 ? "first" : null);

        Ok(await MuntAsync("--as", "sanne", "pay", "fietsenmaker-fons", "0,10"));
        string paid = await EventuallyAsync(() => screen.ToString().Split('\n').FirstOrDefault(l => l.Contains(" pay ", StringComparison.Ordinal)));
        Assert.StartsWith(height.ToString(CultureInfo.InvariantCulture), paid.TrimStart());
        await ctrlC.CancelAsync();

        Assert.Equal(0, await following.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private string[] Common => ["--server", fixture.Server.GrpcUrl, "--data", fixture.Server.Runtime.DataDirectory];

    private async Task<Run> MuntAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = await MuntCli.RunAsync([.. Common, .. args], output, error);
        return new Run(code, output.ToString(), error.ToString());
    }

    private async Task<long> HeightAsync() =>
        long.Parse(Json(Ok(await MuntAsync("--json", "info")).Output).GetProperty("height").GetString()!, CultureInfo.InvariantCulture);

    private static Run Ok(Run run)
    {
        Assert.True(run.Code == 0, $"exit {run.Code}: {run.Error}");
        return run;
    }

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement;

    /// <summary>An int64 field: the protobuf JSON mapping writes it as a string.</summary>
    private static long Cents(JsonElement json, string name) => long.Parse(json.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static Task<string> EventuallyAsync(Func<string?> probe) => EventuallyAsync(() => Task.FromResult(probe()));

    private static async Task<string> EventuallyAsync(Func<Task<string?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (await probe() is { } found) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("not within 15 s");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"^code\s+(\S+)", RegexOptions.Multiline)]
    private static partial Regex CodeLine();

    private sealed record Run(int Code, string Output, string Error);

    /// <summary>A StringWriter another task may read while the command still writes.</summary>
    private sealed class LockedWriter : StringWriter
    {
        public override void Write(char value)
        {
            lock (this) base.Write(value);
        }

        public override void Write(string? value)
        {
            lock (this) base.Write(value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            lock (this) base.Write(buffer, index, count);
        }

        public override void Write(ReadOnlySpan<char> buffer)
        {
            lock (this) base.Write(buffer);
        }

        public override string ToString()
        {
            lock (this) return base.ToString();
        }
    }
}
