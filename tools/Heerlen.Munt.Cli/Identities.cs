using System.Text.Json;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;

namespace Heerlen.Munt.Cli;

/// <summary>
/// Who acts: a demo account by name (<c>demo-keys.json</c> in the server's data directory), twelve words in a file, or
/// a hex secret in a file. Secrets are read from files only: a command line is visible to every user of the machine
/// (<c>ps</c>) and ends up in shell history.
/// </summary>
internal sealed class Identities(string dataDirectory, TextWriter error, Language language)
{
    /// <summary>The options that say who acts.</summary>
    public static readonly string[] ActorOptions = ["--as", "--phrase-file", "--secret-file"];

    private DemoKeys? _demo;

    /// <summary>The file with the demo's keys.</summary>
    public string DemoKeyPath => Path.GetFullPath(Path.Combine(dataDirectory, "demo-keys.json"));

    /// <summary>The wallet the options name, or null when none is named; two at once is bad usage.</summary>
    public Wallet? Actor(Arguments args) => Load(args, "--as", "--phrase-file", "--secret-file");

    /// <summary>The second officer of a four-eyes mint, or null.</summary>
    public Wallet? Cosigner(Arguments args) => Load(args, "--cosigner-as", "--cosigner-phrase-file", null);

    /// <summary>An account id: <c>hm1…</c>, or the name of a demo account (handy with the demo community).</summary>
    public AccountId Account(string text)
    {
        if (AccountId.TryParse(text, out var id)) return id;
        if (text.StartsWith("hm1", StringComparison.OrdinalIgnoreCase) || !File.Exists(DemoKeyPath))
            throw new UsageException($"'{text}' is geen accountnummer (hm1…, 61 tekens)", $"'{text}' is not an account id (hm1…, 61 characters)");
        return DemoWallet(text).Account;
    }

    private Wallet? Load(Arguments args, string nameOption, string phraseOption, string? secretOption)
    {
        string? name = args.Option(nameOption), phraseFile = args.Option(phraseOption), secretFile = secretOption is null ? null : args.Option(secretOption);
        int given = (name is null ? 0 : 1) + (phraseFile is null ? 0 : 1) + (secretFile is null ? 0 : 1);
        string options = $"{nameOption}, {phraseOption}{(secretOption is null ? "" : ", " + secretOption)}";
        if (given > 1) throw new UsageException($"geef één van {options}, niet meer", $"give one of {options}, not more");
        if (name is not null) return DemoWallet(name);
        if (phraseFile is not null)
        {
            string words = ReadSecretFile(phraseFile);
            try
            {
                return Wallet.Restore(words);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new UsageException($"in {phraseFile} staan geen twaalf geldige woorden ({e.Message})", $"{phraseFile} does not hold twelve valid words ({e.Message})");
            }
        }
        if (secretFile is not null)
        {
            string hex = ReadSecretFile(secretFile);
            try
            {
                return Wallet.FromSecret(hex);
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new UsageException($"in {secretFile} staat geen geheime sleutel (64 hextekens)", $"{secretFile} does not hold a secret key (64 hex digits)");
            }
        }
        return null;
    }

    private Wallet DemoWallet(string name)
    {
        var keys = _demo ??= DemoKeys.Read(DemoKeyPath);
        var accounts = keys.Accounts ?? [];
        var account = accounts.FirstOrDefault(a => a.Name == name)
            ?? throw new UsageException($"geen demo-account '{name}' in {DemoKeyPath} (wel: {Names(accounts)})", $"no demo account '{name}' in {DemoKeyPath} (there are: {Names(accounts)})");
        return account.Phrase is { Length: > 0 } phrase ? Wallet.Restore(phrase) : Wallet.FromSecret(account.Secret ?? "");
    }

    private static string Names(IEnumerable<DemoAccount> accounts) => string.Join(", ", accounts.Select(a => a.Name));

    private string ReadSecretFile(string path)
    {
        string text = ReadFile(path);
        // Like ssh with a private key: say so when others can read it, but go on (the user may know why).
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
            error.WriteLine(language == Language.Dutch
                ? $"let op: andere gebruikers kunnen {path} lezen; chmod 600 {path}"
                : $"warning: {path} can be read by other users; chmod 600 {path}");
        return text;
    }

    /// <summary>Reads a text file, or says in a usage error why it cannot.</summary>
    public static string ReadFile(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"kan {path} niet lezen: {e.Message}", $"cannot read {path}: {e.Message}");
        }
    }

    private sealed record DemoAccount(string Name, string? Role, string? Account, string? Phrase, string? Secret);

    private sealed record DemoKeys(string? ChainId, IReadOnlyList<DemoAccount>? Accounts)
    {
        private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

        public static DemoKeys Read(string path)
        {
            if (!File.Exists(path)) throw new UsageException($"geen demosleutels in {path}: start de server met --demo, of geef --data MAP (de datamap van de server)", $"no demo keys at {path}: start the server with --demo, or give --data DIR (the server's data directory)");
            try
            {
                return JsonSerializer.Deserialize<DemoKeys>(ReadFile(path), Json) ?? throw new JsonException("empty");
            }
            catch (JsonException e)
            {
                throw new UsageException($"{path} is geen bestand met demosleutels ({e.Message})", $"{path} is not a demo key file ({e.Message})");
            }
        }
    }
}
