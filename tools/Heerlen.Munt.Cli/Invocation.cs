using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Cli;

/// <summary>
/// One run of one command: its arguments, the connection, who acts, and how to print (text in the chosen language, or
/// JSON). Handlers read every argument first, so a usage error comes before anything is sent.
/// </summary>
internal sealed class Invocation(Arguments args, MuntClient client, Identities identities, TextWriter output, Language language, CancellationToken ct)
{
    // Default values too: a script reading "balanceCents" must find it also when it is 0.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    private MuntActor? _actor;

    /// <summary>The arguments.</summary>
    public Arguments Args { get; } = args;

    /// <summary>The connection.</summary>
    public MuntClient Client { get; } = client;

    /// <summary>Demo names and account ids.</summary>
    public Identities Identities { get; } = identities;

    /// <summary>The language of the tool's words and the server's messages.</summary>
    public Language Language { get; } = language;

    /// <summary>True with <c>--json</c>.</summary>
    public bool Json => Args.Switch("--json");

    /// <summary>Stops the command.</summary>
    public CancellationToken Ct { get; } = ct;

    /// <summary>The acting wallet; bad usage if no one was named.</summary>
    public MuntActor Actor => _actor ??= Client.As(Identities.Actor(Args)
        ?? throw new UsageException("zeg wie het doet: --as NAAM, --phrase-file BESTAND of --secret-file BESTAND", "say who acts: --as NAME, --phrase-file FILE or --secret-file FILE"));

    /// <summary>True if someone was named to act.</summary>
    public bool HasActor => Identities.ActorOptions.Any(o => Args.Option(o) is not null);

    /// <summary>Dutch or English, as asked.</summary>
    public string T(string dutch, string english) => Language == Language.Dutch ? dutch : english;

    // Reading arguments.

    /// <summary>The words after the command; exactly <paramref name="count"/> of them, or bad usage.</summary>
    public string[] Words(int count)
    {
        var words = Args.Words.Skip(1).ToArray();
        if (words.Length < count) throw new UsageException("er ontbreekt iets", "missing arguments");
        if (words.Length > count) throw new UsageException($"te veel argumenten ('{words[count]}')", $"too many arguments ('{words[count]}')");
        return words;
    }

    /// <summary>A required option's value.</summary>
    public string Required(string name) => Args.Option(name) ?? throw new UsageException($"{name} is verplicht", $"{name} is required");

    /// <summary>
    /// An amount as people type it: "12,50", "12.50" or "12" (euros). A comma or a dot is always the decimal mark, with
    /// one or two digits after it; thousands marks are refused, so a slip such as "1,255" is an error rather than
    /// HM 1.255. The ledger core's own parser then reads it (never floating point).
    /// </summary>
    public static Amount ParseAmount(string text)
    {
        string s = text.Trim();
        int mark = s.IndexOfAny([',', '.']);
        bool shape = s.Length > 0 && s.All(c => char.IsAsciiDigit(c) || c is ',' or '.') && mark != 0
            && (mark < 0 || (s.IndexOfAny([',', '.'], mark + 1) < 0 && s.Length - mark - 1 is 1 or 2));
        if (!shape || !Amount.TryParse(s, s.Contains('.') ? Language.English : Language.Dutch, out var amount))
            throw new UsageException($"'{text}' is geen bedrag (bijvoorbeeld 12,50 of 12.50 of 12)", $"'{text}' is not an amount (e.g. 12,50 or 12.50 or 12)");
        if (amount.Cents <= 0 || amount.Cents > Amount.CentsMax)
        {
            var max = new Amount(Amount.CentsMax);
            throw new UsageException($"'{text}': het bedrag moet meer dan nul zijn en hoogstens {max.Format(Language.Dutch)}", $"'{text}': the amount must be more than zero and at most {max.Format(Language.English)}");
        }
        return amount;
    }

