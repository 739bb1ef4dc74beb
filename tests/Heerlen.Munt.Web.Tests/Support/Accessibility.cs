using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>axe-core (Deque) on the page as it is now, with the rules of WCAG 2.0 and 2.1, levels A and AA.</summary>
public static class Accessibility
{
    /// <summary>The axe tags of WCAG 2.0 and 2.1, A and AA: what the apps promise (docs/apps.md).</summary>
    public static readonly IReadOnlyList<string> WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

    /// <summary>
    /// Fails listing every serious or critical violation (rule id, impact, help, and the selectors of the elements);
    /// minor and moderate ones are written to the test's output. <paramref name="name"/> says which screen was checked.
    /// </summary>
    public static async Task AssertNoSeriousViolations(IPage page, string name)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
        });
        var session = PageSession.Of(page);
        var serious = new List<string>();
        foreach (var violation in result.Violations)
        {
            string text = Describe(violation);
            if (violation.Impact is "serious" or "critical") serious.Add(text);
            else session?.Log($"[axe {name}] {text}");
        }
        session?.Log($"[axe {name}] {result.Passes.Length} rules passed, {result.Violations.Length} violated ({serious.Count} serious or critical), {result.Incomplete.Length} to check by hand");
        Assert.True(serious.Count == 0, $"axe found {serious.Count} serious or critical WCAG 2.1 AA violations on {name} ({page.Url}):\n" + string.Join("\n", serious));
    }

    private static string Describe(AxeResultItem violation)
    {
        var targets = violation.Nodes.Select(n => n.Target?.ToString() ?? n.Html);
        return $"- {violation.Id} ({violation.Impact}): {violation.Help} [{string.Join(", ", targets)}] {violation.HelpUrl}";
    }
}
