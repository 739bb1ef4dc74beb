using System.Globalization;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Client;

/// <summary>
/// What a till's QR code says: <c>heerlenmunt:pay?chain=…&amp;merchant=hm1…&amp;amount=1250&amp;request=…&amp;code=…</c>
/// (docs/api.md, "Payment requests").
/// </summary>
/// <param name="ChainId">The chain.</param>
/// <param name="Merchant">The shop to pay.</param>
/// <param name="Amount">The amount asked.</param>
/// <param name="Request">The payment request's id.</param>
/// <param name="ShortCode">The code to type instead.</param>
public sealed record PaymentQr(string ChainId, AccountId Merchant, Amount Amount, PaymentRequestId Request, string ShortCode)
{
    /// <summary>The URI scheme and path.</summary>
    public const string Prefix = "heerlenmunt:pay?";

    /// <summary>Reads a QR payload; false for anything that is not a complete, well-formed one.</summary>
    public static bool TryParse(string? payload, out PaymentQr? qr)
    {
        qr = null;
        if (payload is null || !payload.StartsWith(Prefix, StringComparison.Ordinal) || payload.Length > 512) return false;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in payload[Prefix.Length..].Split('&'))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !fields.TryAdd(pair[..eq], Uri.UnescapeDataString(pair[(eq + 1)..]))) return false;
        }
        if (!fields.TryGetValue("chain", out var chain) || !FieldRules.IsChainId(chain)) return false;
        if (!fields.TryGetValue("merchant", out var merchantText) || !AccountId.TryParse(merchantText, out var merchant)) return false;
        if (!fields.TryGetValue("amount", out var amountText) || !long.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out long cents) || cents <= 0 || cents > Amount.CentsMax) return false;
        if (!fields.TryGetValue("request", out var requestText) || !PaymentRequestId.TryParse(requestText, out var request)) return false;
        qr = new PaymentQr(chain, merchant, new Amount(cents), request, fields.GetValueOrDefault("code", ""));
        return true;
    }

    /// <summary>Reads a QR payload or throws <see cref="FormatException"/>.</summary>
    public static PaymentQr Parse(string payload) => TryParse(payload, out var qr) ? qr! : throw new FormatException("not a Heerlen Munt payment QR code");
}
