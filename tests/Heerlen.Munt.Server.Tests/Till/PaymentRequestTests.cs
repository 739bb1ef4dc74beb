using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Tests.Support;

namespace Heerlen.Munt.Server.Tests.Till;

/// <summary>The till's payment requests: who may see what, and that nobody can spoil one.</summary>
[Collection(ServerCollection.Name)]
public sealed class PaymentRequestTests(ServerFixture fixture)
{
    [Fact]
    public async Task a_stranger_who_knows_the_code_sees_that_it_was_paid_but_not_by_whom()
    {
        using var client = fixture.Client();
        var shop = client.As(fixture.Demo("bakkerij-bollen"));
        var payer = await RichResidentAsync(client, 500);
        var stranger = client.As(Client.Wallet.Create());
        await stranger.OpenAccountAsync();

        var request = await shop.RequestPaymentAsync(new Amount(300));
        await payer.PayRequestAsync(request.ShortCode, shop.Account, new Amount(300));

        var seenByStranger = await stranger.ReadAsync(o => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = request.ShortCode }, o));
        Assert.Equal("paid", seenByStranger.Status);
        Assert.Equal("", seenByStranger.PaidBy);
        Assert.Equal(-1, seenByStranger.PaidHeight);
        Assert.Equal("", seenByStranger.PaidCommandId);

        var seenByShop = await shop.ReadAsync(o => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = request.ShortCode }, o));
        Assert.Equal(payer.Account.ToString(), seenByShop.PaidBy);
        var seenByPayer = await payer.ReadAsync(o => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = request.ShortCode }, o));
        Assert.Equal(payer.Account.ToString(), seenByPayer.PaidBy);
    }

    [Fact]
    public async Task a_one_cent_payment_naming_someone_elses_request_does_not_spoil_it()
    {
        using var client = fixture.Client();
        var shop = client.As(fixture.Demo("fietsenmaker-fons"));
        var otherShop = fixture.Demo("boekhandel-blad").Account;
        var griefer = await RichResidentAsync(client, 100);
        var customer = await RichResidentAsync(client, 1000);

        var request = await shop.RequestPaymentAsync(new Amount(750));
        var id = PaymentRequestId.Parse(request.Id);
        await griefer.PayAsync(otherShop, new Amount(1), id);          // another shop, naming the request
        await griefer.PayAsync(shop.Account, new Amount(1), id);       // this shop, another amount

        var (_, paid) = await customer.PayQrAsync(request.QrPayload);
        var seen = await shop.ReadAsync(o => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = request.Id }, o));
        Assert.Equal("paid", seen.Status);
        Assert.Equal(customer.Account.ToString(), seen.PaidBy);
        Assert.Equal(paid.Command.ToString(), seen.PaidCommandId);
    }

    [Fact]
    public async Task the_app_refuses_to_pay_when_the_server_names_another_shop_or_amount_than_the_person_confirmed()
    {
        using var client = fixture.Client("en");
        var shop = client.As(fixture.Demo("bakkerij-bollen"));
        var customer = await RichResidentAsync(client, 1000);
        var request = await shop.RequestPaymentAsync(new Amount(200));
        var before = (await customer.BalanceAsync()).BalanceCents;

        var wrongAmount = await Assert.ThrowsAsync<MuntException>(() => customer.PayRequestAsync(request.ShortCode, shop.Account, new Amount(150)));
        Assert.Equal("payment_request_mismatch", wrongAmount.Reason);
        var wrongShop = await Assert.ThrowsAsync<MuntException>(() => customer.PayRequestAsync(request.ShortCode, fixture.Demo("boekhandel-blad").Account, new Amount(200)));
        Assert.Equal("payment_request_mismatch", wrongShop.Reason);
        Assert.Equal(before, (await customer.BalanceAsync()).BalanceCents);

        await customer.PayRequestAsync(request.ShortCode, shop.Account, new Amount(200));
        var twice = await Assert.ThrowsAsync<MuntException>(() => customer.PayRequestAsync(request.ShortCode, shop.Account, new Amount(200)));
        Assert.Equal("payment_request_already_paid", twice.Reason);
        Assert.Equal(before - 200, (await customer.BalanceAsync()).BalanceCents);
    }

    [Theory]
    [InlineData("heerlenmunt:pay?chain=x&merchant=hm1abc&amount=100&request=00000000000000000000000000000001")]
    [InlineData("heerlenmunt:pay?chain=heerlen-munt%2Fdemo&amount=100&request=00000000000000000000000000000001")]
    [InlineData("heerlenmunt:pay?chain=heerlen-munt%2Fdemo&merchant={m}&amount=-5&request=00000000000000000000000000000001")]
    [InlineData("heerlenmunt:pay?chain=heerlen-munt%2Fdemo&merchant={m}&amount=100&request=xyz")]
    [InlineData("https://example.org/pay?merchant={m}")]
    [InlineData("heerlenmunt:pay?chain=heerlen-munt%2Fdemo&merchant={m}&merchant={m}&amount=100&request=00000000000000000000000000000001")]
    public void a_qr_code_that_is_not_complete_and_well_formed_is_not_read(string payload)
    {
        Assert.False(PaymentQr.TryParse(payload.Replace("{m}", fixture.Demo("bakkerij-bollen").Account.ToString(), StringComparison.Ordinal), out _));
    }

    private async Task<MuntActor> RichResidentAsync(MuntClient client, long cents)
    {
        // A resident with money: a job of exactly this reward, done and approved.
        var officer = client.As(fixture.Demo("officer-anouk"));
        var approver = client.As(fixture.Demo("officer-bas"));
        var resident = client.As(Client.Wallet.Create());
        await resident.OpenAccountAsync();
        await officer.MintBudgetAsync("verzoeken", new Amount(cents));
        var (job, _) = await officer.PublishJobAsync("verzoeken", "zwerfafval", "centrum", new Amount(cents), 1, DateTimeOffset.UtcNow.AddDays(1));
        await resident.EnrolAsync(job);
        await resident.SubmitCompletionAsync(job, [1, 2, 3]);
        await approver.ApproveAsync(job, resident.Account);
        return resident;
    }
}
