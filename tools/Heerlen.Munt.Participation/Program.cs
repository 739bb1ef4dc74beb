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
return await ModuleCli.RunAsync(args, Console.Out, Console.Error, stop.Token, terminal: !Console.IsOutputRedirected);

/// <summary>The commands of <c>munt-module</c>.</summary>
public static class ModuleCli
{
    private const string Usage = """
        munt-module: a participation module for Heerlen Munt (docs/participation.md)

          create --dir DIR --budget B --reward AMOUNT --opens ISO --closes ISO [--issue-until ISO]
                 [--scope city|district:SLUG|neighbourhood:SLUG] [--cap N] (--name SLUG | --sensitive) [--bits 2048|3072|4096]
              make the campaign key, open the campaign on the chain (as this module); an officer funds it in the back office
              or with `munt fund-campaign`. Times carry their offset (2026-03-18T07:30:00+01:00). The desk stops issuing at
              --issue-until (default: 48 hours before --closes, or halfway through a window shorter than four days), so
              every voucher can still be handed in after it.
          issue (--dir DIR | --desk URL --secret-file FILE) --person ID --blinded CODE [--qr] [--offline]
              sign one blinded token for a person (at most the cap per person; the same code again gets the same answer);
              CODE is what the resident's app shows (base64, with a 4-byte check); prints the answer (base64), and on a
              terminal (or with --qr) also as a QR code for the app to scan. First asks the campaign's server whether the
              campaign is still open (a closed one is refused; `close` then destroys the key); --offline, or no answer in
              3 s, signs by the folder's terms alone. With --desk, a polling station asks the campaign's one desk (`serve`, e.g. at the town hall
              behind TLS) instead of holding the key itself.
          serve --dir DIR --secret-file FILE [--listen http://127.0.0.1:5090/]
              the desk as an HTTP service for a poll's server: POST /issue {"person","code"} → {"answer"}; GET /campaign.
              Only callers with the secret in FILE (Authorization: Bearer …). Stops with Ctrl-C.
          status --dir DIR
              the campaign as the chain has it, and how many tokens were issued
          close --dir DIR
              close the campaign on the chain (the rest returns to the budget) and destroy the key

        Every command that talks to the server takes --server URL (default: the one the campaign was created on, else
        http://127.0.0.1:5081) and --phrase-file FILE (the module account's twelve words).
        """;

    private const long Hour = 3_600_000;

