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
/// <see cref="TokenIssuer.Issue"/> on what the page shows, and the resident pastes (or scans) the answer. The browser
/// unblinds and checks the answer itself, and keeps the token until a random moment hours later, so the desk's time and
/// the chain's time do not match; then, when the app is open and unlocked, it hands the token in with RedeemReward and
/// the ledger pays. The page's clock (Playwright's clock) is moved forward for that; the server's is not.
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

    /// <summary>A city-wide campaign of <paramref name="reward"/> per person (sensitive if <paramref name="name"/> is null), open for a day; if <paramref name="fund"/>, officer Anouk puts money for four rewards in it.</summary>
    private async Task<(TokenIssuer Issuer, CampaignId Campaign)> OpenCampaignAsync(string? name, Amount reward, bool fund)
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

    /// <summary>Types the desk's answer and has the app check it; the token is then kept, not handed in.</summary>
    private static async Task CheckAnswer(IPage phone, byte[] answer)
    {
        await phone.GetByLabel("Antwoord van de balie").FillAsync(Convert.ToBase64String(answer));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Controleer het antwoord" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Uw bon is klaar", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(phone.GetByText("Uw beloning komt vanzelf.")).ToBeVisibleAsync();
    }

    /// <summary>The resident's balance on the Saldo tab.</summary>
    private static async Task ExpectBalance(IPage phone, string balance)
    {
        await AppFlows.Tab(phone, "Saldo", "Uw munten");
        await Assertions.Expect(phone.Locator("main .big-money")).ToHaveTextAsync(balance, new() { Timeout = AppFlows.ChainWaitMs });
    }

    /// <summary>What the ledger says of the campaign: rewards paid and money left.</summary>
    private async Task<(long RewardsPaid, long FundsCents)> Campaign(CampaignId campaign)
    {
        var c = await Server.Client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() });
        return (c.RewardsPaid, c.FundsCents);
    }

    [Fact]
    public async Task a_resident_gets_a_voucher_signed_blind_at_the_desk_the_app_keeps_it_and_hands_it_in_at_once_only_when_asked()
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
        await Assertions.Expect(phone.GetByRole(AriaRole.Button, new() { Name = "Scan het antwoord" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, voucher for the desk");
        await Screenshots.Save(phone, "resident-reward-desk");

        // The desk signs what the phone shows, blind: it never sees the serial or the account.
        byte[] answer = issuer.Issue("panel-0042", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now);

        // A damaged answer is caught in the phone, before anything is sent.
        byte[] damaged = (byte[])answer.Clone();
        damaged[^1] ^= 1;
        await phone.GetByLabel("Antwoord van de balie").FillAsync(Convert.ToBase64String(damaged));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Controleer het antwoord" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Dit antwoord past niet bij uw bon" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, a wrong answer");

        // The desk's real answer: the voucher is ready and kept on the phone; nothing goes to the ledger yet.
        await CheckAnswer(phone, answer);
        await Assertions.Expect(phone.GetByText("Open de app wel vóór")).ToBeVisibleAsync();
        var now = phone.GetByRole(AriaRole.Button, new() { Name = "Toch nu inleveren" });
        await Assertions.Expect(now).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, voucher kept until its moment");
        await Screenshots.Save(phone, "resident-reward-waiting");
        Assert.Equal(0, (await Campaign(campaign)).RewardsPaid);

        // The campaign is not sensitive, so the resident may hand it in now, knowing it is less private: PIN, and it pays.
        await now.ClickAsync();
        await Assertions.Expect(phone.GetByText("Maar dan is beter te zien dat u het was")).ToBeVisibleAsync();
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, hand in now");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 2,50 op" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Beloning ontvangen", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(phone.GetByText("U kreeg HM 2,50.")).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward received");
        await Screenshots.Save(phone, "resident-reward-received");

        await ExpectBalance(phone, "HM 2,50");
        var c = await Campaign(campaign);
        Assert.Equal(1, c.RewardsPaid);
        Assert.Equal(750, c.FundsCents);

        // The voucher is used and gone from the phone: nothing is left to finish.
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        await Assertions.Expect(phone.GetByLabel("Code van de actie")).ToBeVisibleAsync();
        Assert.Equal(0, await phone.GetByRole(AriaRole.Heading, new() { Name = "Nog niet afgemaakt" }).CountAsync());
    }

    /// <summary>
    /// A stand-in camera for the page (test code only, added to the browser context): getUserMedia gives a canvas stream
    /// that shows the QR code in <c>window.__cameraQr</c> (its size and dark cells) once the test puts one there, so the
    /// app's own scanner (jsQR or BarcodeDetector on the video frames) reads a real QR code.
    /// </summary>
    private const string FakeCamera = """
        (() => {
          const canvas = document.createElement('canvas');
          canvas.width = 640; canvas.height = 640;
          const g = canvas.getContext('2d');
          const draw = () => {
            g.fillStyle = '#fff'; g.fillRect(0, 0, 640, 640);
            const qr = window.__cameraQr;
            if (qr) {
              const cell = Math.floor(640 / (qr.count + 8));
              g.fillStyle = '#000';
              for (let r = 0; r < qr.count; r++)
                for (let c = 0; c < qr.count; c++) if (qr.dark[r * qr.count + c]) g.fillRect((c + 4) * cell, (r + 4) * cell, cell, cell);
            }
            requestAnimationFrame(draw);
          };
          Object.defineProperty(navigator, 'mediaDevices', { configurable: true, value: { getUserMedia: async () => { draw(); return canvas.captureStream(10); } } });
        })();
        """;

    [Fact]
    public async Task a_voucher_of_a_sensitive_campaign_scanned_from_the_desk_is_handed_in_by_itself_hours_later_while_the_app_is_open_and_offers_no_now_button()
    {
        var (issuer, campaign) = await OpenCampaignAsync(null, Amount.FromEuros(1), fund: true);
        var phone = await NewPhonePage();
        await phone.Context.AddInitScriptAsync(FakeCamera);
        // The page's clock runs as usual until the test moves it on; installed before the app loads.
        await phone.Clock.InstallAsync(new() { TimeDate = DateTime.UtcNow });
        await AppFlows.OnboardResident(phone, ResidentPin);
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        string blinded = await AskForAVoucher(phone, campaign, issuer.Terms.KeyId, "Deze actie heeft geen naam in de app", "HM 1,00");
        byte[] answer = issuer.Issue("panel-0107", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now);

        // The desk shows its answer as a QR code (the same base64 text; made here with the QR library the apps use);
        // the phone's own scanner reads it from the camera.
        string qrLibrary = File.ReadAllText(Path.Combine(Screenshots.RepositoryRoot(), "src", "Heerlen.Munt.Web", "node_modules", "qrcode-generator", "dist", "qrcode.js"));
        await phone.EvaluateAsync("(text) => {\n" + qrLibrary + """

              ;
              const qr = qrcode(0, 'M'); qr.addData(text); qr.make();
              const count = qr.getModuleCount(), dark = [];
              for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) dark.push(qr.isDark(r, c));
              window.__cameraQr = { count, dark };
            }
            """, Convert.ToBase64String(answer));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Scan het antwoord" }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Uw bon is klaar", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Assertions.Expect(phone.GetByText("Uw beloning komt vanzelf.")).ToBeVisibleAsync();

        // Sensitive: no way to hand it in at once, and the app says why.
        await Assertions.Expect(phone.GetByText("Bij deze actie wacht de app altijd.")).ToBeVisibleAsync();
        Assert.Equal(0, await phone.GetByRole(AriaRole.Button, new() { Name = "Toch nu inleveren" }).CountAsync());
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, sensitive voucher kept until its moment");

        // Not right after the desk: nothing is handed in, and a few minutes with the app open (its check runs each
        // minute) change nothing. (The balance is read first: moving only the page's clock puts it ahead of the
        // server's until the app next reads the server's time.)
        await ExpectBalance(phone, "HM 0,00");
        await phone.Clock.RunForAsync("05:00");
        await Assertions.Expect(phone.GetByRole(AriaRole.Status).Filter(new() { HasText = "Uw beloning is binnen" })).ToHaveCountAsync(0);
        Assert.Equal(0, (await Campaign(campaign)).RewardsPaid);

        // Its moment lies between 2 hours from now and an hour before the campaign closes (in a day): past that, the
        // open app hands it in by itself with the unlocked wallet, and says so.
        // (From the reward screen, which does not poll the server: a screen that did would sign its session with the
        // page's clock before the app takes the server's time afresh.)
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        await Assertions.Expect(phone.Locator("li.card", new() { HasText = "Uw bon is klaar" })).ToBeVisibleAsync();
        await phone.Clock.FastForwardAsync("23:30:00");
        await Assertions.Expect(phone.GetByRole(AriaRole.Status).Filter(new() { HasText = "Uw beloning is binnen: HM 1,00." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Accessibility.AssertNoSeriousViolations(phone, "resident: a reward came in by itself");
        await ExpectBalance(phone, "HM 1,00");
        Assert.Equal(1, (await Campaign(campaign)).RewardsPaid);
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        Assert.Equal(0, await phone.GetByRole(AriaRole.Heading, new() { Name = "Nog niet afgemaakt" }).CountAsync());
    }

    [Fact]
    public async Task a_reward_refused_because_the_money_ran_out_is_kept_on_the_phone_and_handed_in_by_itself_at_the_first_unlock_after_its_moment()
    {
        var (issuer, campaign) = await OpenCampaignAsync("enquete-groen", Amount.FromEuros(1), fund: false);
        var phone = await NewPhonePage();
        await AppFlows.OnboardResident(phone, ResidentPin);
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        string blinded = await AskForAVoucher(phone, campaign, issuer.Terms.KeyId, "enquete-groen", "HM 1,00");
        byte[] answer = issuer.Issue("bewoner-7", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now);
        await CheckAnswer(phone, answer);

        await phone.GetByRole(AriaRole.Button, new() { Name = "Toch nu inleveren" }).ClickAsync();
        await phone.GetByLabel("Typ uw pincode om de beloning op te halen").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Haal HM 1,00 op" }).ClickAsync();
        // The ledger's own words (campaign_budget_exhausted), announced.
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Het geld voor deze actie is op" })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });

        // Closed and opened again: the finished voucher is still on the phone, sealed, waiting for its moment.
        await phone.ReloadAsync();
        await phone.GetByLabel("Pincode").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Heading, new() { Name = "Beloning ophalen", Level = 1 })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        var waiting = phone.Locator("li.card", new() { HasText = "Uw bon is klaar" });
        await Assertions.Expect(waiting).ToBeVisibleAsync();
        await Assertions.Expect(waiting).ToContainTextAsync("De app levert hem vanzelf in");
        await Accessibility.AssertNoSeriousViolations(phone, "resident: reward, a voucher not handed in yet");
        Assert.Equal(0, (await Campaign(campaign)).RewardsPaid);

        // The officer adds money; a day later (the page's clock) the resident opens the app: the voucher pays by itself.
        await Server.Client.As(Server.Wallet("officer-anouk")).FundCampaignAsync(campaign, Amount.FromEuros(1));
        await phone.Clock.InstallAsync(new() { TimeDate = DateTime.UtcNow.AddHours(23.5) });
        await phone.ReloadAsync();
        await phone.GetByLabel("Pincode").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Status).Filter(new() { HasText = "Uw beloning is binnen: HM 1,00." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await ExpectBalance(phone, "HM 1,00");
        Assert.Equal(1, (await Campaign(campaign)).RewardsPaid);
    }

    [Fact]
    public async Task a_waiting_voucher_of_a_campaign_that_was_closed_meanwhile_is_reported_clearly_when_its_moment_comes_and_removed()
    {
        var (issuer, campaign) = await OpenCampaignAsync("wijkgesprek-zuid", Amount.FromEuros(1), fund: true);
        var phone = await NewPhonePage();
        await AppFlows.OnboardResident(phone, ResidentPin);
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        string blinded = await AskForAVoucher(phone, campaign, issuer.Terms.KeyId, "wijkgesprek-zuid", "HM 1,00");
        await CheckAnswer(phone, issuer.Issue("bewoner-12", Heerlen.Munt.Client.RewardTokens.ReadDeskCode(blinded), Now));

        // An officer stops the campaign before the voucher's moment (e.g. its module was lost).
        await Server.Client.As(Server.Wallet("officer-anouk")).CloseCampaignAsync(campaign);

        // A day later (the page's clock) the resident opens the app: it tries, and says in words why there is no reward.
        await phone.Clock.InstallAsync(new() { TimeDate = DateTime.UtcNow.AddHours(23.5) });
        await phone.ReloadAsync();
        await phone.GetByLabel("Pincode").FillAsync(ResidentPin);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Open", Exact = true }).ClickAsync();
        await Assertions.Expect(phone.GetByRole(AriaRole.Alert).Filter(new() { HasText = "De app kon uw bon niet inleveren. Deze actie is voorbij." })).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await Accessibility.AssertNoSeriousViolations(phone, "resident: a waiting voucher of a closed campaign");

        // It can never pay: it is gone from the phone, and nothing was paid.
        await AppFlows.Tab(phone, "Beloning", "Beloning ophalen");
        await Assertions.Expect(phone.GetByLabel("Code van de actie")).ToBeVisibleAsync();
        Assert.Equal(0, await phone.GetByRole(AriaRole.Heading, new() { Name = "Nog niet afgemaakt" }).CountAsync());
        Assert.Equal(0, (await Campaign(campaign)).RewardsPaid);
    }
}
