using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Heerlen.Munt.Client;

namespace Heerlen.Munt.Modules;

/// <summary>
/// The desk as a small HTTP service, for a poll (the internet panel): the poll's own server — which knows its panel
/// members and keeps their answers — calls it when an answer came in, with the member's number and the code the member's
/// app made, and passes the answer back to the app. The module never sees the poll's questions or answers; the poll never
/// holds the campaign key. Only the poll server may call it (a shared secret), on loopback unless told otherwise.
/// <list type="bullet">
/// <item><c>GET /campaign</c>: the campaign id, key id, window and cap (for the poll's "thank you" page).</item>
/// <item><c>POST /issue</c> <c>{"person": "…", "code": "…"}</c>: 200 <c>{"answer": "…"}</c>; 409 when refused
/// (<c>already_issued</c>, <c>campaign_not_open</c>, <c>issuing_ended</c>, <c>campaign_retired</c>), 400 for a bad request
/// or code, each with <c>{"code", "nl", "en"}</c>; 401 without the secret.</item>
/// </list>
/// With a <see cref="CampaignWatch"/>, the desk asks the chain before it signs (at most every 30 s), so a campaign an
/// officer closed early gets no more vouchers.
/// </summary>
public sealed class PollEndpoint(TokenIssuer issuer, string secret, Func<long>? clock = null, CampaignWatch? watch = null)
{
    /// <summary>Largest request body taken.</summary>
    public const int BodyBytesMax = 8 * 1024;

    private readonly byte[] _secret = Encoding.UTF8.GetBytes(secret);
    private readonly Func<long> _clock = clock ?? (() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    private string _base = "/";

    /// <summary>Serves on <paramref name="prefix"/> (e.g. <c>http://127.0.0.1:5090/</c>) until <paramref name="ct"/> is cancelled.</summary>
    public async Task ServeAsync(string prefix, CancellationToken ct)
    {
        using var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        // The addresses are under the prefix's path: listening on http://host:port/stemmen-2026/ serves
        // /stemmen-2026/issue, so a proxy (and `issue --desk`) can use the same path.
        _base = new Uri(prefix).AbsolutePath;
        listener.Start();
        using var stop = ct.Register(listener.Stop);
        while (!ct.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (HttpListenerException e)
            {
                Console.Error.WriteLine($"munt-module serve: {e.Message}"); // one broken connection; keep serving
                continue;
            }
            _ = Task.Run(() => HandleAsync(context), CancellationToken.None);
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        using var response = context.Response;
        (int Status, object Body) answer;
        try
        {
            answer = await AnswerAsync(context.Request);
        }
        catch (IOException e)
        {
            // The list is locked by another desk for too long, or the disk failed: nothing was signed or noted.
            Console.Error.WriteLine($"munt-module serve: {e.Message}");
            answer = (503, Refusal("desk_busy", "De balie kan het nu niet vastleggen. Probeer het zo opnieuw.", "The desk cannot record it now. Try again shortly."));
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"munt-module serve: {e}");
            answer = (500, Refusal("desk_error", "Er ging iets mis bij de balie. Er is niets ondertekend.", "Something went wrong at the desk. Nothing was signed."));
        }
        var (status, body) = answer;
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        response.Headers["Cache-Control"] = "no-store";
        response.OutputStream.Write(bytes);
    }

    private async Task<(int Status, object Body)> AnswerAsync(HttpListenerRequest request)
    {
        if (!Authorised(request.Headers["Authorization"])) return (401, Refusal("unauthorised", "Alleen de server van de peiling mag dit vragen.", "Only the poll's server may ask this."));
        string full = request.Url?.AbsolutePath ?? "";
        string path = full.StartsWith(_base, StringComparison.Ordinal) ? "/" + full[_base.Length..] : full;
        if (request.HttpMethod == "GET" && path == "/campaign")
            return (200, new { campaign = issuer.Terms.Campaign, keyId = issuer.Terms.KeyId, opensAtMs = issuer.Terms.OpensAtMs, closesAtMs = issuer.Terms.ClosesAtMs, perPersonCap = issuer.Terms.PerPersonCap, retired = issuer.Retired });
        if (request.HttpMethod != "POST" || path != "/issue") return (404, Refusal("not_found", "Dit adres bestaat niet.", "No such address."));
        // Bounded whether or not a length was sent (chunked requests have none).
        var buffer = new byte[BodyBytesMax + 1];
        int read = 0, n;
        while (read < buffer.Length && (n = request.InputStream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        if (read > BodyBytesMax) return (400, Refusal("invalid_request", "Het verzoek is te groot.", "The request is too large."));
        IssueRequest? asked;
        try
        {
            asked = JsonSerializer.Deserialize<IssueRequest>(buffer.AsSpan(0, read), new JsonSerializerOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException)
        {
            asked = null;
        }
        if (asked?.Person is null || asked.Code is null) return (400, Refusal("invalid_request", "Geef person en code mee.", "Give person and code."));
        try
        {
            byte[] blinded = RewardTokens.ReadDeskCode(asked.Code);
            if (watch is not null && await watch.CheckAsync(issuer) is { } warning) Console.Error.WriteLine($"munt-module serve: {warning}");
            byte[] answer = issuer.Issue(asked.Person, blinded, _clock());
            return (200, new { answer = Convert.ToBase64String(answer) });
        }
        catch (FormatException)
        {
            return (400, Refusal("blinded_message_invalid", "De code van de app is geen geldige code.", "The app's code is not a valid code."));
        }
        catch (IssueRefusedException e)
        {
            return (e.Code is "blinded_message_invalid" or "person_id_invalid" ? 400 : 409, Refusal(e.Code, e.Dutch, e.Message));
        }
    }

    private bool Authorised(string? header) =>
        header is not null && header.StartsWith("Bearer ", StringComparison.Ordinal)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[7..].Trim()), _secret);

    private static object Refusal(string code, string dutch, string english) => new { code, nl = dutch, en = english };

    private sealed record IssueRequest(string? Person, string? Code);
}
