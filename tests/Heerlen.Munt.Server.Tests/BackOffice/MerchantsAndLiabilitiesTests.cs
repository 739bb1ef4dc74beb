using System.Net;
using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Marten;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.BackOffice;

/// <summary>
/// The municipal back office: every shop with its balance and the redemptions it waits for, the city's open
/// liabilities at one height, and what a restored wallet learns about its own roles.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class MerchantsAndLiabilitiesTests(ServerFixture fixture) : IDisposable
{
    private readonly MuntClient _client = fixture.Client();
    private readonly HttpClient _http = new() { BaseAddress = new Uri(fixture.Server.HttpUrl) };

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    [Fact]
    public async Task the_back_office_lists_every_admitted_shop_with_its_balance_and_unpaid_redemptions()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var (shop, resident) = (Wallet.Create(), Wallet.Create());
        await _client.As(shop).OpenAccountAsync();
        await officer.AdmitMerchantAsync(shop.Account, "zuid");
        await EarnAsync(resident, Amount.FromEuros(20));
        await _client.As(resident).PayAsync(shop.Account, Amount.FromEuros(12));
        var (paidOut, _) = await _client.As(shop).RedeemAsync(Amount.FromEuros(5));
        await _client.As(shop).RedeemAsync(Amount.FromEuros(3));
        await officer.SettleRedemptionAsync(shop.Account, paidOut, "NL-BANK-1");
        await officer.SuspendMerchantAsync(shop.Account);

        var list = await officer.ReadAsync(o => _client.Merchants.ListMerchantsAsync(new ListMerchantsRequest(), o));
        var mine = list.Merchants.Single(m => m.Merchant == shop.Account.ToString());

        Assert.Equal("zuid", mine.Neighbourhood);
        Assert.Equal("suspended", mine.Status);
        Assert.False(mine.Frozen);
        Assert.Equal(400, mine.BalanceCents);
        Assert.Equal(1, mine.OutstandingRedemptions);
        Assert.Equal(300, mine.OutstandingRedemptionCents);
        Assert.Contains(list.Merchants, m => m.Merchant == fixture.Demo("bakkerij-bollen").Account.ToString() && m.Status == "admitted" && m.Neighbourhood == "centrum");
        Assert.DoesNotContain(list.Merchants, m => m.Merchant == resident.Account.ToString());
        Assert.Equal(list.Merchants.Select(m => m.Merchant).Order(StringComparer.Ordinal), list.Merchants.Select(m => m.Merchant));
        Assert.Equal((await _client.ChainInfoAsync(refresh: true)).Height, list.AsOfHeight);
        var zuid = await _client.As(fixture.Demo("cbs")).ReadAsync(o => _client.Merchants.ListMerchantsAsync(new ListMerchantsRequest { Neighbourhood = "zuid" }, o));
        Assert.Contains(zuid.Merchants, m => m.Merchant == shop.Account.ToString());
        Assert.All(zuid.Merchants, m => Assert.Equal("zuid", m.Neighbourhood));
        var statement = await officer.ReadAsync(o => _client.Merchants.GetStatementAsync(new GetStatementRequest { Merchant = shop.Account.ToString() }, o));
        Assert.Equal(statement.BalanceCents, mine.BalanceCents);
    }

    [Fact]
    public async Task the_liabilities_add_up_to_the_supply_and_match_the_balances_read_model_at_the_same_height()
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var shop = _client.As(fixture.Demo("fietsenmaker-fons"));
        var resident = Wallet.Create();
        await EarnAsync(resident, Amount.FromEuros(9));
        await _client.As(resident).PayAsync(shop.Account, Amount.FromEuros(4));
        await shop.RedeemAsync(Amount.FromEuros(2));
        var (cancelled, _) = await officer.PublishJobAsync(DemoCommunity.Budget, "zwerfafval", "gms", Amount.FromEuros(1), 3, DateTimeOffset.UtcNow.AddDays(2));
        await officer.CancelJobAsync(cancelled);

        var auditor = _client.As(fixture.Demo("cbs"));
        var owed = await auditor.ReadAsync(o => _client.Statistics.GetLiabilitiesAsync(new GetLiabilitiesRequest(), o));

        // The global invariant: every HM in existence is in an account, a budget line, a job's escrow or a campaign.
        Assert.Equal(owed.SupplyCents, owed.ResidentBalancesCents + owed.MerchantBalancesCents + owed.BudgetsCents + owed.JobReservesCents + owed.CampaignFundsCents);
        Assert.Equal(owed.MintedCents - owed.RedeemedCents, owed.SupplyCents);
        Assert.True(owed.ResidentBalancesCents > 0 && owed.MerchantBalancesCents > 0 && owed.BudgetsCents > 0 && owed.JobReservesCents > 0);
        Assert.True(owed.OutstandingRedemptions >= 1 && owed.OutstandingRedemptionCents >= 200 && owed.RedeemedCents >= owed.OutstandingRedemptionCents);
        Assert.Equal((await _client.ChainInfoAsync(refresh: true)).Height, owed.AsOfHeight); // nothing else writes in this collection meanwhile

        // The same figures from the inline balances read model (another path from the chain: the projection of its facts).
        await using var session = fixture.Server.Runtime.Documents.QuerySession();
        var pots = await session.Query<Storage.Projections.Balance>().ToListAsync();
        var merchants = await officer.ReadAsync(o => _client.Merchants.ListMerchantsAsync(new ListMerchantsRequest(), o));
        var shops = merchants.Merchants.Select(m => m.Merchant).ToHashSet();
        long Sum(Func<Storage.Projections.Balance, bool> which) => pots.Where(which).Sum(p => p.Cents);
        Assert.Equal(merchants.AsOfHeight, owed.AsOfHeight);
        Assert.Equal(Sum(p => p.Id.StartsWith("hm1", StringComparison.Ordinal) && !shops.Contains(p.Id)), owed.ResidentBalancesCents);
        Assert.Equal(Sum(p => shops.Contains(p.Id)), owed.MerchantBalancesCents);
        Assert.Equal(Sum(p => p.Id.StartsWith("budget:", StringComparison.Ordinal)), owed.BudgetsCents);
        Assert.Equal(Sum(p => p.Id.StartsWith("job:", StringComparison.Ordinal)), owed.JobReservesCents);
        Assert.Equal(Sum(p => p.Id.StartsWith("campaign:", StringComparison.Ordinal)), owed.CampaignFundsCents);
        Assert.Equal(-Sum(p => p.Id == "issuance"), owed.MintedCents);
        Assert.Equal(Sum(p => p.Id == "redeemed"), owed.RedeemedCents);
        Assert.Equal(merchants.Merchants.Sum(m => m.OutstandingRedemptionCents), owed.OutstandingRedemptionCents);
        Assert.Equal(merchants.Merchants.Sum(m => m.OutstandingRedemptions), owed.OutstandingRedemptions);
    }

    [Fact]
    public async Task a_restored_wallet_learns_its_own_roles_the_officer_that_it_is_one_and_the_till_that_it_is_an_admitted_shop()
    {
        var officer = await _client.As(fixture.Demo("officer-bas")).AccountAsync();
        var shop = await _client.As(fixture.Demo("boekhandel-blad")).AccountAsync();
        var resident = await _client.As(fixture.Demo("els")).AccountAsync();

        Assert.Contains("officer", officer.Roles);
        Assert.Contains("merchant", shop.Roles);
        Assert.False(shop.MerchantSuspended || shop.Frozen);
        Assert.DoesNotContain("officer", resident.Roles);
        Assert.DoesNotContain("merchant", resident.Roles);
    }

    [Fact]
    public async Task through_json_the_back_office_reads_the_shops_and_the_liabilities_and_a_shop_is_refused()
    {
        var info = JsonNode.Parse(await _http.GetStringAsync("/v1/chain"))!;
        string chain = info["chainId"]!.GetValue<string>();
        var officer = fixture.Demo("officer-anouk");

        var liabilities = await GetAsync("/v1/liabilities", officer, chain);
        var merchants = await GetAsync("/v1/merchants?neighbourhood=centrum", fixture.Demo("issuer"), chain);
        var account = await GetAsync($"/v1/accounts/{officer.Account}", officer, chain);

        long Cents(string name) => long.Parse(liabilities.Body![name]!.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(HttpStatusCode.OK, liabilities.Status);
        Assert.Equal(Cents("supplyCents"), Cents("residentBalancesCents") + Cents("merchantBalancesCents") + Cents("budgetsCents") + Cents("jobReservesCents"));
        Assert.Equal(Cents("mintedCents") - Cents("redeemedCents"), Cents("supplyCents"));
        Assert.True(Cents("asOfHeight") > 0);
        var bakery = merchants.Body!["merchants"]!.AsArray().Single(m => m!["merchant"]!.GetValue<string>() == fixture.Demo("bakkerij-bollen").Account.ToString())!;
        Assert.Equal("centrum", bakery["neighbourhood"]!.GetValue<string>());
        Assert.Equal("admitted", bakery["status"]!.GetValue<string>());
        Assert.True(long.Parse(bakery["balanceCents"]!.ToString(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Contains(account.Body!["roles"]!.AsArray(), r => r!.GetValue<string>() == "officer");

        var shop = await GetAsync("/v1/merchants", fixture.Demo("bakkerij-bollen"), chain);
        var anonymous = await _http.GetAsync("/v1/liabilities");
        Assert.Equal(HttpStatusCode.Forbidden, shop.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    /// <summary>A new resident earns <paramref name="reward"/> for a job of the demo's budget.</summary>
    private async Task EarnAsync(Wallet resident, Amount reward)
    {
        var officer = _client.As(fixture.Demo("officer-anouk"));
        var worker = _client.As(resident);
        await worker.OpenAccountAsync();
        var (job, _) = await officer.PublishJobAsync(DemoCommunity.Budget, "zwerfafval", "centrum", reward, 1, DateTimeOffset.UtcNow.AddDays(2));
        await worker.EnrolAsync(job);
        await worker.SubmitCompletionAsync(job, [0xFF, 0xD8, .. Guid.NewGuid().ToByteArray()]);
        await officer.ApproveAsync(job, resident.Account);
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path, Wallet caller, string chain)
    {
        var session = SessionToken.Create(chain, caller.Account, caller.Key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1000, TimeSpan.FromMinutes(5));
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", session.ToText());
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }
}
