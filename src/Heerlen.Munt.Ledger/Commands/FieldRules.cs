namespace Heerlen.Munt.Ledger.Commands;

/// <summary>
/// What text fields may hold. Kept narrow on purpose: slugs and bank references cannot carry a name,
/// a phone number or an address, so personal data has no place to hide on the chain.
/// </summary>
public static class FieldRules
{
    /// <summary>Longest chain id.</summary>
    public const int ChainIdLengthMax = 64;

    /// <summary>Longest slug (budget, category, a job's or a shop's neighbourhood).</summary>
    public const int SlugLengthMax = 32;

    /// <summary>Longest bank reference (a SEPA end-to-end id has at most 35 characters).</summary>
    public const int BankReferenceLengthMax = 35;

    /// <summary>Chain ids: 1-64 of a-z, 0-9, '-', '.', '/'.</summary>
    public static bool IsChainId(string? s) =>
        s is { Length: > 0 and <= ChainIdLengthMax } && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.' or '/');

    /// <summary>Slugs: 1-32 of a-z, 0-9 and '-', starting with a letter or digit (e.g. <c>gms</c>, <c>groen-onderhoud</c>).</summary>
    public static bool IsSlug(string? s) =>
        s is { Length: > 0 and <= SlugLengthMax } && char.IsAsciiLetterOrDigit(s[0]) && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-');

    /// <summary>Bank references: 1-35 printable ASCII characters, no leading or trailing space.</summary>
    public static bool IsBankReference(string? s) =>
        s is { Length: > 0 and <= BankReferenceLengthMax } && s.All(c => c is >= ' ' and <= '~') && s.Trim() == s;
}
