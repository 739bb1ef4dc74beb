using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Modules;
using CampaignScope = Heerlen.Munt.Ledger.Commands.CampaignScope;
using Wallet = Heerlen.Munt.Client.Wallet;

// munt-module: a reference participation module. It talks to the server only through the public gRPC API and the client
// SDK, as a third party's module would. See docs/participation.md.
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // end `serve` cleanly
    stop.Cancel();
};
return await ModuleCli.RunAsync(args, Console.Out, Console.Error, stop.Token);

/// <summary>The commands of <c>munt-module</c>.</summary>
public static class ModuleCli
{
    private const string Usage = """
        munt-module: a participation module for Heerlen Munt (docs/participation.md)

          create --dir DIR --budget B --reward AMOUNT --opens ISO --closes ISO [--scope city|district:SLUG|neighbourhood:SLUG]
                 [--cap N] (--name SLUG | --sensitive) [--bits 2048|3072|4096]
              make the campaign key, open the campaign on the chain (as this module); an officer funds it with `munt fund-campaign`
          issue --dir DIR --person ID --blinded CODE
              sign one blinded token for a person (at most the cap per person; the same code again gets the same answer);
              CODE is what the resident's app shows (base64, with a 4-byte check); prints the answer (base64)
          serve --dir DIR --secret-file FILE [--listen http://127.0.0.1:5090/]
              the desk as an HTTP service for a poll's server: POST /issue {"person","code"} → {"answer"}; GET /campaign.
              Only callers with the secret in FILE (Authorization: Bearer …). Stops with Ctrl-C.
          status --dir DIR
              the campaign as the chain has it, and how many tokens were issued
          close --dir DIR
              close the campaign on the chain (the rest returns to the budget) and destroy the key

        Every command that talks to the server takes --server URL (default http://127.0.0.1:5081) and --phrase-file FILE
        (the module account's twelve words).
        """;

