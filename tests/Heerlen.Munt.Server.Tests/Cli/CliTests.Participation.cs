using Heerlen.Munt.Modules;
using Heerlen.Munt.Server.Demo;

namespace Heerlen.Munt.Server.Tests.Cli;

public sealed partial class CliTests
{
    private async Task<(int Code, string Output, string Error)> ModuleAsync(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        int code = await ModuleCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A new module account (the issuer grants the role), and a campaign it opens with munt-module in a fresh folder.</summary>
    private async Task<(string Desk, (int Code, string Output, string Error) Created)> NewCampaignAsync(params string[] terms)
    {
        string moduleWords = Path.Combine(_scratch, "module.txt");
        string module = Json(Ok(await MuntAsync("--json", "new-wallet", "--out", moduleWords)).Output).GetProperty("account").GetString()!;
        Ok(await MuntAsync("--phrase-file", moduleWords, "open"));
        Ok(await MuntAsync("--as", "issuer", "grant", module, "module"));
        string desk = Path.Combine(_scratch, "desk");
        var now = DateTimeOffset.UtcNow;
        var created = await ModuleAsync(["create", "--dir", desk, "--server", fixture.Server.GrpcUrl, "--phrase-file", moduleWords, "--budget", DemoCommunity.Budget,
            "--opens", now.AddMinutes(-1).ToString("O"), "--closes", now.AddDays(30).ToString("O"), "--bits", "2048", .. terms]);
        Assert.True(created.Code == 0, created.Error);
        return (desk, created);
    }

    [Fact]
    public async Task a_module_opens_a_campaign_an_officer_funds_it_and_a_resident_gets_the_reward_with_a_voucher_signed_at_the_desk()
    {
        // The issuer makes a module account; the module (munt-module) opens the campaign with its own key.
        var (desk, created) = await NewCampaignAsync("--reward", "1,00", "--name", "panel-vraag-12");
        var terms = TokenIssuer.Open(desk).Terms;
        Assert.Contains(terms.Campaign, created.Output);
        Assert.Contains(terms.KeyId, created.Output);
        Ok(await MuntAsync("--as", "officer-anouk", "fund-campaign", terms.Campaign, "25"));
        var listed = Ok(await MuntAsync("--lang", "en", "campaigns")).Output;
        Assert.Contains(listed.Split('\n'), l => l.StartsWith(terms.Campaign, StringComparison.Ordinal) && l.Contains("panel-vraag-12") && l.Contains("25") && l.Contains("open"));

        // The resident asks for a voucher (the desk shows the key id, the app checks it), the desk signs, the resident hands it in.
        string words = Path.Combine(_scratch, "resident.txt");
        Ok(await MuntAsync("new-wallet", "--out", words));
        Ok(await MuntAsync("--phrase-file", words, "open"));
        string pendingFile = Path.Combine(_scratch, "voucher.json");
        var asked = Ok(await MuntAsync("--phrase-file", words, "--json", "reward-request", terms.Campaign, "--out", pendingFile, "--key-id", terms.KeyId));
        string blinded = Json(asked.Output).GetProperty("blindedMessage").GetString()!;
        var signed = await ModuleAsync("issue", "--dir", desk, "--person", "panel-0042", "--blinded", blinded);
        Assert.True(signed.Code == 0, signed.Error);
        // The same code again (a bad scan on the way back) gets the same answer; a new code for the same person does not.
        var again = await ModuleAsync("issue", "--dir", desk, "--person", "panel-0042", "--blinded", blinded);
        Assert.Equal((0, signed.Output), (again.Code, again.Output));
        var second = Ok(await MuntAsync("--phrase-file", words, "--json", "reward-request", terms.Campaign, "--out", pendingFile + ".2", "--key-id", terms.KeyId));
        var twice = await ModuleAsync("issue", "--dir", desk, "--person", "PANEL 0042", "--blinded", Json(second.Output).GetProperty("blindedMessage").GetString()!);
        Assert.Equal(1, twice.Code);
        Assert.Contains("already_issued", twice.Error);

        Ok(await MuntAsync("--phrase-file", words, "--lang", "en", "reward-redeem", pendingFile, "--blind-signature", signed.Output.Trim()));

        Assert.False(File.Exists(pendingFile)); // handed in: the secret part is gone
        Assert.Contains("HM 1,00", Ok(await MuntAsync("--phrase-file", words, "balance")).Output);
    }

    [Fact]
    public async Task a_voucher_request_against_another_key_id_is_refused_before_the_desk_sees_anything()
    {
        var (desk, _) = await NewCampaignAsync("--reward", "1.00", "--sensitive");
        string campaign = TokenIssuer.Open(desk).Terms.Campaign;
        string pendingFile = Path.Combine(_scratch, "voucher.json");

        var refused = await MuntAsync("--as", "sanne", "--lang", "en", "reward-request", campaign, "--out", pendingFile, "--key-id", new string('0', 64));

        Assert.Equal(1, refused.Code);
        Assert.Contains("campaign_key_mismatch", refused.Error + refused.Output);
        Assert.False(File.Exists(pendingFile));
    }

    /// <summary>Sanne asks for a voucher of the desk's campaign and the desk signs it for <paramref name="person"/>; returns the voucher file and the answer.</summary>
    private async Task<(string PendingFile, string Answer)> VoucherAsync(string desk, string person)
    {
        var terms = TokenIssuer.Open(desk).Terms;
        string pendingFile = Path.Combine(_scratch, $"voucher-{person}.json");
        var asked = Ok(await MuntAsync("--as", "sanne", "--json", "reward-request", terms.Campaign, "--out", pendingFile, "--key-id", terms.KeyId));
        var signed = await ModuleAsync("issue", "--dir", desk, "--person", person, "--blinded", Json(asked.Output).GetProperty("blindedMessage").GetString()!);
        Assert.True(signed.Code == 0, signed.Error);
        return (pendingFile, signed.Output.Trim());
    }

    [Fact]
    public async Task a_voucher_file_of_another_account_or_with_fields_missing_is_refused_with_a_reason_and_kept()
    {
        var (desk, _) = await NewCampaignAsync("--reward", "1.00", "--name", "buurtvraag-3");
        Ok(await MuntAsync("--as", "officer-anouk", "fund-campaign", TokenIssuer.Open(desk).Terms.Campaign, "5"));
        var (pendingFile, answer) = await VoucherAsync(desk, "p-1");

        // Another resident on the same computer picks Sanne's file.
        var other = await MuntAsync("--as", "mohammed", "--lang", "en", "reward-redeem", pendingFile, "--blind-signature", answer);
        Assert.Equal(1, other.Code);
        Assert.Contains("pending_reward_other_account", other.Error);
        Assert.Contains("Only that account can hand it in", other.Error);
        Assert.True(File.Exists(pendingFile)); // still Sanne's to hand in

        string empty = Path.Combine(_scratch, "empty-voucher.json");
        await File.WriteAllTextAsync(empty, "{}");
        var unreadable = await MuntAsync("--as", "sanne", "--lang", "en", "reward-redeem", empty, "--blind-signature", answer);
        Assert.Equal(1, unreadable.Code);
        Assert.Contains("pending_reward_unreadable", unreadable.Error);

        Ok(await MuntAsync("--as", "sanne", "reward-redeem", pendingFile, "--blind-signature", answer));
    }

    [Fact]
    public async Task once_an_officer_closed_a_campaign_no_app_asks_for_a_voucher_and_the_desk_signs_none()
    {
        var (desk, _) = await NewCampaignAsync("--reward", "1.00", "--name", "enquete-park");
        var terms = TokenIssuer.Open(desk).Terms;
        Assert.Equal(fixture.Server.GrpcUrl, terms.Server); // the desk knows where to ask
        string pendingFile = Path.Combine(_scratch, "voucher-before.json");
        var asked = Ok(await MuntAsync("--as", "sanne", "--json", "reward-request", terms.Campaign, "--out", pendingFile, "--key-id", terms.KeyId));
        Ok(await MuntAsync("--as", "officer-anouk", "close-campaign", terms.Campaign));

        var request = await MuntAsync("--as", "mohammed", "--lang", "en", "reward-request", terms.Campaign, "--out", Path.Combine(_scratch, "voucher-after.json"), "--key-id", terms.KeyId);
        Assert.Equal(1, request.Code);
        Assert.Contains("campaign_closed", request.Error);

        // The code made before the close reaches the desk after it: the desk asks the chain first.
        var signed = await ModuleAsync("issue", "--dir", desk, "--person", "p-late", "--blinded", Json(asked.Output).GetProperty("blindedMessage").GetString()!);
        Assert.Equal(1, signed.Code);
        Assert.Contains("campaign_closed: Deze actie is gesloten. De balie geeft geen bonnen meer.", signed.Error);
        Assert.Equal("", signed.Output);
        Assert.Empty(TokenIssuer.Open(desk).Issued);
        // The key goes only by the module's own close, never on one server's word.
        Assert.True(File.Exists(Path.Combine(desk, "key.pk8")));
        var closed = await ModuleAsync("close", "--dir", desk, "--phrase-file", Path.Combine(_scratch, "module.txt"));
        Assert.True(closed.Code == 0, closed.Error);
        Assert.False(File.Exists(Path.Combine(desk, "key.pk8")));
    }

    [Fact]
    public async Task a_desk_that_cannot_reach_the_chain_says_so_and_still_serves_the_person_in_front_of_it()
    {
        var (desk, _) = await NewCampaignAsync("--reward", "1.00", "--name", "stembureau-zuid");
        var terms = TokenIssuer.Open(desk).Terms;
        string pendingFile = Path.Combine(_scratch, "voucher-offline.json");
        var asked = Ok(await MuntAsync("--as", "sanne", "--json", "reward-request", terms.Campaign, "--out", pendingFile, "--key-id", terms.KeyId));
        string code = Json(asked.Output).GetProperty("blindedMessage").GetString()!;

        var unreachable = await ModuleAsync("issue", "--dir", desk, "--person", "p-9", "--blinded", code, "--server", "http://127.0.0.1:9");
        Assert.True(unreachable.Code == 0, unreachable.Error);
        Assert.Contains("could not ask the chain", unreachable.Error);
        var offline = await ModuleAsync("issue", "--dir", desk, "--person", "p-9", "--blinded", code, "--offline", "--qr");
        Assert.Equal(0, offline.Code);
        Assert.Contains("--offline", offline.Error);
        // The same code again gets the same answer, drawn as a QR code above it with --qr.
        string[] lines = offline.Output.TrimEnd('\n').Split('\n');
        Assert.Equal(unreachable.Output.Trim(), lines[^1]);
        Assert.Equal(lines[^1], Heerlen.Munt.Server.Tests.Support.QrReader.Read(offline.Output));

        // A server that shows this campaign with another key is not believed, whatever it says about the campaign.
        string termsFile = Path.Combine(desk, "campaign.json");
        var edited = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(termsFile))!.AsObject();
        edited["KeyId"] = new string('0', 64);
        await File.WriteAllTextAsync(termsFile, edited.ToJsonString());
        Ok(await MuntAsync("--as", "officer-anouk", "close-campaign", terms.Campaign));
        var otherKey = await ModuleAsync("issue", "--dir", desk, "--person", "p-9", "--blinded", code);
        Assert.Contains("with another key", otherKey.Error);
        Assert.True(File.Exists(Path.Combine(desk, "key.pk8")));
    }

