using System.Security.Cryptography;

namespace Heerlen.Munt.Server.Chain;

/// <summary>
/// A shop's payment request (the QR code at the till), kept off the chain in PostgreSQL. The chain only ever sees its
/// id, inside the resident's Pay command; whether it was paid is read from the chain (<see cref="ChainView.PaymentsFor"/>).
/// </summary>
public sealed class PaymentRequestRecord
{
    /// <summary>The request id (32 hex digits).</summary>
    public string Id { get; set; } = "";

    /// <summary>The code a resident can type (8 characters, see <see cref="ShortCodes"/>).</summary>
    public string ShortCode { get; set; } = "";

    /// <summary>The shop (hm1…).</summary>
    public string Merchant { get; set; } = "";

    /// <summary>The amount asked.</summary>
    public long AmountCents { get; set; }

    /// <summary>When it was made (unix ms).</summary>
    public long CreatedAtMs { get; set; }

    /// <summary>When it stops being valid (unix ms).</summary>
    public long ExpiresAtMs { get; set; }
}

/// <summary>Short codes people can read aloud and type: 8 characters without look-alikes (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).</summary>
public static class ShortCodes
{
    /// <summary>The alphabet: 25 characters, about 37 bits in 8 of them.</summary>
    public const string Alphabet = "34679ACDEFGHJKMNPQRTUVWXY";

    /// <summary>A fresh random code.</summary>
    public static string New()
    {
        Span<char> code = stackalloc char[8];
        for (int i = 0; i < code.Length; i++) code[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(code);
    }

    /// <summary>What a person typed, made comparable: upper case, spaces and dashes dropped.</summary>
    public static string Normalise(string typed) =>
        new(typed.Where(c => c is not (' ' or '-')).Select(char.ToUpperInvariant).ToArray());
}