    /// <summary>A whole number in a range.</summary>
    public static int ParseNumber(string text, string what, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{what} moet een heel getal van {min} tot en met {max} zijn, niet '{text}'", $"{what} must be a whole number from {min} to {max}, not '{text}'");

    /// <summary>A command id (32 hex digits): a payment, a redemption.</summary>
    public static CommandId ParseCommandId(string text, string what) =>
        CommandId.TryParse(text, out var id) ? id : throw NotAnId(text, what);

    /// <summary>A job id.</summary>
    public static JobId ParseJob(string text) => JobId.TryParse(text, out var id) ? id : throw NotAnId(text, "job");

    private static UsageException NotAnId(string text, string what) =>
        new($"{what} '{text}' is geen nummer van 32 hextekens", $"{what} '{text}' is not an id of 32 hex digits");

    /// <summary>A slug (budget, category, neighbourhood): the chain allows a-z, 0-9 and '-' only, so no personal data fits.</summary>
    public static string ParseSlug(string text, string what)
    {
        string slug = text.Trim().ToLowerInvariant();
        return FieldRules.IsSlug(slug) ? slug : throw new UsageException($"{what} '{text}' mag alleen a-z, 0-9 en '-' bevatten, hoogstens 32 tekens (bijvoorbeeld gms, groen-onderhoud)", $"{what} '{text}' must be 1-32 of a-z, 0-9 and '-' (e.g. gms, groen-onderhoud)");
    }

    /// <summary>An account: <c>hm1…</c> or a demo name.</summary>
    public AccountId ParseAccount(string text) => Identities.Account(text);

    // Printing.

    /// <summary>Prints a line.</summary>
    public void Line(string text = "") => output.WriteLine(text);

    /// <summary>Writes text as it is (e.g. a CSV table, which ends in its own line break).</summary>
    public void Text(string text) => output.Write(text);

    /// <summary>Prints an API message as JSON (the protobuf JSON mapping: int64 as strings, bytes as base64).</summary>
    public void Print(IMessage message) => output.WriteLine(Formatter.Format(message));

    /// <summary>Prints a JSON object.</summary>
    public void Print(JsonObject json) => output.WriteLine(json.ToJsonString());

    /// <summary>An API message as a JSON node, to put in a larger object.</summary>
    public static JsonNode? Node(IMessage message) => JsonNode.Parse(Formatter.Format(message));

    /// <summary>Prints what a submitted command did: the line for people, or JSON with the entry and extra fields.</summary>
    public void Done(Submitted done, string line, JsonObject? extra = null)
    {
        if (Json)
        {
            var json = extra ?? [];
            json["height"] = done.Height;
            json["entryHash"] = done.EntryHash;
            json["retry"] = done.WasRetry;
            Print(json);
            return;
        }
        string where = $"({T("regel", "entry")} {done.Height})";
        Line(line.EndsWith('.') ? $"{line[..^1]} {where}." : $"{line} {where}");
        if (done.WasRetry) Line(T("Dit was al eerder gedaan; er is niets dubbel gebeurd.", "This was done before; nothing was done twice."));
    }

    /// <summary>Prints label-value pairs, aligned.</summary>
    public void Pairs(params (string Label, string Value)[] pairs)
    {
        int width = pairs.Max(p => p.Label.Length);
        foreach (var (label, value) in pairs) Line($"{label.PadRight(width)}  {value}");
    }

    /// <summary>Prints a table with a header row; says <paramref name="empty"/> if there are no rows.</summary>
    public void Table(string[] headers, IEnumerable<string[]> rows, string empty)
    {
        var all = rows.ToList();
        if (all.Count == 0)
        {
            Line(empty);
            return;
        }
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Max(r => r[i].Length))).ToArray();
        string Row(string[] cells) => string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();
        Line(Row(headers));
        foreach (var row in all) Line(Row(row));
    }

    /// <summary>An amount in cents as people read it: "HM 12,50" (nl) or "HM 12.50" (en).</summary>
    public string Money(long cents) => new Amount(cents).Format(Language);

    /// <summary>A moment in Heerlen's local time, or "-" for none.</summary>
    public static string Time(long unixMs) => unixMs <= 0 ? "-" : HeerlenCalendar.Local(unixMs).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Yes or no.</summary>
    public string YesNo(bool value) => value ? T("ja", "yes") : T("nee", "no");
}