    [Fact]
    public async Task a_desk_worker_who_forgets_the_number_or_the_code_is_told_so_in_dutch_and_english()
    {
        var (desk, _) = await NewCampaignAsync("--reward", "1.00", "--name", "stembureau-noord");
        var noPerson = await ModuleAsync("issue", "--dir", desk, "--blinded", "AAAA");
        Assert.Equal(1, noPerson.Code);
        Assert.Contains("person_id_invalid: Vul het nummer van de persoon in. / Enter the person's number.", noPerson.Error);
        var noCode = await ModuleAsync("issue", "--dir", desk, "--person", "p-1");
        Assert.Equal(1, noCode.Code);
        Assert.Contains("blinded_message_invalid: De code van de app is niet goed gelezen.", noCode.Error);
    }

    [Theory]
    [InlineData("--name", "Stemmen 2026", "is not a slug")]
    [InlineData("--budget", "Klussen 2026", "is not a budget line's name")]
    [InlineData("--opens", "2026-03-18T07:30:00", "is not a time with its offset")]
    public async Task a_campaign_the_ledger_would_refuse_is_refused_before_a_key_is_made_and_a_refused_one_leaves_no_key(string option, string value, string reason)
    {
        string moduleWords = Path.Combine(_scratch, "module-bad.txt");
        string module = Json(Ok(await MuntAsync("--json", "new-wallet", "--out", moduleWords)).Output).GetProperty("account").GetString()!;
        Ok(await MuntAsync("--phrase-file", moduleWords, "open"));
        Ok(await MuntAsync("--as", "issuer", "grant", module, "module"));
        string desk = Path.Combine(_scratch, "desk-bad");
        var now = DateTimeOffset.UtcNow;
        var terms = new Dictionary<string, string>
        {
            ["--dir"] = desk,
            ["--server"] = fixture.Server.GrpcUrl,
            ["--phrase-file"] = moduleWords,
            ["--budget"] = DemoCommunity.Budget,
            ["--reward"] = "1.00",
            ["--opens"] = now.AddMinutes(-1).ToString("O"),
            ["--closes"] = now.AddDays(30).ToString("O"),
            ["--bits"] = "2048",
            ["--name"] = "stemmen-2026",
        };
        terms[option] = value;
        var created = await ModuleAsync(["create", .. terms.SelectMany(t => new[] { t.Key, t.Value })]);
        Assert.Equal(2, created.Code);
        Assert.Contains(reason, created.Error);
        Assert.False(Directory.Exists(desk) && Directory.EnumerateFileSystemEntries(desk).Any());

        // Refused by the ledger (a budget line that does not exist): recorded, and the key destroyed with its folder.
        terms[option] = option == "--opens" ? now.AddMinutes(-1).ToString("O") : option == "--budget" ? DemoCommunity.Budget : "stemmen-2026";
        terms["--budget"] = "bestaat-niet";
        var rejected = await ModuleAsync(["create", .. terms.SelectMany(t => new[] { t.Key, t.Value })]);
        Assert.Equal(1, rejected.Code);
        Assert.Contains("budget_not_found", rejected.Error);
        Assert.False(Directory.Exists(desk));

        terms["--budget"] = DemoCommunity.Budget;
        var created2 = await ModuleAsync(["create", .. terms.SelectMany(t => new[] { t.Key, t.Value })]);
        Assert.True(created2.Code == 0, created2.Error); // the folder is free for the next try
    }
}
