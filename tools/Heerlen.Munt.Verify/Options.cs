using System.Text.Json;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Verify;

/// <summary>Bad usage: a wrong option, a missing file name, a key file that is no key (exit code 2).</summary>
internal sealed class UsageException(string dutch, string english) : Exception(english)
{
    /// <summary>The same reason in plain Dutch.</summary>
    public string Dutch { get; } = dutch;
}

/// <summary>The command line, parsed.</summary>
internal sealed class Options
{
    private static readonly string[] ValueOptions = ["--server", "--secret-file", "--phrase-file", "--as", "--data", "--account", "--state", "--operator-key", "--lang", "--period", "--as-of", "--k", "--format", "--out"];
    private static readonly string[] Flags = ["--json", "--no-state", "--quiet", "--managed", "--help", "-h"];
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    /// <summary>verify, stats or help.</summary>
    public string Command { get; private set; } = "verify";

    /// <summary>Export files, in order.</summary>
    public List<string> Files { get; } = [];

    /// <summary>The language of the tool's words.</summary>
    public Language Language { get; private set; } = Language.Dutch;

    /// <summary>Parses; throws <see cref="UsageException"/> on anything unknown.</summary>
    public static Options Parse(IReadOnlyList<string> args)
    {
        var o = new Options();
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            if (ValueOptions.Contains(a))
            {
                if (i + 1 >= args.Count) throw new UsageException($"{a} vraagt een waarde", $"{a} needs a value");
                if (!o._values.TryAdd(a, args[++i])) throw new UsageException($"{a} staat er twee keer", $"{a} is given twice");
            }
            else if (Flags.Contains(a)) o._flags.Add(a);
            else if (a.StartsWith('-') && a != "-") throw new UsageException($"onbekende optie {a} (zie munt-verify help)", $"unknown option {a} (see munt-verify help)");
            else if (i == 0 && a is "verify" or "stats" or "help") o.Command = a;
            else o.Files.Add(a);
        }
        if (o.Flag("--help") || o.Flag("-h")) o.Command = "help";
        o.Language = o.Value("--lang") switch
        {
            null or "nl" => Language.Dutch,
            "en" => Language.English,
            string other => throw new UsageException($"--lang {other}: kies nl of en", $"--lang {other}: choose nl or en"),
        };
        if (o.Command != "help")
        {
            if (o.Files.Count > 0 && o.Server is not null) throw new UsageException("geef exportbestanden óf --server, niet allebei", "give export files or --server, not both");
            if (o.Files.Count == 0 && o.Server is null) throw new UsageException("geef een exportbestand of --server URL (zie munt-verify help)", "give an export file or --server URL (see munt-verify help)");
            if (o.Flag("--no-state") && o.Value("--state") is not null) throw new UsageException("--state en --no-state gaan niet samen", "--state and --no-state do not go together");
        }
        return o;
    }

    /// <summary>A value option, or null.</summary>
    public string? Value(string name) => _values.TryGetValue(name, out var v) ? v : null;

    /// <summary>True if the flag is given.</summary>
    public bool Flag(string name) => _flags.Contains(name);

    /// <summary>The server address, or null.</summary>
    public string? Server => Value("--server");

    /// <summary>JSON for machines.</summary>
    public bool Json => Flag("--json");

    /// <summary>A whole number option.</summary>
    public long? Number(string name, long min, long max)
    {
        if (Value(name) is not { } text) return null;
        if (!long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n) || n < min || n > max)
            throw new UsageException($"{name} {text}: geef een heel getal van {min} tot {max}", $"{name} {text}: give a whole number from {min} to {max}");
        return n;
    }

    /// <summary>The pinned operator key, if given.</summary>
    public AccountId? OperatorKey()
    {
        if (Value("--operator-key") is not { } text) return null;
        if (AccountId.TryParse(text, out var id)) return id;
        if (text.Length == 64 && text.All(char.IsAsciiHexDigit)) return new AccountId(Convert.FromHexString(text));
        throw new UsageException($"--operator-key {text}: geef 64 hextekens", $"--operator-key {text}: give 64 hex digits");
    }

    /// <summary>The auditor's key for reading a live server, or null.</summary>
    public SigningKey? AuditorKey()
    {
        string? secretFile = Value("--secret-file"), phraseFile = Value("--phrase-file"), name = Value("--as");
        int given = (secretFile is null ? 0 : 1) + (phraseFile is null ? 0 : 1) + (name is null ? 0 : 1);
        if (given > 1) throw new UsageException("geef één van --secret-file, --phrase-file, --as", "give one of --secret-file, --phrase-file, --as");
        try
        {
            if (secretFile is not null) return SigningKey.FromSecret(Convert.FromHexString(ReadSecret(secretFile)));
            if (phraseFile is not null) return SigningKey.FromPhrase(ReadSecret(phraseFile));
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new UsageException($"in {secretFile ?? phraseFile} staat geen geldige sleutel ({e.Message})", $"{secretFile ?? phraseFile} does not hold a valid key ({e.Message})");
        }
        return name is null ? null : DemoKey(name);
    }

    private SigningKey DemoKey(string name)
    {
        string path = Path.Combine(Value("--data") ?? Environment.GetEnvironmentVariable("HEERLEN_MUNT_DATA") ?? "data", "demo-keys.json");
        if (!File.Exists(path)) throw new UsageException($"{path} bestaat niet (--data DIR wijst naar de map van de server)", $"{path} does not exist (--data DIR names the server's data directory)");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var account in doc.RootElement.GetProperty("accounts").EnumerateArray())
        {
            if (account.GetProperty("name").GetString() == name)
                return SigningKey.FromSecret(Convert.FromHexString(account.GetProperty("secret").GetString() ?? ""));
        }
        throw new UsageException($"geen demo-account '{name}' in {path}", $"no demo account '{name}' in {path}");
    }

    private static string ReadSecret(string path)
    {
        if (!File.Exists(path)) throw new UsageException($"{path} bestaat niet", $"{path} does not exist");
        return File.ReadAllText(path).Trim();
    }
}
