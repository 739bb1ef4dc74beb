using Microsoft.Playwright;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>Using a page as someone without a mouse does: Tab to move, Enter to act.</summary>
public static class KeyboardOnly
{
    /// <summary>How many Tab presses are tried before giving up (a page with more stops than this is a finding in itself).</summary>
    public const int TabsMax = 60;

    /// <summary>
    /// Presses Tab until the focused element's accessible name (aria-label, aria-labelledby, or its text) matches
    /// <paramref name="name"/> (case-insensitive, contained), at most <paramref name="tabsMax"/> times; returns the number
    /// of presses it took. Fails listing the names it passed.
    /// </summary>
    public static async Task<int> TabTo(IPage page, string name, int tabsMax = TabsMax)
    {
        var passed = new List<string>();
        for (int presses = 1; presses <= tabsMax; presses++)
        {
            await page.Keyboard.PressAsync("Tab");
            string focused = await FocusedName(page);
            if (focused.Contains(name, StringComparison.OrdinalIgnoreCase)) return presses;
            passed.Add(focused);
        }
        Assert.Fail($"after {tabsMax} presses of Tab nothing named '{name}' had focus; focus went to: {string.Join(" | ", passed)}");
        return -1;
    }

    /// <summary>Tabs to the element named <paramref name="name"/> (see <see cref="TabTo"/>) and presses Enter on it.</summary>
    public static async Task Activate(IPage page, string name, int tabsMax = TabsMax)
    {
        await TabTo(page, name, tabsMax);
        await page.Keyboard.PressAsync("Enter");
    }

    /// <summary>The accessible name of the focused element, roughly as a screen reader computes it (label, labelledby, alt, title, text); "" for none.</summary>
    public static Task<string> FocusedName(IPage page) => page.EvaluateAsync<string>("""
        () => {
          const e = document.activeElement;
          if (!e || e === document.body) return '';
          const byIds = (e.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)
            .map((id) => document.getElementById(id)?.textContent || '').join(' ');
          const labels = e.labels ? Array.from(e.labels).map((l) => l.textContent || '').join(' ') : '';
          const name = e.getAttribute('aria-label') || byIds || labels || e.getAttribute('alt') || e.getAttribute('title')
            || e.textContent || e.getAttribute('placeholder') || '';
          return name.replace(/\s+/g, ' ').trim();
        }
        """);
}
