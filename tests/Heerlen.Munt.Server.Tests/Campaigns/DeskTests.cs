using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Modules;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Campaigns;

/// <summary>
/// The reference module's desk on its own (no server): one token per person however the number is typed, the same code
/// again gets the same answer, two desks on one folder take turns, a crash leaves a list it can read, secrets stay private.
/// </summary>
public sealed class DeskTests : IDisposable
{
    private static readonly Org.BouncyCastle.Security.SecureRandom Random = new();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "munt-desk-" + Guid.NewGuid().ToString("N"));
    private readonly TokenIssuer _desk;
    private readonly RsaBlindPublicKey _key;

    public DeskTests() => (_desk, _key) = TokenIssuer.Create(_folder, "heerlen-munt/test", CampaignId.New(), Now - 60_000, Now + 3_600_000, 1, 2048);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private byte[] Blinded() => RsaBlindSignatures.Blind(_key, Random.GenerateSeed(32), RsaBlindVariant.Sha384PssDeterministic, Random).BlindedMessage;

    [Fact]
    public void a_person_is_one_person_however_their_number_is_typed()
    {
        _desk.Issue("NL-123", Blinded(), Now);

        foreach (string again in new[] { "nl-123", "NL 123", " NL.123 ", "ＮＬ-123", "nl/123", "NL\u2010123", "NL\u2212123", "NL\u200B123" })
            Assert.Equal("already_issued", Assert.Throws<IssueRefusedException>(() => _desk.Issue(again, Blinded(), Now)).Code);
        _desk.Issue("NL-124", Blinded(), Now);
        Assert.Equal(2, _desk.Issued.Count);
    }

    [Fact]
    public void the_same_person_with_the_same_code_gets_the_same_answer_again_and_it_counts_once()
    {
        byte[] code = Blinded();
        byte[] first = _desk.Issue("panel-7", code, Now);

        byte[] again = _desk.Issue("panel-7", code, Now);

        Assert.Equal(first, again);
        Assert.Single(_desk.Issued);
    }

    [Fact]
    public void a_misread_code_is_refused_before_it_counts_as_the_persons_token()
    {
        string deskCode = RewardTokens.DeskCode(Blinded());
        char[] chars = deskCode.ToCharArray();
        chars[10] = chars[10] == 'A' ? 'B' : 'A'; // one character misread

        Assert.Throws<FormatException>(() => RewardTokens.ReadDeskCode(new string(chars)));
        Assert.Throws<FormatException>(() => RewardTokens.ReadDeskCode(Convert.ToBase64String(Blinded()))); // no check at all

        // A blinded message that is not one for this key (too long) is refused by the desk, and not counted.
        Assert.Equal("blinded_message_invalid", Assert.Throws<IssueRefusedException>(() => _desk.Issue("panel-8", new byte[300], Now)).Code);
        Assert.Empty(_desk.Issued);
        _desk.Issue("panel-8", RewardTokens.ReadDeskCode(deskCode), Now);
    }

    [Fact]
    public void two_desks_on_one_folder_never_give_one_person_two_tokens()
    {
        var other = TokenIssuer.Open(_folder);
        var results = new System.Collections.Concurrent.ConcurrentBag<string>();

        Parallel.For(0, 8, i =>
        {
            try
            {
                (i % 2 == 0 ? _desk : other).Issue("NL-555", Blinded(), Now);
                results.Add("signed");
            }
            catch (IssueRefusedException e)
            {
                results.Add(e.Code);
            }
        });

        Assert.Equal(1, results.Count(r => r == "signed"));
        Assert.Equal(7, results.Count(r => r == "already_issued"));
        Assert.Single(_desk.Issued);
    }

    [Fact]
    public void a_torn_last_line_from_a_crash_is_skipped_and_the_desk_goes_on()
    {
        _desk.Issue("a-1", Blinded(), Now);
        File.AppendAllText(Path.Combine(_folder, "issued.jsonl"), "{\"Person\":\"ab"); // the power went while writing

        _desk.Issue("a-2", Blinded(), Now);

        Assert.Equal(2, _desk.Issued.Count);
        Assert.Equal("already_issued", Assert.Throws<IssueRefusedException>(() => _desk.Issue("a-2", Blinded(), Now)).Code);
    }

    [Fact]
    public void the_desk_keeps_the_day_not_the_time_and_never_the_persons_number()
    {
        _desk.Issue("NL-777", Blinded(), Now);

        string list = File.ReadAllText(Path.Combine(_folder, "issued.jsonl"));
        Assert.DoesNotContain("777", list);
        var token = Assert.Single(_desk.Issued);
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", token.IssuedOn);
    }

    [Fact]
    public void only_the_modules_operator_can_read_the_folder_and_closing_destroys_the_key()
    {
        if (OperatingSystem.IsWindows()) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(_folder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_folder, "key.pk8")));

        _desk.Retire();

        Assert.False(File.Exists(Path.Combine(_folder, "key.pk8")));
        Assert.False(File.Exists(Path.Combine(_folder, "person-secret")));
        Assert.Equal("campaign_retired", Assert.Throws<IssueRefusedException>(() => _desk.Issue("x", Blinded(), Now)).Code);
    }

    [Fact]
    public void outside_its_window_the_desk_signs_nothing()
    {
        Assert.Equal("campaign_not_open", Assert.Throws<IssueRefusedException>(() => _desk.Issue("late", Blinded(), Now + 7_200_000)).Code);
        Assert.Equal("campaign_not_open", Assert.Throws<IssueRefusedException>(() => _desk.Issue("early", Blinded(), Now - 7_200_000)).Code);
        Assert.Empty(_desk.Issued);
    }

    [Fact]
    public void the_desk_stops_issuing_before_the_window_closes_so_the_last_vouchers_can_still_be_handed_in()
    {
        string folder = _folder + "-until";
        try
        {
            long opens = Now - 60_000, until = Now + 3_600_000, closes = Now + 7_200_000;
            var (desk, key) = TokenIssuer.Create(folder, "heerlen-munt/test", CampaignId.New(), opens, closes, 1, 2048, issueUntilMs: until);
            byte[] Blind() => RsaBlindSignatures.Blind(key, Random.GenerateSeed(32), RsaBlindVariant.Sha384PssDeterministic, Random).BlindedMessage;
            Assert.NotEmpty(desk.Issue("voter-1", Blind(), until - 1));
            var refused = Assert.Throws<IssueRefusedException>(() => desk.Issue("voter-2", Blind(), until));
            Assert.Equal("issuing_ended", refused.Code);
            Assert.Contains("kan hem nog inleveren", refused.Dutch);
            Assert.Equal("campaign_not_open", Assert.Throws<IssueRefusedException>(() => desk.Issue("voter-3", Blind(), closes)).Code);
            Assert.Single(desk.Issued);
            // Kept in the folder, so every desk on it (and a restarted one) stops at the same moment.
            Assert.Equal((until, until), (TokenIssuer.Open(folder).Terms.IssueUntilMs, TokenIssuer.Open(folder).Terms.IssueEndMs));
            Assert.Throws<ArgumentException>(() => TokenIssuer.Create(folder + "-late", "heerlen-munt/test", CampaignId.New(), opens, closes, 1, 2048, issueUntilMs: closes + 1));
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void a_folder_from_before_issuing_had_its_own_end_issues_until_the_window_closes()
    {
        string terms = File.ReadAllText(Path.Combine(_folder, "campaign.json"));
        var old = System.Text.Json.Nodes.JsonNode.Parse(terms)!.AsObject();
        old.Remove("IssueUntilMs");
        old.Remove("Server");
        File.WriteAllText(Path.Combine(_folder, "campaign.json"), old.ToJsonString());
        var desk = TokenIssuer.Open(_folder);
        Assert.Equal((0L, null, desk.Terms.ClosesAtMs), (desk.Terms.IssueUntilMs, desk.Terms.Server, desk.Terms.IssueEndMs));
        Assert.NotEmpty(desk.Issue("voter-1", Blinded(), desk.Terms.ClosesAtMs - 1));
    }

    [Theory]
    [InlineData("{\"ChainId\": ")]
    [InlineData("{}")]
    [InlineData("null")]
    public void a_damaged_campaign_file_stops_the_desk_with_a_reason_and_nothing_is_signed(string damaged)
    {
        File.WriteAllText(Path.Combine(_folder, "campaign.json"), damaged);
        var e = Assert.Throws<InvalidDataException>(() => TokenIssuer.Open(_folder));
        Assert.Contains("campaign.json is damaged", e.Message);
        Assert.Empty(_desk.Issued);
        Assert.Contains("not a campaign folder", Assert.Throws<FileNotFoundException>(() => TokenIssuer.Open(_folder + "-none")).Message);
    }

    [Fact]
    public void the_answer_drawn_as_a_qr_code_in_the_terminal_reads_back_as_the_answer()
    {
        string answer = Convert.ToBase64String(_desk.Issue("voter-qr", Blinded(), Now));
        string drawn = TerminalQr.Draw(answer);
        Assert.Equal(answer, QrReader.Read(drawn));
        // A 3072-bit key's answer (384 bytes, 512 characters): 85 columns and 43 lines, as participation.md says.
        string longer = Convert.ToBase64String(Random.GenerateSeed(384));
        string drawnLonger = TerminalQr.Draw(longer);
        Assert.Equal(longer, QrReader.Read(drawnLonger));
        string[] lines = drawnLonger.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal((85, 43), (lines[0].Count(c => c == '\u2580'), lines.Length));
    }

    [Fact]
    public async Task serving_on_a_port_another_program_holds_says_so_instead_of_crashing()
    {
        using var holder = new System.Net.HttpListener();
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        holder.Prefixes.Add($"http://127.0.0.1:{port}/");
        holder.Start();
        string secretFile = Path.Combine(_folder, "poll.secret");
        File.WriteAllText(secretFile, "a-long-shared-secret-for-the-poll");
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = await ModuleCli.RunAsync(["serve", "--dir", _folder, "--secret-file", secretFile, "--listen", $"http://127.0.0.1:{port}/"], output, error);
        Assert.Equal(2, code);
        Assert.Contains("cannot listen there", error.ToString());
    }

    [Fact]
    public async Task a_polls_server_asks_the_desk_over_http_with_its_secret_and_gets_one_answer_per_panel_member()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        string prefix = $"http://127.0.0.1:{port}/";
        using var stop = new CancellationTokenSource();
        var serving = new PollEndpoint(_desk, "a-long-shared-secret-for-the-poll").ServeAsync(prefix, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(prefix) };
        async Task<(int Status, System.Text.Json.JsonElement Body)> Post(string? secret, object body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "issue") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            if (secret is not null) request.Headers.Authorization = new("Bearer", secret);
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
        }

        var (status, body) = await Post(null, new { person = "panel-1", code = RewardTokens.DeskCode(Blinded()) });
        Assert.Equal((401, "unauthorised"), (status, body.GetProperty("code").GetString()));
        Assert.Equal(401, (await Post("wrong-secret-wrong-secret", new { person = "panel-1", code = RewardTokens.DeskCode(Blinded()) })).Status);

        (status, body) = await Post("a-long-shared-secret-for-the-poll", new { person = "panel-1", code = RewardTokens.DeskCode(Blinded()) });
        Assert.Equal(200, status);
        Assert.Equal(256, Convert.FromBase64String(body.GetProperty("answer").GetString()!).Length);

        (status, body) = await Post("a-long-shared-secret-for-the-poll", new { person = "PANEL 1", code = RewardTokens.DeskCode(Blinded()) });
        Assert.Equal((409, "already_issued"), (status, body.GetProperty("code").GetString()));
        Assert.Contains("al gekregen", body.GetProperty("nl").GetString());

        (status, body) = await Post("a-long-shared-secret-for-the-poll", new { person = "panel-2", code = "niet-base64!" });
        Assert.Equal((400, "blinded_message_invalid"), (status, body.GetProperty("code").GetString()));
        (status, _) = await Post("a-long-shared-secret-for-the-poll", new { person = "panel-2" });
        Assert.Equal(400, status);

        using var campaign = new HttpRequestMessage(HttpMethod.Get, "campaign");
        campaign.Headers.Authorization = new("Bearer", "a-long-shared-secret-for-the-poll");
        var terms = System.Text.Json.JsonDocument.Parse(await (await http.SendAsync(campaign)).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(_desk.Terms.KeyId, terms.GetProperty("keyId").GetString());
        Assert.Single(_desk.Issued);

        // A damaged list stops the desk with a clear error, never a 200 without an answer, and signs nothing.
        string list = Path.Combine(_folder, "issued.jsonl");
        File.WriteAllText(list, "{broken\n" + File.ReadAllText(list));
        (status, body) = await Post("a-long-shared-secret-for-the-poll", new { person = "panel-3", code = RewardTokens.DeskCode(Blinded()) });
        Assert.Equal((500, "desk_error"), (status, body.GetProperty("code").GetString()));

        stop.Cancel();
        await serving;
    }
}
