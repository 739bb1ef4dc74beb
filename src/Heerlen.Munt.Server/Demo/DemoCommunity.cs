using System.Text.Json;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Chain;

namespace Heerlen.Munt.Server.Demo;

/// <summary>One demo account: its name, role, id, and keys (twelve words and the secret they give).</summary>
/// <param name="Name">Short name, e.g. <c>sanne</c>.</param>
/// <param name="Role">What it is in the demo: issuer, officer, merchant, resident, auditor.</param>
/// <param name="Account">Its id (hm1…).</param>
/// <param name="Phrase">The BIP39 words (restore in an app or the CLI).</param>
/// <param name="Secret">The derived secret key (hex).</param>
public sealed record DemoAccount(string Name, string Role, string Account, string Phrase, string Secret)
{
    /// <summary>The signing key.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SigningKey Key => SigningKey.FromPhrase(Phrase);
}

/// <summary>The file <c>demo-keys.json</c> in the data directory (mode 600).</summary>
/// <param name="ChainId">The chain the keys belong to.</param>
/// <param name="Warning">A reminder that these are demo keys.</param>
/// <param name="Accounts">The accounts.</param>
public sealed record DemoKeyFile(string ChainId, string Warning, IReadOnlyList<DemoAccount> Accounts)
{
    /// <summary>The file name in the data directory.</summary>
    public const string FileName = "demo-keys.json";

    /// <summary>JSON options for the file.</summary>
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The account with this name.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public DemoAccount this[string name] => Accounts.First(a => a.Name == name);

    /// <summary>Reads the file, or null if there is none.</summary>
    public static DemoKeyFile? Read(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, FileName);
        return File.Exists(path) ? JsonSerializer.Deserialize<DemoKeyFile>(File.ReadAllText(path), Json) : null;
    }
}

/// <summary>
/// The demo community, created on first start of an empty chain (<c>--demo</c>): the issuer opens the chain, two
/// officers and a CBS auditor get their roles, three shops are admitted, five residents open accounts, a budget is
/// minted and jobs are published in Centrum and GMS; one resident has already earned and spent, so history and
/// statements show something. Every step is a real signed command through the sequencer.
/// </summary>
public static class DemoCommunity
{
    /// <summary>The budget line of the demo's jobs.</summary>
    public const string Budget = "klussen-2026";

    private static readonly (string Name, string Role)[] People =
    [
        ("issuer", "issuer"), ("officer-anouk", "officer"), ("officer-bas", "officer"), ("cbs", "auditor"),
        ("bakkerij-bollen", "merchant"), ("fietsenmaker-fons", "merchant"), ("boekhandel-blad", "merchant"),
        ("sanne", "resident"), ("mohammed", "resident"), ("els", "resident"), ("joep", "resident"), ("fatima", "resident"),
    ];

    /// <summary>Where the demo shops are (the same neighbourhoods as the demo jobs).</summary>
    private static readonly Dictionary<string, string> ShopNeighbourhoods = new(StringComparer.Ordinal)
    {
        ["bakkerij-bollen"] = "centrum",
        ["fietsenmaker-fons"] = "gms",
        ["boekhandel-blad"] = "centrum",
    };

    /// <summary>The demo's jobs, with the texts (off the chain) that tell people what to do.</summary>
    private static readonly DemoJob[] Jobs =
    [
        new("zwerfafval", "centrum", 1000, 3, "Zwerfafval prikken op het Pancratiusplein", "Prik een uur lang zwerfafval op en rond het plein. Grijpers en zakken liggen bij de stadswinkel.",
            "Litter picking on Pancratiusplein", "Pick up litter on and around the square for an hour. Grabbers and bags are at the city shop."),
        new("bankje-schilderen", "centrum", 1500, 2, "Bankje schilderen bij de Schelmenhof", "Schuur het bankje en geef het twee lagen groene verf. Verf en kwasten krijgt u van de gemeente.",
            "Paint the bench at the Schelmenhof", "Sand the bench and give it two coats of green paint. The municipality provides paint and brushes."),
        new("groen-onderhoud", "gms", 1250, 4, "Plantsoen wieden in GMS", "Haal het onkruid weg uit het plantsoen langs de Grasbroekerweg en veeg het pad schoon.",
            "Weed the green in GMS", "Remove the weeds from the green along Grasbroekerweg and sweep the path."),
        new("speeltuin-vegen", "gms", 800, 2, "Speeltuin vegen in Meezenbroek", "Veeg de bladeren en het zand van de paden in de speeltuin.",
            "Sweep the playground in Meezenbroek", "Sweep the leaves and sand off the playground's paths."),
    ];

    private sealed record DemoJob(string Category, string Neighbourhood, long Cents, ushort Slots, string Title, string Description, string TitleEn, string DescriptionEn);