    /// <summary>Runs one command; returns the exit code (0 done, 1 refused, 2 usage). <paramref name="terminal"/>: the output is a terminal (a QR code is drawn).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken ct = default, bool terminal = false)
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
                case "issue": await IssueAsync(options, Required, output, error, terminal, ct); return 0;
                case "serve":
                    if (!System.Net.HttpListener.IsSupported) throw new PlatformNotSupportedException("serve needs HttpListener");
                    string secret = File.ReadAllText(Required("--secret-file")).Trim();
                    if (secret.Length < 16) throw new ArgumentException("the secret in --secret-file must be at least 16 characters");
                    string listen = options.GetValueOrDefault("--listen") ?? "http://127.0.0.1:5090/";
                    if (!Uri.TryCreate(listen, UriKind.Absolute, out var at) || !at.IsLoopback)
                        error.WriteLine("warning: --listen is not a loopback address; the secret and people's numbers travel unencrypted: put a TLS proxy in front");
                    var served = TokenIssuer.Open(Required("--dir"));
                    using (var client = Client(options, served))
                    using (var watch = new CampaignWatch(client))
                    {
                        output.WriteLine($"serving campaign {served.Terms.Campaign} on {listen}; Ctrl-C stops");
                        await new PollEndpoint(served, secret, watch: watch).ServeAsync(listen, ct);
                    }
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
        catch (System.Net.HttpListenerException e)
        {
            error.WriteLine($"cannot listen there: {e.Message} (is another program using that port, or is --listen not an address like http://127.0.0.1:5090/?)");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException or InvalidDataException or PlatformNotSupportedException)
        {
            error.WriteLine(e.Message);
            return 2;
        }
    }

    /// <summary>
    /// The desk signs one voucher. What the desk worker can get wrong (no number typed, a code not read) is answered like
    /// any refusal, with a code and the reason in Dutch and English; first the chain is asked whether the campaign is open.
    /// </summary>
    private static async Task IssueAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, TextWriter error, bool terminal, CancellationToken ct)
    {
        if (o.ContainsKey("--desk"))
        {
            string remote = await IssueAtDeskAsync(required("--desk"), File.ReadAllText(required("--secret-file")).Trim(), o.GetValueOrDefault("--person") ?? "", o.GetValueOrDefault("--blinded") ?? "", ct);
            ShowAnswer(remote, o, output, error, terminal);
            return;
        }
        var issuer = TokenIssuer.Open(required("--dir"));
        string person = o.GetValueOrDefault("--person") is { Length: > 0 } p ? p : throw IssueRefusedException.PersonMissing();
        byte[] blinded;
        try
        {
            blinded = RewardTokens.ReadDeskCode(o.GetValueOrDefault("--blinded") ?? "");
        }
        catch (FormatException)
        {
            throw IssueRefusedException.CodeMisread();
        }
        if (o.ContainsKey("--offline"))
        {
            error.WriteLine("--offline: not asking the chain whether the campaign is still open; signing by the folder's terms");
        }
        else if (issuer.Terms.Server is null && !o.ContainsKey("--server"))
        {
            error.WriteLine("this folder does not say which server its campaign is on (made by an older munt-module): give --server to check the campaign is still open");
        }
        else
        {
            using var client = Client(o, issuer);
            using var watch = new CampaignWatch(client);
            if (await watch.CheckAsync(issuer, ct) is { } warning) error.WriteLine(warning);
        }
        string answer = Convert.ToBase64String(issuer.Issue(person, blinded, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        ShowAnswer(answer, o, output, error, terminal);
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
        var opens = Time(required("--opens"), "--opens");
        var closes = Time(required("--closes"), "--closes");
        if (closes <= opens) throw new ArgumentException("--closes must be after --opens");
        long window = closes.ToUnixTimeMilliseconds() - opens.ToUnixTimeMilliseconds();
        // Room to hand in after the last voucher: an app waits up to 48 hours at random before it hands one in.
        long issueUntil = o.GetValueOrDefault("--issue-until") is { } until ? Time(until, "--issue-until").ToUnixTimeMilliseconds()
            : window >= 96 * Hour ? closes.ToUnixTimeMilliseconds() - 48 * Hour : opens.ToUnixTimeMilliseconds() + window / 2;
        if (issueUntil <= opens.ToUnixTimeMilliseconds() || issueUntil > closes.ToUnixTimeMilliseconds())
            throw new ArgumentException("--issue-until must be after --opens and no later than --closes");
        string rewardText = required("--reward");
        if (!Amount.TryParse(rewardText, rewardText.Contains(',') ? Heerlen.Munt.Ledger.Language.Dutch : Heerlen.Munt.Ledger.Language.English, out var reward) || reward.Cents <= 0)
            throw new ArgumentException($"'{rewardText}' is not an amount such as 1.00 or 1,00");
        // What the ledger would refuse, said before a key is made for nothing.
        string budget = required("--budget");
        if (!FieldRules.IsSlug(budget)) throw new ArgumentException($"--budget '{budget}' is not a budget line's name: 1-32 of a-z, 0-9 and '-'");
        if (name is not null && !FieldRules.IsSlug(name)) throw new ArgumentException($"--name '{name}' is not a slug: 1-32 of a-z, 0-9 and '-', e.g. stemmen-2026");
        if (area is not null && !FieldRules.IsSlug(area)) throw new ArgumentException($"--scope area '{area}' is not a slug: 1-32 of a-z, 0-9 and '-'");
        string server = o.GetValueOrDefault("--server") ?? DefaultServer;
        using var client = Client(o, null);
        var module = client.As(Wallet.Restore(File.ReadAllText(required("--phrase-file")).Trim()));
        var chain = await client.ChainInfoAsync(ct: ct);
        var campaign = CampaignId.New();
        var (issuer, key) = TokenIssuer.Create(dir, chain.ChainId, campaign, opens.ToUnixTimeMilliseconds(), closes.ToUnixTimeMilliseconds(), cap, bits, issueUntil, server);
        try
        {
            await module.OpenCampaignAsync(campaign, budget, reward, opens, closes, scope, area, cap, sensitive, name, key, ct);
        }
        catch (Exception e) when (e is MuntRejectedException or ArgumentException
            || e is MuntException { Status: Grpc.Core.StatusCode.InvalidArgument or Grpc.Core.StatusCode.FailedPrecondition or Grpc.Core.StatusCode.PermissionDenied or Grpc.Core.StatusCode.Unauthenticated or Grpc.Core.StatusCode.NotFound })
        {
            // Refused (recorded as such, or refused before it was stored) or never sent: the campaign does not exist, so its
            // key must never sign anything, and the folder is free for the next try.
            issuer.Discard();
            throw;
        }
        catch (Exception e) when (e is MuntException or OperationCanceledException)
        {
            // Perhaps on the chain after all: keep the key (an officer may fund the campaign) and let the operator look.
            throw new IOException($"could not confirm that campaign {campaign} was opened ({(e as MuntException)?.Reason ?? "stopped"}); the key is kept in {dir}. Check with: munt-module status --dir {dir}", e);
        }
        output.WriteLine($"campaign {campaign} opened; key id {key.KeyId} ({key.ModulusBits} bits); the desk issues until {DateTimeOffset.FromUnixTimeMilliseconds(issueUntil):u}. "
            + $"An officer funds it in the back office (Acties) or: munt fund-campaign {campaign} AMOUNT");
    }

    /// <summary>
    /// The answer as text, with its QR code above it on a terminal (or with --qr). A 3072-bit key's answer is a QR code of
    /// 85 columns and 43 lines: a window smaller than that cuts it, so the desk worker is told how big to make it.
    /// </summary>
    private static void ShowAnswer(string answer, Dictionary<string, string> o, TextWriter output, TextWriter error, bool terminal)
    {
        if (terminal || o.ContainsKey("--qr"))
        {
            string drawn = TerminalQr.Draw(answer);
            string[] lines = drawn.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            int width = lines[0].Count(c => c == '\u2580');
            output.Write(drawn);
            if (terminal && WindowTooSmall(width, lines.Length + 2))
                error.WriteLine($"the QR code needs a window of at least {width} columns and {lines.Length + 2} lines; make this one bigger (or smaller the font) to scan it, or copy the text");
        }
        output.WriteLine(answer);
    }

    private static bool WindowTooSmall(int columns, int rows)
    {
        try
        {
            return Console.WindowWidth < columns || Console.WindowHeight < rows;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            return false; // no console window to measure
        }
    }

    /// <summary>
    /// A station without the key asks the campaign's one desk (<see cref="PollEndpoint"/>, behind TLS) to sign: the same
    /// list and the same key for every station. Its refusals come back with their code and both languages.
    /// </summary>
    private static async Task<string> IssueAtDeskAsync(string desk, string secret, string person, string code, CancellationToken ct)
    {
        if (!Uri.TryCreate(desk.EndsWith('/') ? desk : desk + "/", UriKind.Absolute, out var at) || at.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--desk '{desk}' is not an address such as https://balie.heerlen.nl/stemmen-2026/");
        // Longer than the desk may take: 3 s asking the chain, up to 10 s waiting for another desk's turn on the list.
        using var http = new HttpClient { BaseAddress = at, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, "issue") { Content = System.Net.Http.Json.JsonContent.Create(new { person, code }) };
        request.Headers.Authorization = new("Bearer", secret);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException) when (!ct.IsCancellationRequested)
        {
            throw new IssueRefusedException("desk_unreachable", $"De centrale balie op {desk} is niet bereikbaar. Probeer het zo opnieuw met dezelfde code.",
                $"The central desk at {desk} cannot be reached. Try again shortly with the same code.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            // It may have signed and noted the person after all: only the same code gets that answer again.
            throw new IssueRefusedException("desk_unreachable", $"De centrale balie op {desk} antwoordde niet op tijd. Misschien is er al getekend: probeer het opnieuw met dezelfde code (geen nieuwe), dan komt hetzelfde antwoord.",
                $"The central desk at {desk} did not answer in time. It may have signed already: try again with the same code (not a new one) to get the same answer.");
        }
        using (response)
        {
            System.Text.Json.JsonElement body;
            try
            {
                body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement;
            }
            catch (System.Text.Json.JsonException)
            {
                body = default;
            }
            if (body.ValueKind != System.Text.Json.JsonValueKind.Object)
            {
                throw new IssueRefusedException("desk_error", $"De centrale balie gaf geen leesbaar antwoord (HTTP {(int)response.StatusCode}). Probeer het opnieuw met dezelfde code.",
                    $"The central desk gave no readable answer (HTTP {(int)response.StatusCode}). Try again with the same code.");
            }
            string Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString()! : "";
            if (response.IsSuccessStatusCode && Text("answer") is { Length: > 0 } text) return text;
            throw new IssueRefusedException(Text("code") is { Length: > 0 } c ? c : "desk_error", Text("nl"), Text("en"));
        }
    }

    /// <summary>A time with its offset: without one it would silently be this machine's local time.</summary>
    private static DateTimeOffset Time(string text, string option)
    {
        bool hasOffset = text.EndsWith('Z') || text.EndsWith('z') || System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{2}:?\d{2}$");
        if (!hasOffset || !DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time))
            throw new ArgumentException($"{option} '{text}' is not a time with its offset, such as 2026-03-18T07:30:00+01:00");
        return time;
    }

    private static async Task StatusAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, CancellationToken ct)
    {
        var issuer = TokenIssuer.Open(required("--dir"));
        using var client = Client(o, issuer);
        var c = await client.CallAsync(x => client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = issuer.Terms.Campaign }, x), null, ct);
        output.WriteLine($"campaign {c.Campaign_} {(c.Sensitive ? "(sensitive)" : c.Name)}: {c.Status}, reward {c.RewardCents} cents, funds {c.FundsCents} cents, rewards paid {c.RewardsPaid}, tokens issued {issuer.Issued.Count}, key {(issuer.Retired ? "destroyed" : c.KeyId)}");
    }

    private static async Task CloseAsync(Dictionary<string, string> o, Func<string, string> required, TextWriter output, CancellationToken ct)
    {
        var issuer = TokenIssuer.Open(required("--dir"));
        using var client = Client(o, issuer);
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

    private const string DefaultServer = "http://127.0.0.1:5081";

    /// <summary>A client for --server, else the server the campaign was created on, else the default.</summary>
    private static MuntClient Client(Dictionary<string, string> o, TokenIssuer? issuer) =>
        new(o.GetValueOrDefault("--server") ?? issuer?.Terms.Server ?? DefaultServer);

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
