using Grpc.Core;
using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Server.Api;

/// <summary>Which language a caller wants: English if its <c>accept-language</c> prefers it, otherwise Dutch (the city's language).</summary>
public static class Languages
{
    /// <summary>Reads <c>accept-language</c> (HTTP header, or gRPC metadata of the same name).</summary>
    public static Language Of(ServerCallContext context) => Parse(context.RequestHeaders.GetValue("accept-language"));

    /// <summary>The first language tag decides: "en", "en-GB" give English; anything else (or nothing) Dutch.</summary>
    public static Language Parse(string? acceptLanguage)
    {
        if (string.IsNullOrWhiteSpace(acceptLanguage)) return Language.Dutch;
        // Highest q first; equal q keeps the order given.
        var best = acceptLanguage.Split(',')
            .Select((part, index) =>
            {
                var pieces = part.Split(';');
                double q = 1;
                foreach (var p in pieces.Skip(1))
                {
                    var kv = p.Trim();
                    if (kv.StartsWith("q=", StringComparison.Ordinal) && double.TryParse(kv[2..], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)) q = v;
                }
                return (Tag: pieces[0].Trim().ToLowerInvariant(), Q: q, Index: index);
            })
            .Where(x => x.Tag.Length > 0 && x.Q > 0)
            .OrderByDescending(x => x.Q).ThenBy(x => x.Index)
            .FirstOrDefault();
        return best.Tag is not null && (best.Tag == "en" || best.Tag.StartsWith("en-", StringComparison.Ordinal)) ? Language.English : Language.Dutch;
    }
}
