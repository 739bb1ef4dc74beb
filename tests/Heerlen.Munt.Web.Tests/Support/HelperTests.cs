using Microsoft.Playwright;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>The helpers themselves, on small pages of their own: each catches what it is there to catch (a check that never fails proves nothing).</summary>
public sealed class HelperTests(WebServer server, Browser browser, ITestOutputHelper output) : BrowserTest(server, browser, output)
{
    [Fact]
    public async Task the_accessibility_check_fails_on_a_serious_violation_naming_the_rule_and_the_element()
    {
        var page = await NewDesktopPage();
        await page.SetContentAsync("""
            <!doctype html><html lang="nl"><head><title>Proef</title></head>
            <body><main><h1>Proef</h1><img class="met-alt" alt="Logo" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><img class="zonder-alt" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>
            """);

        var failure = await Assert.ThrowsAsync<TrueException>(() => Accessibility.AssertNoSeriousViolations(page, "a page with an image without alt"));

        Assert.Contains("image-alt (critical)", failure.Message, StringComparison.Ordinal);
        Assert.Contains(".zonder-alt", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_uncaught_error_in_a_page_is_recorded_for_the_test()
    {
        // A context outside this test's list, so the error it records does not fail this test when it ends.
        await using var context = await Browser.Instance.NewContextAsync(Browser.Desktop(Server.BaseUrl));
        PageSession.Watch(context, PageKind.Desktop, Output);
        var page = await context.NewPageAsync();

        await page.SetContentAsync("<main><h1>Proef</h1></main><script>setTimeout(() => { throw new Error('fout in de pagina'); }, 0)</script>");

        var session = PageSession.Of(page)!;
        for (int i = 0; i < 50 && session.PageErrors.Count == 0; i++) await Task.Delay(20);
        Assert.Contains("fout in de pagina", Assert.Single(session.PageErrors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task keyboard_only_tabs_to_a_control_by_its_accessible_name_and_presses_enter()
    {
        var page = await NewPhonePage();
        await page.SetContentAsync("""
            <main>
              <a href="#boven">Naar boven</a>
              <label>Bedrag <input id="bedrag"></label>
              <button aria-label="Betaal 3,50 HM" onclick="document.getElementById('uitkomst').textContent = 'betaald'">Betaal</button>
              <p id="uitkomst"></p>
            </main>
            """);

        Assert.Equal(2, await KeyboardOnly.TabTo(page, "bedrag"));
        await KeyboardOnly.Activate(page, "Betaal 3,50");
        await Assertions.Expect(page.Locator("#uitkomst")).ToHaveTextAsync("betaald");

        await page.Locator("body").FocusAsync();
        var failure = await Assert.ThrowsAsync<FailException>(() => KeyboardOnly.TabTo(page, "Annuleren", tabsMax: 5));
        Assert.Contains("Naar boven | Bedrag", failure.Message, StringComparison.Ordinal);
    }
}
