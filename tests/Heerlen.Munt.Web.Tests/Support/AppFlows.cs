using Microsoft.Playwright;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>What people do again and again in the apps, done the way they do it: by labels and button names.</summary>
public static class AppFlows
{
    /// <summary>A generous wait for the chain (a submit, a stream, the read models behind it) on a shared 2-core machine.</summary>
    public const float ChainWaitMs = 30_000;

    /// <summary>
    /// Onboarding in the resident app at <c>/app/</c>: make a wallet, write down the words (read from the screen), type
    /// two of them back, choose the PIN; ends on the job board. Returns the twelve words. Screenshots with a prefix.
    /// </summary>
    public static async Task<string[]> OnboardResident(IPage page, string pin, string? screenshots = null)
    {
        await page.GotoAsync("/app/");
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Welkom bij Heerlen Munt" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page, "onboarding: welcome");
        if (screenshots is not null) await Screenshots.Save(page, $"{screenshots}-1-welcome");
        await page.GetByRole(AriaRole.Button, new() { Name = "Maak mijn portemonnee" }).ClickAsync();

        var words = (await page.Locator("ol.words li").AllInnerTextsAsync()).Select(w => w.Trim()).ToArray();
        Assert.Equal(12, words.Length);
        await Accessibility.AssertNoSeriousViolations(page, "onboarding: the twelve words");
        if (screenshots is not null) await Screenshots.Save(page, $"{screenshots}-2-words");
        await page.GetByRole(AriaRole.Button, new() { Name = "Ik heb ze opgeschreven" }).ClickAsync();

        await FillAskedWords(page, words);
        await page.GetByLabel("Pincode", new() { Exact = true }).FillAsync(pin);
        await page.GetByLabel("Pincode nog een keer").FillAsync(pin);
        await Accessibility.AssertNoSeriousViolations(page, "onboarding: check and PIN");
        if (screenshots is not null) await Screenshots.Save(page, $"{screenshots}-3-check");
        await page.GetByRole(AriaRole.Button, new() { Name = "Klaar" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Klussen in Heerlen" })).ToBeVisibleAsync(new() { Timeout = ChainWaitMs });
        return words;
    }

    /// <summary>Types the two words the check screen asks for ("Woord 3", "Woord 9").</summary>
    public static async Task FillAskedWords(IPage page, string[] words)
    {
        var labels = (await page.Locator("label").AllInnerTextsAsync()).Where(l => l.StartsWith("Woord ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, labels.Count);
        foreach (var label in labels)
        {
            int n = int.Parse(label["Woord ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            await page.GetByLabel(label, new() { Exact = true }).FillAsync(words[n - 1]);
        }
    }

    /// <summary>The resident's account id, read from the app's "Ik" tab.</summary>
    public static async Task<string> ResidentAccount(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Ik" }).ClickAsync();
        var code = page.Locator("main p.code").First;
        await Assertions.Expect(code).ToContainTextAsync("hm1");
        return (await code.InnerTextAsync()).Trim();
    }

    /// <summary>Adds a key from its twelve words in the till, back office or dashboard (the shared "add a key" screen).</summary>
    public static async Task AddKey(IPage page, string path, string words, string label, string pin)
    {
        await page.GotoAsync(path);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sleutel toevoegen aan dit apparaat" })).ToBeVisibleAsync();
        await Accessibility.AssertNoSeriousViolations(page, $"{path}: add a key");
        await page.GetByLabel("De 12 woorden").FillAsync(words);
        await page.GetByLabel("Naam op dit apparaat").FillAsync(label);
        await page.GetByLabel("Pincode", new() { Exact = true }).FillAsync(pin);
        await page.GetByLabel("Pincode nog een keer").FillAsync(pin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Bewaar op dit apparaat" }).ClickAsync();
    }

    /// <summary>Adds a second key on a device that has one: sign out ("Afsluiten"), "Iemand anders toevoegen", add.</summary>
    public static async Task AddAnotherKey(IPage page, string words, string label, string pin)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Iemand anders toevoegen" }).ClickAsync();
        await page.GetByLabel("De 12 woorden").FillAsync(words);
        await page.GetByLabel("Naam op dit apparaat").FillAsync(label);
        await page.GetByLabel("Pincode", new() { Exact = true }).FillAsync(pin);
        await page.GetByLabel("Pincode nog een keer").FillAsync(pin);
        await page.GetByRole(AriaRole.Button, new() { Name = "Bewaar op dit apparaat" }).ClickAsync();
    }

    /// <summary>Opens a tab of an app's navigation and waits for its heading.</summary>
    public static async Task Tab(IPage page, string link, string heading)
    {
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = link, Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 })).ToBeVisibleAsync(new() { Timeout = ChainWaitMs });
    }

    /// <summary>
    /// The resident earns a reward through the SDK: enrols in an open job (not one officer-bas published, so he may
    /// approve it), reports it done with a photo, and officer-bas approves. Returns the reward in cents.
    /// </summary>
    public static async Task<long> EarnWithAJob(WebServer server, Heerlen.Munt.Client.Wallet wallet)
    {
        var resident = server.Client.As(wallet);
        var officer = server.Client.As(server.Wallet("officer-bas"));
        var board = await server.Client.Jobs.ListJobsAsync(new Heerlen.Munt.Contracts.V1.ListJobsRequest { PageSize = 500 });
        var job = board.Jobs.First(j => j.FreeSlots > 0 && j.RewardCents >= 200 && j.Publisher != officer.Account.ToString());
        var jobId = Heerlen.Munt.Ledger.Commands.JobId.Parse(job.Job_);
        await resident.EnrolAsync(jobId);
        await resident.SubmitCompletionAsync(jobId, TestImage.Png(64, 48), "image/png");
        await officer.ApproveAsync(jobId, resident.Account);
        Assert.True((await resident.BalanceAsync()).BalanceCents >= job.RewardCents);
        return job.RewardCents;
    }
}
