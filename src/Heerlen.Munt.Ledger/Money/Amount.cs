using System.Globalization;

namespace Heerlen.Munt.Ledger.Money;

/// <summary>
/// An amount of Heerlen Munt in whole euro-cents (1 HM = 1 euro = 100 cents).
/// Money is never floating point: every operation is checked and throws on overflow,
/// because a wrapped balance is a bug that must stop the ledger, not a value.
/// </summary>
public readonly record struct Amount(long Cents) : IComparable<Amount>
{
    /// <summary>Zero cents.</summary>
    public static readonly Amount Zero = new(0);

    /// <summary>Largest amount the ledger accepts in one command: HM 1,000,000,000.00.</summary>
    public const long CentsMax = 100_000_000_000L;

    /// <summary>Makes an amount from whole euros and cents, e.g. <c>FromEuros(12, 50)</c> is HM 12.50.</summary>
    public static Amount FromEuros(long euros, int cents = 0)
    {
        if (cents is < 0 or > 99) throw new ArgumentOutOfRangeException(nameof(cents));
        return new Amount(checked(euros * 100 + (euros < 0 ? -cents : cents)));
    }

    /// <summary>Adds with overflow checking.</summary>
    public static Amount operator +(Amount a, Amount b) => new(checked(a.Cents + b.Cents));

    /// <summary>Subtracts with overflow checking.</summary>
    public static Amount operator -(Amount a, Amount b) => new(checked(a.Cents - b.Cents));

    /// <summary>Multiplies by a count (reward × slots) with overflow checking.</summary>
    public static Amount operator *(Amount a, long count) => new(checked(a.Cents * count));

    /// <inheritdoc />
    public int CompareTo(Amount other) => Cents.CompareTo(other.Cents);

    /// <summary>Compares amounts.</summary>
    public static bool operator <(Amount a, Amount b) => a.Cents < b.Cents;

    /// <summary>Compares amounts.</summary>
    public static bool operator >(Amount a, Amount b) => a.Cents > b.Cents;

    /// <summary>Compares amounts.</summary>
    public static bool operator <=(Amount a, Amount b) => a.Cents <= b.Cents;

    /// <summary>Compares amounts.</summary>
    public static bool operator >=(Amount a, Amount b) => a.Cents >= b.Cents;

    /// <summary>Formats as a person reads it: <c>HM 12,50</c> (nl) or <c>HM 12.50</c> (en).</summary>
    public string Format(Language language)
    {
        char decimalMark = language == Language.Dutch ? ',' : '.';
        char groupMark = language == Language.Dutch ? '.' : ',';
        // Unsigned magnitude so that long.MinValue formats without overflow.
        ulong magnitude = Cents < 0 ? (ulong)(-(Cents + 1)) + 1 : (ulong)Cents;
        string euros = GroupThousands((magnitude / 100).ToString(CultureInfo.InvariantCulture), groupMark);
        string sign = Cents < 0 ? "-" : "";
        return $"HM {sign}{euros}{decimalMark}{magnitude % 100:00}";
    }

    /// <summary>English format, for logs and developers.</summary>
    public override string ToString() => Format(Language.English);

    /// <summary>
    /// Reads an amount as people type it: "12,50", "12.50", "HM 12,50", "1.250,00" (nl), "1,250.00" (en), "12".
    /// The language decides which mark is the decimal one when both could be meant.
    /// Returns false for anything else: more than two decimals, letters, empty input, overflow.
    /// </summary>
    public static bool TryParse(string? text, Language language, out Amount amount)
    {
        amount = Zero;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 40) return false;
        string s = text.Trim();
        if (s.StartsWith("HM", StringComparison.OrdinalIgnoreCase)) s = s[2..].TrimStart();
        bool negative = s.StartsWith('-');
        if (negative) s = s[1..];
        if (s.Length == 0) return false;

        char decimalMark = language == Language.Dutch ? ',' : '.';
        char groupMark = language == Language.Dutch ? '.' : ',';
        string whole = s, fraction = "";
        int decimalAt = s.LastIndexOf(decimalMark);
        if (decimalAt >= 0)
        {
            whole = s[..decimalAt];
            fraction = s[(decimalAt + 1)..];
            if (fraction.Length is 0 or > 2) return false;
        }
        if (!TryParseWhole(whole, groupMark, out long euros)) return false;
        if (!fraction.All(char.IsAsciiDigit)) return false;
        long cents = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(2, '0'), CultureInfo.InvariantCulture);
        try
        {
            long total = checked(euros * 100 + cents);
            amount = new Amount(negative ? -total : total);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static bool TryParseWhole(string whole, char groupMark, out long euros)
    {
        euros = 0;
        if (whole.Length == 0) return false;
        string[] groups = whole.Split(groupMark);
        // Group marks are optional, but where used every group after the first has exactly three digits.
        if (groups.Length > 1 && (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3))) return false;
        string digits = string.Concat(groups);
        if (!digits.All(char.IsAsciiDigit)) return false;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out euros);
    }

    private static string GroupThousands(string digits, char groupMark)
    {
        if (digits.Length <= 3) return digits;
        var chars = new System.Text.StringBuilder(digits.Length + digits.Length / 3);
        int lead = digits.Length % 3;
        for (int i = 0; i < digits.Length; i++)
        {
            if (i > 0 && (i - lead) % 3 == 0) chars.Append(groupMark);
            chars.Append(digits[i]);
        }
        return chars.ToString();
    }
}
