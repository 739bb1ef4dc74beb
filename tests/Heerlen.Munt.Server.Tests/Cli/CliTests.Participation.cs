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
}