    /// <summary>Runs one command; returns the exit code (0 done, 1 refused, 2 usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }
        var options = Options(args[1..]);
        string Required(string name) => options.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new ArgumentException($"{name} is required");
        try
        {
            switch (args[0])
            {
                case "create": await CreateAsync(options, Required, output, ct); return 0;
                case "issue":
                    var issuer = TokenIssuer.Open(Required("--dir"));
                    byte[] blinded;
                    try
                    {
                        blinded = RewardTokens.ReadDeskCode(Required("--blinded"));
                    }
                    catch (FormatException)
                    {
                        throw new IssueRefusedException("blinded_message_invalid", "De code van de app is niet goed gelezen. Scan hem opnieuw.", "The app's code was not read correctly. Scan it again.");
                    }
                    output.WriteLine(Convert.ToBase64String(issuer.Issue(Required("--person"), blinded, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())));
                    return 0;
                case "serve":
                    string secret = File.ReadAllText(Required("--secret-file")).Trim();
                    if (secret.Length < 16) throw new ArgumentException("the secret in --secret-file must be at least 16 characters");
                    string listen = options.GetValueOrDefault("--listen") ?? "http://127.0.0.1:5090/";
                    if (!Uri.TryCreate(listen, UriKind.Absolute, out var at) || !at.IsLoopback)
                        error.WriteLine("warning: --listen is not a loopback address; the secret and people's numbers travel unencrypted: put a TLS proxy in front");
                    output.WriteLine($"serving campaign {TokenIssuer.Open(Required("--dir")).Terms.Campaign} on {listen}; Ctrl-C stops");
                    await new PollEndpoint(TokenIssuer.Open(Required("--dir")), secret).ServeAsync(listen, ct);
                    return 0;
                case "status": await StatusAsync(options, Required, output, ct); return 0;
                case "close": await CloseAsync(options, Required, output, ct); return 0;
                default: error.WriteLine($"unknown command '{args[0]}'\n\n{Usage}"); return 2;
            }
        }
        catch (IssueRefusedException e)
        {
            error.WriteLine($"{e.Code}: {e.Dutch} / {e.Message}");
            return 1;
        }
        catch (MuntException e)
        {
            error.WriteLine($"{e.Reason}: {e.LocalizedMessage}");
            return 1;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    private static async Task CreateAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, CancellationToken ct)
    {
        string dir = required("--dir");
        bool sensitive = o.ContainsKey("--sensitive");
        string? name = o.GetValueOrDefault("--name");
        if (sensitive == (name is not null)) throw new ArgumentException("give --name SLUG, or --sensitive for a campaign whose name must not be on the chain");
        var (scope, area) = Scope(o.GetValueOrDefault("--scope") ?? "city");
        if (!ushort.TryParse(o.GetValueOrDefault("--cap") ?? "1", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort cap) || cap == 0)
            throw new ArgumentException("--cap is a whole number from 1 to 65535");
        if (!int.TryParse(o.GetValueOrDefault("--bits") ?? "3072", System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int bits) || bits is < 2048 or > 4096)
            throw new ArgumentException("--bits is 2048, 3072 or 4096");
        if (!DateTimeOffset.TryParse(required("--opens"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var opens)
            || !DateTimeOffset.TryParse(required("--closes"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var closes))
            throw new ArgumentException("--opens and --closes are times such as 2026-03-18T07:30:00+01:00");
        string rewardText = required("--reward");
        if (!Amount.TryParse(rewardText, rewardText.Contains(',') ? Heerlen.Munt.Ledger.Language.Dutch : Heerlen.Munt.Ledger.Language.English, out var reward) || reward.Cents <= 0)
            throw new ArgumentException($"'{rewardText}' is not an amount such as 1.00 or 1,00");
        using var client = Client(o);
        var module = client.As(Wallet.Restore(File.ReadAllText(required("--phrase-file")).Trim()));
        var chain = await client.ChainInfoAsync(ct: ct);
        var campaign = CampaignId.New();
        var (issuer, key) = TokenIssuer.Create(dir, chain.ChainId, campaign, opens.ToUnixTimeMilliseconds(), closes.ToUnixTimeMilliseconds(), cap, bits);
        try
        {
            await module.OpenCampaignAsync(campaign, required("--budget"), reward, opens, closes, scope, area, cap, sensitive, name, key, ct);
        }
        catch (MuntRejectedException)
        {
            issuer.Retire(); // recorded as refused: the campaign does not exist, so its key must never sign anything
            throw;
        }
        catch (MuntException e) when (e.IsTransient)
        {
            // Perhaps on the chain after all: keep the key (an officer may fund the campaign) and let the operator look.
            throw new IOException($"could not confirm that campaign {campaign} was opened ({e.Reason}); the key is kept in {dir}. Check with: munt-module status --dir {dir}", e);
        }
        output.WriteLine($"campaign {campaign} opened; key id {key.KeyId} ({key.ModulusBits} bits). An officer funds it: munt fund-campaign {campaign} AMOUNT");
    }

    private static async Task StatusAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, CancellationToken ct)
    {
        var issuer = TokenIssuer.Open(required("--dir"));
        using var client = Client(o);
        var c = await client.CallAsync(x => client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = issuer.Terms.Campaign }, x), null, ct);
        output.WriteLine($"campaign {c.Campaign_} {(c.Sensitive ? "(sensitive)" : c.Name)}: {c.Status}, reward {c.RewardCents} cents, funds {c.FundsCents} cents, rewards paid {c.RewardsPaid}, tokens issued {issuer.Issued.Count}, key {(issuer.Retired ? "destroyed" : c.KeyId)}");
    }

    private static async Task CloseAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, CancellationToken ct)
    {
        var issuer = TokenIssuer.Open(required("--dir"));
        using var client = Client(o);
        var module = client.As(Wallet.Restore(File.ReadAllText(required("--phrase-file")).Trim()));
        try
        {
            await module.CloseCampaignAsync(CampaignId.Parse(issuer.Terms.Campaign), ct);
        }
        catch (MuntException e) when (e.Reason == "campaign_closed")
        {
            // Closed already (by an officer, or an earlier try): retire the key all the same.
        }
        issuer.Retire();
        output.WriteLine($"campaign {issuer.Terms.Campaign} closed; the key is destroyed.");
    }

    private static (CampaignScope Scope, string? Area) Scope(string text) => text.Split(':', 2) switch
    {
        ["city"] => (CampaignScope.City, null),
        ["district", var area] => (CampaignScope.District, area),
        ["neighbourhood", var area] => (CampaignScope.Neighbourhood, area),
        _ => throw new ArgumentException("--scope is city, district:SLUG or neighbourhood:SLUG"),
    };

    private static MuntClient Client(Dictionary<string, string> o) => new(o.GetValueOrDefault("--server") ?? "http://127.0.0.1:5081");

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"unexpected '{args[i]}'");
            bool hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i]] = hasValue ? args[++i] : "";
        }
        return options;
    }
}
