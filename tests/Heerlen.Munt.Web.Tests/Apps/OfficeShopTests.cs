using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Web.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heerlen.Munt.Web.Tests.Apps;

/// <summary>
/// Shops in the back office ("Winkels"): an officer admits a new shop by its account code, pauses it (it can no longer be
/// paid) and admits it again; a code that is not one is caught in the form. A new account, so the demo's shops stay open
/// for the other tests on this server.
/// </summary>
public sealed class OfficeShopTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    [Fact]
    public async Task an_officer_admits_a_new_shop_pauses_it_and_admits_it_again()
    {
        var shop = Heerlen.Munt.Client.Wallet.Create();
        await Server.Client.As(shop).OpenAccountAsync();
        string account = shop.Account.ToString();
        var page = await NewDesktopPage();
        await AppFlows.AddKey(page, "/gemeente/", Server.DemoKeyFile["officer-anouk"].Phrase, "Anouk", "27461");
        await Assertions.Expect(page.GetByRole(AriaRole.Navigation)).ToBeVisibleAsync(new() { Timeout = AppFlows.ChainWaitMs });
        await AppFlows.Tab(page, "Winkels", "Winkels");

        var admit = page.GetByRole(AriaRole.Form, new() { Name = "Winkel toelaten" });
        await admit.GetByLabel("Code van het account (hm1…)").FillAsync("hm1-geen-code");
        await admit.GetByLabel("Wijk").FillAsync("centrum");
        await admit.GetByRole(AriaRole.Button, new() { Name = "Laat toe" }).ClickAsync();
        await Assertions.Expect(admit.GetByRole(AriaRole.Alert).Filter(new() { HasText = "Deze code klopt niet" })).ToBeVisibleAsync();

        await admit.GetByLabel("Code van het account (hm1…)").FillAsync(account);
        await admit.GetByRole(AriaRole.Button, new() { Name = "Laat toe" }).ClickAsync();
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = account[..16] });
        await Assertions.Expect(row).ToContainTextAsync("Toegelaten", new() { Timeout = AppFlows.ChainWaitMs });
        Assert.Equal("admitted", await StatusAsync(account));

        await row.GetByRole(AriaRole.Button, new() { Name = "Tijdelijk stoppen" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Gestopt", new() { Timeout = AppFlows.ChainWaitMs });
        Assert.Equal("suspended", await StatusAsync(account));
        await Accessibility.AssertNoSeriousViolations(page, "back office: a paused shop");

        await row.GetByRole(AriaRole.Button, new() { Name = "Weer toelaten" }).ClickAsync();
        await Assertions.Expect(row).ToContainTextAsync("Toegelaten", new() { Timeout = AppFlows.ChainWaitMs });
        Assert.Equal("admitted", await StatusAsync(account));
    }

    private async Task<string> StatusAsync(string account)
    {
        var list = await Server.Client.As(Server.Wallet("officer-anouk")).ReadAsync(o => Server.Client.Merchants.ListMerchantsAsync(new ListMerchantsRequest(), o));
        return list.Merchants.Single(m => m.Merchant == account).Status;
    }
}