    /// <summary>Creates the community if the chain is empty; returns the key file (new or found), or null if the chain already had entries and no key file.</summary>
    public static async Task<DemoKeyFile?> EnsureAsync(MuntRuntime runtime, ILogger log, TimeProvider time, CancellationToken ct = default)
    {
        var existing = DemoKeyFile.Read(runtime.DataDirectory);
        if (runtime.Sequencer.Height > 0) return existing;
        var keys = existing is not null && existing.ChainId == runtime.Chain.ChainId ? existing : CreateKeyFile(runtime);
        string chain = runtime.Chain.ChainId;
        long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
        CommandHeader H(DemoAccount actor) => new(chain, CommandId.New(), actor.Key.PublicKey, Now() + 300_000);
        async Task Do(DemoAccount actor, Command command, string what)
        {
            var result = await runtime.Sequencer.SubmitAsync(SignedCommand.Create(command, actor.Key).Envelope, ct);
            if (!result.Applied) throw new InvalidOperationException($"demo step '{what}' was refused: {Rejections.Code(result.Code)} {result.Detail}");
        }
        AccountId Id(string name) => keys[name].Key.PublicKey;

        var issuer = keys["issuer"];
        await Do(issuer, new EstablishChain(runtime.OperatorKey.PublicKey, Amount.FromEuros(10_000)) { Header = H(issuer) }, "establish");
        foreach (var person in keys.Accounts.Where(a => a.Role != "issuer"))
            await Do(person, new OpenAccount { Header = H(person) }, "open " + person.Name);
        await Do(issuer, new GrantRole(Id("officer-anouk"), Roles.Officer) { Header = H(issuer) }, "officer anouk");
        await Do(issuer, new GrantRole(Id("officer-bas"), Roles.Officer) { Header = H(issuer) }, "officer bas");
        await Do(issuer, new GrantRole(Id("cbs"), Roles.Auditor) { Header = H(issuer) }, "auditor");
        var anouk = keys["officer-anouk"];
        var bas = keys["officer-bas"];
        await Do(anouk, new MintBudget(Budget, Amount.FromEuros(5_000)) { Header = H(anouk) }, "mint");
        foreach (var shop in keys.Accounts.Where(a => a.Role == "merchant"))
            await Do(anouk, new AdmitMerchant(shop.Key.PublicKey, ShopNeighbourhoods[shop.Name]) { Header = H(anouk) }, "admit " + shop.Name);

        long month = Now() + (30L * 86_400_000);
        var ids = new List<JobId>();
        foreach (var job in Jobs)
        {
            var id = JobId.New();
            ids.Add(id);
            await Do(anouk, new PublishJob(id, Budget, job.Category, job.Neighbourhood, new Amount(job.Cents), job.Slots, month) { Header = H(anouk) }, "publish " + job.Category);
            await runtime.JobTexts.SaveAsync(id.ToString(), job.Title, job.Description, job.TitleEn, job.DescriptionEn, anouk.Account, Now(), ct);
        }
        // Sanne has already cleaned up in GMS and bought bread: history, a statement and statistics to look at.
        var sanne = keys["sanne"];
        await Do(sanne, new Enrol(ids[2]) { Header = H(sanne) }, "enrol");
        await Do(sanne, new SubmitCompletion(ids[2], Hash32.Sha256("demo photo: groen-onderhoud GMS"u8)) { Header = H(sanne) }, "submit");
        await Do(bas, new ApproveCompletion(ids[2], sanne.Key.PublicKey) { Header = H(bas) }, "approve");
        await Do(sanne, new Pay(Id("bakkerij-bollen"), new Amount(450), null) { Header = H(sanne) }, "pay");
        await Do(keys["mohammed"], new Enrol(ids[0]) { Header = H(keys["mohammed"]) }, "enrol mohammed");
        log.LogInformation("demo community created: {Accounts} accounts, {Jobs} jobs, keys in {Path}", keys.Accounts.Count, Jobs.Length, Path.Combine(runtime.DataDirectory, DemoKeyFile.FileName));
        return keys;
    }

    private static DemoKeyFile CreateKeyFile(MuntRuntime runtime)
    {
        var accounts = People.Select(p =>
        {
            string phrase = SigningKey.NewPhrase();
            var key = SigningKey.FromPhrase(phrase);
            return new DemoAccount(p.Name, p.Role, key.PublicKey.ToString(), phrase, SecretOf(phrase));
        }).ToList();
        var file = new DemoKeyFile(runtime.Chain.ChainId, "Demo keys only. A real municipality keeps the issuer's and officers' keys offline or in an HSM.", accounts);
        string path = Path.Combine(runtime.DataDirectory, DemoKeyFile.FileName);
        if (File.Exists(path)) File.Delete(path); // keys of another chain id: replaced, the chain they belonged to is not this one
        SecretFile.Write(path, JsonSerializer.Serialize(file, DemoKeyFile.Json));
        return file;
    }

    private static string SecretOf(string phrase) => Convert.ToHexStringLower(SigningKey.FromPhrase(phrase).ExportSecret());
}
