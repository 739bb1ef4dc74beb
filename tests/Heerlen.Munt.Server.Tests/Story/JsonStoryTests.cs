using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Story;

/// <summary>
/// The same story through JSON transcoding with plain HTTP/1.1 requests, as a browser or curl would make them: the
/// commands are signed here (as the web app will sign them) and posted as base64; sessions go in the Authorization
/// header. Nothing of the SDK's networking is used.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class JsonStoryTests(ServerFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Server.HttpUrl) };

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task the_whole_story_works_through_json_transcoding_with_plain_http_requests()
    {
        var info = await GetAsync("/v1/chain");
        string chain = info["chainId"]!.GetValue<string>();
        var operatorKey = new AccountId(Convert.FromHexString(info["operatorKey"]!.GetValue<string>()));
        var officer = fixture.Demo("officer-bas");
        var approver = fixture.Demo("officer-anouk");
        var shop = fixture.Demo("boekhandel-blad");
        var resident = Client.Wallet.Create();

        await SubmitAsync(officer, h => new MintBudget("verhaal-json", Amount.FromEuros(100)) { Header = h }, chain);
        var job = JobId.New();
        await SubmitAsync(officer, h => new PublishJob(job, "verhaal-json", "groen-onderhoud", "gms", Amount.FromEuros(12), 1, DateTimeOffset.UtcNow.AddDays(3).ToUnixTimeMilliseconds()) { Header = h }, chain);
        var board = await GetAsync("/v1/jobs?neighbourhood=gms&category=groen-onderhoud");
        Assert.Contains(board["jobs"]!.AsArray(), j => j!["job"]!.GetValue<string>() == job.ToString());

        await SubmitAsync(resident, h => new OpenAccount { Header = h }, chain);
        await SubmitAsync(resident, h => new Enrol(job) { Header = h }, chain);
        byte[] photo = [0x89, 0x50, 0x4E, 0x47, 9, 9, 9];
        var uploaded = await SendAsync(HttpMethod.Post, $"/v1/people/{resident.Account}/photos", resident, chain, new { contentType = "image/png", photo = Convert.ToBase64String(photo) });
        var evidence = Hash32.FromHex(uploaded["evidenceHash"]!.GetValue<string>());
        Assert.Equal(Hash32.Sha256(photo), evidence);
        await SubmitAsync(resident, h => new SubmitCompletion(job, evidence) { Header = h }, chain);
        await SubmitAsync(approver, h => new ApproveCompletion(job, resident.Account) { Header = h }, chain);
        var balance = await SendAsync(HttpMethod.Get, $"/v1/accounts/{resident.Account}/balance", resident, chain);
        Assert.Equal(1200, balance["balanceCents"]!.GetValue<long>());

        var request = await SendAsync(HttpMethod.Post, $"/v1/merchants/{shop.Account}/payment-requests", shop, chain, new { amountCents = 800 });
        string code = request["shortCode"]!.GetValue<string>();
        var looked = await SendAsync(HttpMethod.Get, $"/v1/payment-requests/{code}", resident, chain);
        Assert.Equal(800, looked["amountCents"]!.GetValue<long>());
        var requestId = PaymentRequestId.Parse(looked["id"]!.GetValue<string>());
        var pay = await SubmitAsync(resident, h => new Pay(shop.Account, new Amount(800), requestId) { Header = h }, chain);
        var paid = await SendAsync(HttpMethod.Get, $"/v1/payment-requests/{code}", resident, chain);
        Assert.Equal("paid", paid["status"]!.GetValue<string>());
        var paymentId = CommandId.Parse(paid["paidCommandId"]!.GetValue<string>());

        await SubmitAsync(shop, h => new Refund(resident.Account, paymentId, new Amount(300)) { Header = h }, chain);
        var redeem = new CommandHeader(chain, CommandId.New(), shop.Account, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());
        await SubmitAsync(shop, _ => new Redeem(new Amount(500)) { Header = redeem }, chain);
        var settled = await SubmitAsync(approver, h => new SettleRedemption(shop.Account, redeem.Id, "HM-JSON-1") { Header = h }, chain);
        var redemptions = await SendAsync(HttpMethod.Get, $"/v1/merchants/{shop.Account}/redemptions", shop, chain);
        Assert.Contains(redemptions["redemptions"]!.AsArray(), r => r!["id"]!.GetValue<string>() == redeem.Id.ToString() && r["settled"]!.GetValue<bool>());
        var statement = await SendAsync(HttpMethod.Get, $"/v1/merchants/{shop.Account}/statement", shop, chain);
        Assert.True(statement["receivedCents"]!.GetValue<long>() >= 800);
        Assert.Equal(1200 - 800 + 300, (await SendAsync(HttpMethod.Get, $"/v1/accounts/{resident.Account}/balance", resident, chain))["balanceCents"]!.GetValue<long>());

        // The auditor pages through the entries, checks the chain, a checkpoint and the payment's inclusion proof.
        var auditor = fixture.Demo("cbs");
        var encoded = new List<byte[]>();
        long next = 0;
        while (next <= settled.Height)
        {
            var page = await SendAsync(HttpMethod.Get, $"/v1/entries?fromHeight={next}&pageSize=500", auditor, chain);
            foreach (var e in page["entries"]!.AsArray()) encoded.Add(Convert.FromBase64String(e!["encoded"]!.GetValue<string>()));
            next = page["nextHeight"]!.GetValue<long>();
        }
        Assert.True(ChainVerifier.Verify(chain, encoded, [], ManagedSchnorrVerifier.Instance).Ok);

        JsonNode proof;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var checkpoint = await GetAsync("/v1/checkpoints/latest");
            if (checkpoint["treeSize"]!.GetValue<long>() > pay.Height)
            {
                proof = await GetAsync($"/v1/proofs/inclusion/{pay.Height}");
                break;
            }
            Assert.True(DateTime.UtcNow < until, "no checkpoint covered the payment within 30 s");
            await Task.Delay(50);
        }
        var cp = proof["checkpoint"]!;
        Assert.True(Block.TryDecode(Convert.FromBase64String(cp["encoded"]!.GetValue<string>()), out var block, out _));
        Assert.True(block!.IsSignedBy(operatorKey, ManagedSchnorrVerifier.Instance));
        var path = proof["hashes"]!.AsArray().Select(h => Hash32.FromHex(h!.GetValue<string>())).ToList();
        Assert.True(MerkleProofs.VerifyInclusion(Hash32.FromHex(pay.Hash), pay.Height, block.TreeSize, path, block.MerkleRoot));
    }

    [Fact]
    public async Task a_json_error_carries_the_reason_code_and_the_message_in_the_language_asked_for()
    {
        var resident = Client.Wallet.Create();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/accounts/{resident.Account}/history");
        request.Headers.Add("Accept-Language", "nl-NL,nl;q=0.9,en;q=0.5");
        using var response = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var details = error["details"]!.AsArray();
        Assert.Contains(details, d => d!["reason"]?.GetValue<string>() == "session_required");
        Assert.Contains(details, d => d!["locale"]?.GetValue<string>() == "nl" && d["message"]!.GetValue<string>() == "Meld u eerst aan met uw app.");
    }

    private async Task<(long Height, string Hash)> SubmitAsync(Client.Wallet actor, Func<CommandHeader, Command> build, string chain)
    {
        var header = new CommandHeader(chain, CommandId.New(), actor.Account, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds());
        var signed = SignedCommand.Create(build(header), actor.Key);
        using var response = await _http.PostAsJsonAsync("/v1/commands", new { envelope = Convert.ToBase64String(signed.Envelope) });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        var reply = JsonNode.Parse(body)!;
        Assert.True(reply["applied"]!.GetValue<bool>(), body);
        return (long.Parse(reply["height"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture), reply["entryHash"]!.GetValue<string>());
    }

    private async Task<JsonNode> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {body}");
        return JsonNode.Parse(body)!;
    }

    private async Task<JsonNode> SendAsync(HttpMethod method, string path, Client.Wallet caller, string chain, object? body = null)
    {
        var session = SessionToken.Create(chain, caller.Account, caller.Key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000, TimeSpan.FromMinutes(5));
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.ToText());
        if (body is not null) request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        using var response = await _http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!;
    }
}
