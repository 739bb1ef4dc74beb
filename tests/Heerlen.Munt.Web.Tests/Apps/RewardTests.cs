using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Modules;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// A participation reward in the resident app ("Beloning"): a module account opens a campaign with its own RSA key (the
/// reference module's <see cref="TokenIssuer"/> and the SDK), an officer funds it, the resident types the campaign's code
/// and key code from the desk, the app blinds a token and shows it, the test plays the desk with
/// <see cref="TokenIssuer.Issue"/> on what the page shows, and the resident pastes the answer and types the PIN. The
/// browser unblinds and checks the answer itself and hands the token in with RedeemReward; the ledger pays.
/// </summary>
public sealed class RewardTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    private const string ResidentPin = "61739";
    private readonly List<string> _folders = [];

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var folder in _folders.Where(Directory.Exists)) Directory.Delete(folder, recursive: true);
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A city-wide campaign of <paramref name="reward"/> per person, open for a day; if <paramref name="fund"/>, officer Anouk puts money for four rewards in it.</summary>
    private async Task<(TokenIssuer Issuer, CampaignId Campaign)> OpenCampaignAsync(string name, Amount reward, bool fund)
    {
        string folder = CampaignSetup.NewFolder("munt-web-reward-");
        _folders.Add(folder);
        var (issuer, campaign) = await CampaignSetup.OpenAsync(Server, folder, name, reward, DateTimeOffset.UtcNow.AddDays(1));
        if (fund) await Server.Client.As(Server.Wallet("officer-anouk")).FundCampaignAsync(campaign, reward * 4);
        return (issuer, campaign);
    }

    /// <summary>On the reward screen: types the campaign's code and key code, checks what the app shows, makes the voucher; returns the blinded message the page shows.</summary>
    private static async Task<string> AskForAVoucher(IPage phone, CampaignId campaign, string keyId, string name, string reward)
    {
        await phone.GetByLabel("Code van de actie").FillAsync(campaign.ToString());
        await phone.GetByLabel("Sleutelcode", new() { Exact = true }).FillAsync(keyId.ToUpperInvariant());
        await phone.GetByRole(AriaRole.Button, new() { Name = "Zoek de actie" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Deze actie", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(phone.GetByText(name)).ToBeVisibleAsync();
        await Assertions.Expect(phone.Locator("main .big-money")).ToHaveTextAsync(reward);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Maak mijn bon" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Laat dit zien aan de balie", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        string blinded = (await phone.GetByTestId("blinded-message").InnerTextAsync()).Trim();
        // The QR code holds the same text.
        var qr = phone.GetByRole(AriaRole.Img, new() { Name = "QR-code van uw bon voor de balie" });
        Assert.Equal(blinded, await qr.GetAttributeAsync("data-content"));
        Assert.Equal(256, Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded).Length); // k bytes of a 2048-bit key, after the 4-byte check
        Assert.Equal(260, Convert.FromBase64String(blinded).Length);
        return blinded;
    }

    [Fact]
    public async Task a_resident_gets_a_voucher_signed_blind_at_the_desk_and_the_reward_arrives_in_the_app()
    {
        var (issuer, campaign) = await OpenCampaignAsync("buurtpanel-2026", Amount.FromEuros(2, 50), fund: true);
        var phone = await NewPhonePage();
        await AppFlows.OnboardResident(phone, ResidentPin);
        string resident = await AppFlows.ResidentAccount(phone);
        Output.WriteLine($"resident {resident}, campaign {campaign}, key {issuer.Terms.KeyId}");

        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, campaign code");
        await Screenshots.Save(phone, "resident-reward-code");

        // A campaign code that is not one, and a key code that is not the desk's, are refused before any voucher is made.
        await phone.GetByLabel("Code van de actie").FillAsync("not-a-campaign");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Zoek de actie" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "De code van een actie heeft 32 tekens" })).ToBeVisibleAsync();
        await phone.GetByLabel("Code van de actie").FillAsync(campaign.ToString());
        await phone.GetByLabel("Sleutelcode", new() { Exact = true }).FillAsync(new string('7', 64));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Zoek de actie" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "niet de sleutel die de balie toont" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        string blinded = await AskForAVoucher(phone, campaign, issuer.Terms.KeyId, "buurtpanel-2026", "HM 2,50");
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, voucher for the desk");
        await Screenshots.Save(phone, "resident-reward-desk");

        // The desk signs what the phone shows, blind: it never sees the serial or the account.
        byte[] answer = issuer.Issue("panel-0042", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now);

        // A damaged answer is caught in the phone, before anything is sent.
        byte[] damaged = (byte[])answer.Clone();
        damaged[^1] ^= 1;
        await phone.GetByLabel("Antwoord van de balie").FillAsync(Convert.ToBase64String(damaged));
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 2,50 op" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Dit antwoord past niet bij uw bon" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, a wrong answer");

        // The desk's real answer, then the PIN: the token is handed in and pays.
        await phone.GetByLabel("Antwoord van de balie").FillAsync(Convert.ToBase64String(answer));
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 2,50 op" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Beloning ontvangen", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(phone.GetByText("U kreeg HM 2,50.")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward received");
        await Screenshots.Save(phone, "resident-reward-received");

        await AppFlows.Tab(phone, "Saldo", "Uw munten");
        await Assertions.Expect(phone.Locator("main .big-money")).ToHaveTextAsync("HM 2,50", new() { Timeout = AppFlows.ChainWaitMs });
        var c = await Server.Client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() });
        Assert.Equal(1, c.RewardsPaid);
        Assert.Equal(750, c.FundsCents);

        // The voucher is used and gone from the phone: nothing is left to finish.
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        await Assertions.Expect(phone.GetByLabel("Code van de actie")).ToBeVisibleAsync();
        Assert.Equal(0, await phone.GetByRole(AriaRole.Heading, new() { Name = "Nog niet afgemaakt" }).CountAsync());
    }

    [Fact]
    public async Task a_reward_refused_because_the_money_ran_out_is_kept_on_the_phone_and_pays_once_the_officer_adds_money()
    {
        var (issuer, campaign) = await OpenCampaignAsync("enquete-groen", Amount.FromEuros(1), fund: false);
        var phone = await NewPhonePage();
        await AppFlows.OnboardResident(phone, ResidentPin);
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        string blinded = await AskForAVoucher(phone, campaign, issuer.Terms.KeyId, "enquete-groen", "HM 1,00");
        byte[] answer = issuer.Issue("bewoner-7", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now);

        await phone.GetByLabel("Antwoord van de balie").FillAsync(Convert.ToBase64String(answer));
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 1,00 op" }).ClickAsync();
        // The ledger's own words (campaign_budget_exhausted), announced.
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Het geld voor deze actie is op" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        // Closed and opened again: the finished voucher is still on the phone, sealed, and needs only the PIN now.
        await phone.ReloadAsync();
        await phone.GetByLabel("Pincode").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Beloning ophalen", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        var waiting = phone.Locator("li.card", new() { HasText = "Uw bon is klaar" });
        await Assertions.Expect(waiting).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, a voucher not finished");

        await Server.Client.As(Server.Wallet("officer-anouk")).FundCampaignAsync(campaign, Amount.FromEuros(1));
        await waiting.GetByRole(AriaRole.Button, new() { Name = "Ga verder" }).ClickAsync();
        await Assertions.Expect(phone.GetByText("Het antwoord van de balie klopt.")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 1,00 op" }).ClickAsync();
        await Assertions.Expect(phone.GetByText("U kreeg HM 1,00.")).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await AppFlows.Tab(phone, "Saldo", "Uw munten");
        await Assertions.Expect(phone.Locator("main .big-money")).ToHaveTextAsync("HM 1,00", new() { Timeout = AppFlows.ChainWaitMs });
    }
}
