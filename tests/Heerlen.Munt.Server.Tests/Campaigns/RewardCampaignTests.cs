using System.Text;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Modules;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Campaigns;

/// <summary>
/// A reward campaign end to end, the way a city would run one: the reference module (<c>munt-module</c>, the public API
/// and the SDK only) makes its key and opens the campaign, an officer funds it, residents' wallets blind tokens, the
/// module signs them at the desk (one per person), the residents hand them in to the real server, and the module closes it.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RewardCampaignTests(ServerFixture fixture) : IDisposable
{
    private readonly MuntClient _client = fixture.Client();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "munt-module-test-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _client.Dispose();
        if (Directory.Exists(_folder)) Directory.Delete(_folder, recursive: true);
    }

    /// <summary>A module account, granted by the issuer, with its twelve words in a file (as munt-module reads them).</summary>
    private async Task<(Wallet Module, string PhraseFile)> NewModuleAsync()
    {
        var module = Wallet.Create();
        await _client.As(module).OpenAccountAsync();
        await _client.As(fixture.Demo("issuer")).GrantRoleAsync(module.Account, Roles.Module);
        string phraseFile = Path.Combine(Path.GetTempPath(), $"module-{Guid.NewGuid():N}.words");
        await File.WriteAllTextAsync(phraseFile, module.Phrase);
        return (module, phraseFile);
    }

    /// <summary>Runs munt-module; returns its exit code and what it printed.</summary>
    private static async Task<(int Code, string Output, string Error)> ModuleAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = await ModuleCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Opens a campaign with munt-module create (a 2048-bit key, to keep the test quick) and funds it for <paramref name="rewards"/> rewards of HM 1.</summary>
    private async Task<(TokenIssuer Issuer, CampaignId Campaign, string PhraseFile)> OpenCampaignAsync(int rewards, bool sensitive = false, string? scope = null)
    {
        var (_, phraseFile) = await NewModuleAsync();
        var now = DateTimeOffset.UtcNow;
        var args = new List<string>
        {
            "create", "--dir", _folder, "--server", fixture.Server.GrpcUrl, "--phrase-file", phraseFile, "--budget", DemoCommunity.Budget,
            "--reward", "1.00", "--opens", now.AddMinutes(-1).ToString("O"), "--closes", now.AddDays(1).ToString("O"), "--bits", "2048",
        };
        args.AddRange(sensitive ? ["--sensitive"] : ["--name", "stemmen-heeft-zin-2026"]);
        if (scope is not null) args.AddRange(["--scope", scope]);
        var (code, output, error) = await ModuleAsync([.. args]);
        Assert.True(code == 0, error);
        Assert.Contains("opened", output);
        var issuer = TokenIssuer.Open(_folder);
        var campaign = CampaignId.Parse(issuer.Terms.Campaign);
        await _client.As(fixture.Demo("officer-anouk")).FundCampaignAsync(campaign, Amount.FromEuros(rewards));
        return (issuer, campaign, phraseFile);
    }

    private async Task<Wallet> NewResidentAsync()
    {
        var resident = Wallet.Create();
        await _client.As(resident).OpenAccountAsync();
        return resident;
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The key id the desk shows (from the module's folder).</summary>
    private string KeyId => TokenIssuer.Open(_folder).Terms.KeyId;

    [Fact]
    public async Task at_the_polling_station_each_voter_gets_one_token_and_the_reward_arrives_when_it_is_handed_in()
    {
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: 10);
        var c = await _client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() });
        Assert.Equal(CampaignStatus.Open, c.Status);
        Assert.Equal(issuer.Terms.KeyId, c.KeyId);
        Assert.Equal(1_000, c.FundsCents);

        var voter = _client.As(await NewResidentAsync());
        // The app checks the key the server gives against the key id the desk shows, then blinds.
        var pending = await voter.RequestRewardAsync(campaign, expectedKeyId: issuer.Terms.KeyId);
        byte[] blindSignature = issuer.Issue("stempas-000123", pending.BlindedMessage, Now);
        await voter.RedeemRewardAsync(pending, blindSignature);

        Assert.Equal(100, (await voter.BalanceAsync()).BalanceCents);
        var after = await _client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() });
        Assert.Equal(1, after.RewardsPaid);
        Assert.Equal(900, after.FundsCents);
        Assert.Equal(9, after.RewardsLeft);

        // The same voter pass cannot get a second token, whatever the app sends.
        var again = await voter.RequestRewardAsync(campaign, KeyId);
        var refused = Assert.Throws<IssueRefusedException>(() => issuer.Issue("STEMPAS 000123", again.BlindedMessage, Now));
        Assert.Equal("already_issued", refused.Code);
        Assert.Single(issuer.Issued);
    }

    [Fact]
    public async Task handing_in_the_same_token_twice_is_refused_with_reward_already_redeemed()
    {
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: 10);
        var voter = _client.As(await NewResidentAsync());
        var pending = await voter.RequestRewardAsync(campaign, KeyId);
        byte[] blindSignature = issuer.Issue("stempas-1", pending.BlindedMessage, Now);
        await voter.RedeemRewardAsync(pending, blindSignature);

        var e = await Assert.ThrowsAsync<MuntRejectedException>(() => voter.RedeemRewardAsync(pending, blindSignature));

        Assert.Equal("reward_already_redeemed", e.Reason);
        Assert.Equal(100, (await voter.BalanceAsync()).BalanceCents);
    }

    [Fact]
    public async Task a_signature_from_another_campaigns_module_makes_no_token_and_the_ledger_refuses_another_campaigns_token()
    {
        var (_, campaign, _) = await OpenCampaignAsync(rewards: 10);
        var otherFolder = _folder + "-other";
        try
        {
            var (other, otherKey) = TokenIssuer.Create(otherFolder, "x", CampaignId.New(), Now - 1, Now + 3_600_000, 1, 2048);
            var voter = _client.As(await NewResidentAsync());
            var pending = await voter.RequestRewardAsync(campaign, KeyId);
            // The other desk signs a code made for its own key; handed to this voter's app as if it were the answer.
            var rng = new Org.BouncyCastle.Security.SecureRandom();
            byte[] answer = other.Issue("stempas-9", Ledger.Crypto.RsaBlindSignatures.Blind(otherKey, rng.GenerateSeed(32), Ledger.Participation.RewardToken.Variant, rng).BlindedMessage, Now);

            // It does not unblind to a signature under this campaign's key: the app says so before anything is sent.
            var e = await Assert.ThrowsAsync<MuntException>(() => voter.RedeemRewardAsync(pending, answer));
            Assert.Equal("reward_signature_invalid", e.Reason);

            // A real, finished token of another campaign on this chain, handed in to this one past the app: the ledger
            // checks it against this campaign's key and records the refusal.
            var (module, _) = await NewModuleAsync();
            var chain = await _client.ChainInfoAsync();
            var otherCampaign = CampaignId.New();
            Directory.Delete(otherFolder, recursive: true);
            var (otherDesk, otherCampaignKey) = TokenIssuer.Create(otherFolder, chain.ChainId, otherCampaign, Now - 60_000, Now + 3_600_000, 1, 2048);
            await _client.As(module).OpenCampaignAsync(otherCampaign, DemoCommunity.Budget, Amount.FromEuros(1), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(1),
                Ledger.Commands.CampaignScope.City, null, 1, sensitive: false, "andere-actie", otherCampaignKey);
            var foreign = await voter.RequestRewardAsync(otherCampaign, otherCampaignKey.KeyId.ToString());
            var (serial, signature) = RewardTokens.Finish(foreign, otherDesk.Issue("stempas-9", foreign.BlindedMessage, Now));
            var refused = await Assert.ThrowsAsync<MuntRejectedException>(() => voter.DoAsync(h => new RedeemReward(campaign, serial, signature) { Header = h }));
            Assert.Equal("reward_token_invalid", refused.Reason);
            Assert.Equal(0, (await _client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() })).RewardsPaid);
        }
        finally
        {
            Directory.Delete(otherFolder, recursive: true);
        }
    }

    [Fact]
    public async Task when_the_budget_runs_out_the_token_waits_and_pays_after_the_officer_adds_money()
    {
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: 1);
        var first = _client.As(await NewResidentAsync());
        var second = _client.As(await NewResidentAsync());
        var p1 = await first.RequestRewardAsync(campaign, KeyId);
        var p2 = await second.RequestRewardAsync(campaign, KeyId);
        byte[] s1 = issuer.Issue("panel-1", p1.BlindedMessage, Now), s2 = issuer.Issue("panel-2", p2.BlindedMessage, Now);
        await first.RedeemRewardAsync(p1, s1);

        var e = await Assert.ThrowsAsync<MuntRejectedException>(() => second.RedeemRewardAsync(p2, s2));
        Assert.Equal("campaign_budget_exhausted", e.Reason);
        Assert.Contains("niet gebruikt", (await Assert.ThrowsAsync<MuntRejectedException>(() =>
            fixture.Client("nl").As(second.Wallet).RedeemRewardAsync(p2, s2))).LocalizedMessage);

        await _client.As(fixture.Demo("officer-anouk")).FundCampaignAsync(campaign, Amount.FromEuros(1));
        await second.RedeemRewardAsync(p2, s2);
        Assert.Equal(100, (await second.BalanceAsync()).BalanceCents);
    }

    [Fact]
    public async Task closing_returns_the_rest_to_the_budget_destroys_the_key_and_refuses_later_tokens()
    {
        var (issuer, campaign, phraseFile) = await OpenCampaignAsync(rewards: 5);
        var voter = _client.As(await NewResidentAsync());
        var pending = await voter.RequestRewardAsync(campaign, KeyId);
        byte[] blindSignature = issuer.Issue("stempas-7", pending.BlindedMessage, Now);
        var late = await _client.As(await NewResidentAsync()).RequestRewardAsync(campaign, KeyId); // made before the close, shown after it

        var (code, _, error) = await ModuleAsync("close", "--dir", _folder, "--server", fixture.Server.GrpcUrl, "--phrase-file", phraseFile);

        Assert.True(code == 0, error);
        Assert.True(issuer.Retired);
        Assert.False(File.Exists(Path.Combine(_folder, "key.pk8")));
        var closed = await _client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() });
        Assert.Equal(CampaignStatus.Closed, closed.Status);
        Assert.Equal(0, closed.FundsCents);
        var e = await Assert.ThrowsAsync<MuntRejectedException>(() => voter.RedeemRewardAsync(pending, blindSignature));
        Assert.Equal("campaign_closed", e.Reason);
        Assert.Equal("campaign_retired", Assert.Throws<IssueRefusedException>(() => issuer.Issue("stempas-8", late.BlindedMessage, Now)).Code);
        // And an app asks for no voucher of a closed campaign: it would use up the person's one voucher at the desk for nothing.
        Assert.Equal("campaign_closed", (await Assert.ThrowsAsync<MuntException>(() => voter.RequestRewardAsync(campaign, KeyId))).Reason);
    }

    [Fact]
    public async Task a_polls_desk_asks_the_chain_before_it_signs_and_refuses_once_an_officer_closed_the_campaign()
    {
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: 3);
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }
        string prefix = $"http://127.0.0.1:{port}/stemmen-2026/", secret = "a-long-shared-secret-for-the-poll";
        using var stop = new CancellationTokenSource();
        using var watchClient = new MuntClient(fixture.Server.GrpcUrl);
        using var watch = new CampaignWatch(watchClient, rememberFor: TimeSpan.Zero); // asks every time, so the test need not wait out the 30 s
        var serving = new PollEndpoint(issuer, secret, watch: watch).ServeAsync(prefix, stop.Token);
        using var http = new HttpClient { BaseAddress = new Uri(prefix) };
        async Task<(int Status, string Code)> Ask(string person, PendingReward pending)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "issue") { Content = System.Net.Http.Json.JsonContent.Create(new { person, code = RewardTokens.DeskCode(pending.BlindedMessage) }) };
            request.Headers.Authorization = new("Bearer", secret);
            using var response = await http.SendAsync(request);
            var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            return ((int)response.StatusCode, body.TryGetProperty("code", out var code) ? code.GetString()! : "");
        }

        try
        {
            Assert.Equal((200, ""), await Ask("panel-1", await _client.As(await NewResidentAsync()).RequestRewardAsync(campaign, KeyId)));
            // A polling station without the key asks this desk (munt-module issue --desk), and gets an answer that pays.
            string secretFile = Path.Combine(_folder, "station.secret");
            await File.WriteAllTextAsync(secretFile, secret);
            var voter = _client.As(await NewResidentAsync());
            var pending = await voter.RequestRewardAsync(campaign, KeyId);
            var station = await ModuleAsync("issue", "--desk", prefix, "--secret-file", secretFile, "--person", "stempas-31", "--blinded", RewardTokens.DeskCode(pending.BlindedMessage));
            Assert.True(station.Code == 0, station.Error);
            await voter.RedeemRewardAsync(pending, Convert.FromBase64String(station.Output.Trim()));
            var misread = await ModuleAsync("issue", "--desk", prefix, "--secret-file", secretFile, "--person", "stempas-33", "--blinded", RewardTokens.DeskCode(pending.BlindedMessage[..^1]));
            Assert.Equal(1, misread.Code);
            Assert.Contains("blinded_message_invalid", misread.Error);
            var again = await ModuleAsync("issue", "--desk", prefix, "--secret-file", secretFile, "--person", "STEMPAS 31",
                "--blinded", RewardTokens.DeskCode((await _client.As(await NewResidentAsync()).RequestRewardAsync(campaign, KeyId)).BlindedMessage));
            Assert.Equal(1, again.Code);
            Assert.Contains("already_issued: Deze persoon heeft de bon voor deze actie al gekregen.", again.Error);

            // A code made before an officer closes the campaign (the app asks for none after it) reaches the desk after it.
            var late = await _client.As(await NewResidentAsync()).RequestRewardAsync(campaign, KeyId);
            await _client.As(fixture.Demo("officer-anouk")).CloseCampaignAsync(campaign);
            Assert.Equal((409, "campaign_closed"), await Ask("panel-2", late));
        }
        finally
        {
            await stop.CancelAsync();
            await serving;
        }
        Assert.False(issuer.Retired); // destroyed by munt-module close, not on the server's word
        Assert.Equal(2, issuer.Issued.Count);
        var gone = await ModuleAsync("issue", "--desk", prefix, "--secret-file", Path.Combine(_folder, "station.secret"), "--person", "stempas-32", "--blinded", "AAAA");
        Assert.Equal(1, gone.Code);
        Assert.Contains("desk_unreachable", gone.Error);
    }

    [Fact]
    public async Task a_sensitive_campaign_shows_no_name_in_the_api_or_in_the_chains_entries()
    {
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: 2, sensitive: true, scope: "neighbourhood:gms");
        var voter = _client.As(await NewResidentAsync());
        var pending = await voter.RequestRewardAsync(campaign, KeyId);
        await voter.RedeemRewardAsync(pending, issuer.Issue("panel-42", pending.BlindedMessage, Now));

        var listed = (await _client.Participation.ListCampaignsAsync(new ListCampaignsRequest())).Campaigns.Single(c => c.Campaign_ == campaign.ToString());
        Assert.True(listed.Sensitive);
        Assert.Equal("", listed.Name);
        Assert.Equal(Contracts.V1.CampaignScope.Neighbourhood, listed.Scope);
        // Nothing that could say what it is about: no budget line, module or area (they are on the chain for officers and auditors).
        Assert.Equal(("", "", ""), (listed.Budget, listed.Module, listed.Area));
        var request = new GetCampaignRequest { Campaign = campaign.ToString() };
        var byResident = await voter.ReadAsync(o => _client.Participation.GetCampaignAsync(request, o));
        Assert.Equal(("", "", ""), (byResident.Budget, byResident.Module, byResident.Area));
        // An officer (who funds it) and an auditor (who reads the chain anyway) see them, with a session.
        foreach (string reader in new[] { "officer-anouk", "cbs" })
        {
            var seen = await _client.As(fixture.Demo(reader)).ReadAsync(o => _client.Participation.GetCampaignAsync(request, o));
            Assert.Equal((DemoCommunity.Budget, "gms", ""), (seen.Budget, seen.Area, seen.Name));
            Assert.NotEqual("", seen.Module);
            var inList = (await _client.As(fixture.Demo(reader)).ReadAsync(o => _client.Participation.ListCampaignsAsync(new ListCampaignsRequest(), o))).Campaigns.Single(c => c.Campaign_ == campaign.ToString());
            Assert.Equal((seen.Budget, seen.Module, seen.Area), (inList.Budget, inList.Module, inList.Area));
        }
        // The resident's history (folded a moment later) says a reward came, not from what.
        var history = await voter.HistoryAsync();
        for (var until = DateTime.UtcNow.AddSeconds(30); !history.Lines.Any(l => l.Description.Contains("taking part", StringComparison.Ordinal)); history = await voter.HistoryAsync())
        {
            Assert.True(DateTime.UtcNow < until, "the history did not catch up in 30 s");
            await Task.Delay(100);
        }
        Assert.Contains(history.Lines, l => l.Description.Contains("reward for taking part", StringComparison.Ordinal));
        Assert.DoesNotContain(history.Lines, l => l.Description.Contains("stemmen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task the_issuers_records_and_the_ledgers_records_share_no_value_that_links_a_token_to_its_issuing()
    {
        const int n = 8;
        var (issuer, campaign, _) = await OpenCampaignAsync(rewards: n);
        var voters = new List<MuntActor>();
        var pendings = new List<PendingReward>();
        var blindSignatures = new List<byte[]>();
        for (int i = 0; i < n; i++)
        {
            var voter = _client.As(await NewResidentAsync());
            var pending = await voter.RequestRewardAsync(campaign, KeyId);
            voters.Add(voter);
            pendings.Add(pending);
            blindSignatures.Add(issuer.Issue($"stempas-{i:D4}", pending.BlindedMessage, Now));
        }
        long start = (await _client.ChainInfoAsync(refresh: true)).Height;
        // Handed in later, in another order than they were issued.
        foreach (int i in Enumerable.Range(0, n).OrderBy(_ => Random.Shared.Next()))
            await voters[i].RedeemRewardAsync(pendings[i], blindSignatures[i]);

        // The ledger's records: every RedeemReward entry of the campaign as an auditor reads the chain.
        var auditor = _client.As(fixture.Demo("cbs"));
        var page = await auditor.ReadAsync(o => _client.Ledger.ListEntriesAsync(new ListEntriesRequest { FromHeight = start, PageSize = 1000 }, o));
        var redeemed = page.Entries
            .Select(e => (Entry: e, Command: SignedCommand.Decode(Ledger.Chain.Entry.TryDecode(e.Encoded.ToByteArray(), out var entry, out _) ? entry!.Envelope : [], null).Command?.Command))
            .Where(x => x.Command is RedeemReward r && r.Campaign == campaign && x.Entry.Outcome.Code == "ok")
            .ToList();
        Assert.Equal(n, redeemed.Count);
        var ledgerValues = redeemed.SelectMany(x =>
        {
            var r = (RedeemReward)x.Command!;
            return new[] { r.Serial.Span.ToArray(), r.Signature, Encoding.ASCII.GetBytes(x.Entry.TimestampMs.ToString(System.Globalization.CultureInfo.InvariantCulture)), x.Entry.Encoded.ToByteArray() };
        }).ToList();

        // The issuer's records: what it keeps (person hash, day, hash of the blinded message), and even everything it saw
        // and answered at the desk (the blinded messages and the blind signatures).
        var issued = issuer.Issued;
        Assert.Equal(n, issued.Count);
        var issuerValues = issued.SelectMany(t => new[] { Convert.FromHexString(t.Person), Convert.FromHexString(t.BlindedHash), Encoding.ASCII.GetBytes(t.IssuedOn) })
            .Concat(pendings.Select(p => p.BlindedMessage)).Concat(blindSignatures).ToList();

        // No field of one appears in the other, not even as an 8-byte stretch inside a longer one.
        foreach (var mine in issuerValues)
            foreach (var theirs in ledgerValues)
                Assert.False(SharesEightBytes(mine, theirs), "an issuer record and a ledger record share bytes");
        // Not as text either: the issuer's stored file holds no serial or signature, in hex or base64.
        string issuedText = File.ReadAllText(Path.Combine(_folder, "issued.jsonl"));
        foreach (var x in redeemed.Select(x => (RedeemReward)x.Command!))
        {
            Assert.DoesNotContain(x.Serial.ToHex(), issuedText, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Convert.ToBase64String(x.Signature), issuedText, StringComparison.Ordinal);
            Assert.DoesNotContain(Convert.ToHexString(x.Signature), issuedText, StringComparison.OrdinalIgnoreCase);
        }

        // The blinding is fresh for every token: no two blinded messages, inverses or serials are alike, and blinding the
        // very same token message twice gives two different blinded messages.
        Assert.Equal(n, pendings.Select(p => Convert.ToHexString(p.BlindedMessage)).Distinct().Count());
        Assert.Equal(n, pendings.Select(p => Convert.ToHexString(p.Inverse)).Distinct().Count());
        Assert.Equal(n, pendings.Select(p => Convert.ToHexString(p.Serial)).Distinct().Count());
        var key = Ledger.Crypto.RsaBlindPublicKey.Decode(pendings[0].PublicKey);
        byte[] message = Ledger.Participation.RewardToken.Message(pendings[0].ChainId, campaign, voters[0].Account, new Ledger.Crypto.Hash32(pendings[0].Serial));
        var rng = new Org.BouncyCastle.Security.SecureRandom();
        var twice = (Ledger.Crypto.RsaBlindSignatures.Blind(key, message, Ledger.Participation.RewardToken.Variant, rng), Ledger.Crypto.RsaBlindSignatures.Blind(key, message, Ledger.Participation.RewardToken.Variant, rng));
        Assert.False(twice.Item1.BlindedMessage.AsSpan().SequenceEqual(twice.Item2.BlindedMessage));
        Assert.False(twice.Item1.Inverse.AsSpan().SequenceEqual(twice.Item2.Inverse));
    }

    private static bool SharesEightBytes(byte[] a, byte[] b)
    {
        if (a.Length < 8 || b.Length < 8) return a.Length > 0 && b.AsSpan().IndexOf(a) >= 0;
        var windows = new HashSet<ulong>();
        for (int i = 0; i + 8 <= a.Length; i++) windows.Add(BitConverter.ToUInt64(a, i));
        for (int i = 0; i + 8 <= b.Length; i++)
            if (windows.Contains(BitConverter.ToUInt64(b, i))) return true;
        return false;
    }
}
