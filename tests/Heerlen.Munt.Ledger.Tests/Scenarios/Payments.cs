using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

/// <summary>Base for payment scenarios: a resident who earned HM 20 and an affiliated shop.</summary>
public abstract class PaymentScenario : Scenario
{
    protected PaymentScenario()
    {
        Resident = Community.NewEarner(20);
        Shop = Community.NewMerchant();
    }

    protected SigningKey Resident { get; }

    protected SigningKey Shop { get; }

    protected Pay Pay(SigningKey payer, SigningKey merchant, Amount amount, PaymentRequestId? request = null) =>
        new(merchant.PublicKey, amount, request) { Header = Header(payer) };

    protected Refund Refund(SigningKey merchant, SigningKey payer, CommandId payment, Amount amount) =>
        new(payer.PublicKey, payment, amount) { Header = Header(merchant) };

    protected PaymentRecord PaymentOf(Pay pay) => State.Payments[(pay.Header.Actor, pay.Header.Id)];

    protected void Suspend(SigningKey shop) => Applied(new SuspendMerchant(shop.PublicKey) { Header = Header(Officer1) }, Officer1);

    protected void Freeze(SigningKey account) => Applied(new FreezeAccount(account.PublicKey, true) { Header = Header(Officer1) }, Officer1);
}

public sealed class When_a_resident_pays_an_affiliated_shop : PaymentScenario
{
    [Fact]
    public void the_money_moves_from_the_resident_to_the_shop()
    {
        var pay = Pay(Resident, Shop, HM(12, 50));

        Applied(pay, Resident);

        Assert.Equal(HM(7, 50), BalanceOf(Resident));
        Assert.Equal(HM(12, 50), BalanceOf(Shop));
        Assert.Equal(Shop.PublicKey, PaymentOf(pay).Merchant);
        Assert.Equal(HM(12, 50), PaymentOf(pay).Amount);
        Assert.Equal(Amount.Zero, PaymentOf(pay).Refunded);
        Assert.Equal(HM(5_000), State.Supply);
        Assert.Equal(Amount.Zero, State.Redeemed);
    }

    [Fact]
    public void a_payment_answering_a_payment_request_is_applied_and_keeps_the_request_id()
    {
        var request = PaymentRequestId.New();
        var pay = Pay(Resident, Shop, HM(3), request);

        Applied(pay, Resident);

        Assert.Equal(HM(17), BalanceOf(Resident));
        Assert.Equal(HM(3), BalanceOf(Shop));
        var stored = SignedCommand.Decode(Engine.Entries[^1].Envelope, State.ChainId).Command;
        Assert.NotNull(stored);
        Assert.Equal(request, Assert.IsType<Pay>(stored.Command).Request);
    }

    [Fact]
    public void the_whole_balance_can_be_spent()
    {
        Applied(Pay(Resident, Shop, HM(20)), Resident);

        Assert.Equal(Amount.Zero, BalanceOf(Resident));
        Assert.Equal(HM(20), BalanceOf(Shop));
    }

    [Fact]
    public void a_shop_pays_another_shop()
    {
        var other = Community.NewMerchant();
        Applied(Pay(Resident, Shop, HM(10)), Resident);

        Applied(Pay(Shop, other, HM(4)), Shop);

        Assert.Equal(HM(6), BalanceOf(Shop));
        Assert.Equal(HM(4), BalanceOf(other));
    }

    [Fact]
    public void more_than_the_balance_is_rejected_with_insufficient_funds()
    {
        Rejected(RejectionCode.InsufficientFunds, Pay(Resident, Shop, HM(20, 1)), Resident);
        Assert.Equal(HM(20), BalanceOf(Resident));
    }

    [Fact]
    public void a_zero_payment_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Pay(Resident, Shop, Amount.Zero), Resident);
    }

    [Fact]
    public void a_negative_payment_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Pay(Resident, Shop, new Amount(-500)), Resident);
        Assert.Equal(Amount.Zero, BalanceOf(Shop));
    }

    [Fact]
    public void a_payment_above_the_maximum_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Pay(Resident, Shop, new Amount(Amount.CentsMax + 1)), Resident);
    }

    [Fact]
    public void a_payment_of_the_largest_long_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Pay(Resident, Shop, new Amount(long.MaxValue)), Resident);
    }

    [Fact]
    public void a_shop_paying_itself_is_rejected_with_not_permitted()
    {
        Applied(Pay(Resident, Shop, HM(10)), Resident);

        Rejected(RejectionCode.NotPermitted, Pay(Shop, Shop, HM(5)), Shop);
    }

    [Fact]
    public void the_issuer_paying_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Pay(Issuer, Shop, HM(1)), Issuer);
    }
}

public sealed class When_a_resident_pays_an_unaffiliated_shop : PaymentScenario
{
    [Fact]
    public void the_payment_is_rejected_with_merchant_not_affiliated()
    {
        var neighbour = Community.NewAccount();

        Rejected(RejectionCode.MerchantNotAffiliated, Pay(Resident, neighbour, HM(5)), Resident);
        Assert.Equal(Amount.Zero, BalanceOf(neighbour));
    }

    [Fact]
    public void a_payment_to_an_unknown_account_is_rejected_with_merchant_not_affiliated()
    {
        Rejected(RejectionCode.MerchantNotAffiliated, Pay(Resident, SigningKey.Generate(), HM(5)), Resident);
    }
}

public sealed class When_a_resident_pays_a_suspended_shop : PaymentScenario
{
    public When_a_resident_pays_a_suspended_shop() => Suspend(Shop);

    [Fact]
    public void the_payment_is_rejected_with_merchant_not_affiliated()
    {
        Rejected(RejectionCode.MerchantNotAffiliated, Pay(Resident, Shop, HM(5)), Resident);
        Assert.Equal(HM(20), BalanceOf(Resident));
    }

    [Fact]
    public void after_readmission_the_payment_is_applied()
    {
        Applied(new AdmitMerchant(Shop.PublicKey, "centrum") { Header = Header(Officer2) }, Officer2);

        Applied(Pay(Resident, Shop, HM(5)), Resident);
        Assert.Equal(HM(5), BalanceOf(Shop));
    }
}

public sealed class When_a_resident_pays_a_frozen_shop : PaymentScenario
{
    public When_a_resident_pays_a_frozen_shop() => Freeze(Shop);

    [Fact]
    public void the_payment_is_rejected_with_recipient_frozen()
    {
        Rejected(RejectionCode.RecipientFrozen, Pay(Resident, Shop, HM(5)), Resident);
        Assert.Equal(HM(20), BalanceOf(Resident));
        Assert.Equal(Amount.Zero, BalanceOf(Shop));
    }
}

public sealed class When_a_shop_refunds_a_payment : PaymentScenario
{
    private readonly Pay _payment;

    public When_a_shop_refunds_a_payment()
    {
        _payment = Pay(Resident, Shop, HM(10));
        Applied(_payment, Resident);
    }

    private CommandId PaymentId => _payment.Header.Id;

    [Fact]
    public void a_partial_refund_moves_part_back()
    {
        Applied(Refund(Shop, Resident, PaymentId, HM(4)), Shop);

        Assert.Equal(HM(14), BalanceOf(Resident));
        Assert.Equal(HM(6), BalanceOf(Shop));
        Assert.Equal(HM(4), PaymentOf(_payment).Refunded);
        Assert.Equal(HM(5_000), State.Supply);
    }

    [Fact]
    public void a_full_refund_moves_everything_back()
    {
        Applied(Refund(Shop, Resident, PaymentId, HM(10)), Shop);

        Assert.Equal(HM(20), BalanceOf(Resident));
        Assert.Equal(Amount.Zero, BalanceOf(Shop));
        Assert.Equal(HM(10), PaymentOf(_payment).Refunded);
    }

    [Fact]
    public void partial_refunds_may_add_up_to_the_payment()
    {
        Applied(Refund(Shop, Resident, PaymentId, HM(4)), Shop);
        Applied(Refund(Shop, Resident, PaymentId, HM(6)), Shop);

        Assert.Equal(HM(20), BalanceOf(Resident));
        Assert.Equal(HM(10), PaymentOf(_payment).Refunded);
    }

    [Fact]
    public void refunding_more_than_was_paid_is_rejected_with_refund_exceeds_payment()
    {
        var other = Community.NewEarner(5);
        Applied(Pay(other, Shop, HM(5)), other);

        Rejected(RejectionCode.RefundExceedsPayment, Refund(Shop, Resident, PaymentId, HM(10, 1)), Shop);
        Assert.Equal(Amount.Zero, PaymentOf(_payment).Refunded);
    }

    [Fact]
    public void refunding_more_than_is_left_after_a_partial_refund_is_rejected_with_refund_exceeds_payment()
    {
        Applied(Refund(Shop, Resident, PaymentId, HM(4)), Shop);

        Rejected(RejectionCode.RefundExceedsPayment, Refund(Shop, Resident, PaymentId, HM(6, 1)), Shop);
        Assert.Equal(HM(4), PaymentOf(_payment).Refunded);
    }

    [Fact]
    public void refunding_an_unknown_payment_is_rejected_with_payment_not_found()
    {
        Rejected(RejectionCode.PaymentNotFound, Refund(Shop, Resident, CommandId.New(), HM(1)), Shop);
    }

    [Fact]
    public void refunding_with_the_wrong_payer_is_rejected_with_payment_not_found()
    {
        var other = Community.NewAccount();

        Rejected(RejectionCode.PaymentNotFound, Refund(Shop, other, PaymentId, HM(1)), Shop);
    }

    [Fact]
    public void refunding_another_shops_payment_is_rejected_with_payment_not_found()
    {
        var otherShop = Community.NewMerchant();

        Rejected(RejectionCode.PaymentNotFound, Refund(otherShop, Resident, PaymentId, HM(1)), otherShop);
        Assert.Equal(HM(10), BalanceOf(Resident));
    }

    [Fact]
    public void a_zero_refund_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Refund(Shop, Resident, PaymentId, Amount.Zero), Shop);
    }

    [Fact]
    public void a_refund_above_the_maximum_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Refund(Shop, Resident, PaymentId, new Amount(long.MaxValue)), Shop);
    }

    [Fact]
    public void a_shop_that_redeemed_its_balance_refunding_is_rejected_with_insufficient_funds()
    {
        Applied(new Redeem(HM(8)) { Header = Header(Shop) }, Shop);

        Rejected(RejectionCode.InsufficientFunds, Refund(Shop, Resident, PaymentId, HM(3)), Shop);
        Assert.Equal(HM(2), BalanceOf(Shop));
    }

    [Fact]
    public void a_resident_refunding_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Refund(Resident, Resident, PaymentId, HM(1)), Resident);
    }

    [Fact]
    public void a_suspended_shop_may_still_refund()
    {
        Suspend(Shop);

        Applied(Refund(Shop, Resident, PaymentId, HM(10)), Shop);
        Assert.Equal(HM(20), BalanceOf(Resident));
    }

    // Guards the fix for a bug found here: DecideRefund did not check the payer, so a frozen account received money.
    [Fact]
    public void a_refund_to_a_frozen_payer_is_rejected_with_recipient_frozen()
    {
        Freeze(Resident);

        Rejected(RejectionCode.RecipientFrozen, Refund(Shop, Resident, PaymentId, HM(4)), Shop);
        Assert.Equal(HM(10), BalanceOf(Resident));
    }
}

public sealed class When_a_shop_redeems_its_takings : PaymentScenario
{
    private readonly Redeem _redeem;

    public When_a_shop_redeems_its_takings()
    {
        Applied(Pay(Resident, Shop, HM(15)), Resident);
        _redeem = new Redeem(HM(10)) { Header = Header(Shop) };
    }

    private SettleRedemption Settle(SigningKey officer, CommandId redemption, string reference = "NL-2026-000123") =>
        new(Shop.PublicKey, redemption, reference) { Header = Header(officer) };

    [Fact]
    public void the_money_is_burnt_and_the_redemption_is_owed()
    {
        Applied(_redeem, Shop);

        Assert.Equal(HM(5), BalanceOf(Shop));
        Assert.Equal(HM(10), State.Redeemed);
        Assert.Equal(HM(5_000), State.Minted);
        Assert.Equal(HM(4_990), State.Supply);
        var redemption = State.RedemptionsById[(Shop.PublicKey, _redeem.Header.Id)];
        Assert.Equal(HM(10), redemption.Amount);
        Assert.Null(redemption.BankReference);
    }

    [Fact]
    public void settling_records_the_bank_reference()
    {
        Applied(_redeem, Shop);

        Applied(Settle(Officer2, _redeem.Header.Id), Officer2);

        Assert.Equal("NL-2026-000123", State.RedemptionsById[(Shop.PublicKey, _redeem.Header.Id)].BankReference);
        Assert.Equal(HM(4_990), State.Supply);
        Assert.Equal(HM(5), BalanceOf(Shop));
    }

    [Fact]
    public void settling_twice_is_rejected_with_redemption_already_settled()
    {
        Applied(_redeem, Shop);
        Applied(Settle(Officer2, _redeem.Header.Id), Officer2);

        Rejected(RejectionCode.RedemptionAlreadySettled, Settle(Officer1, _redeem.Header.Id, "NL-2026-000124"), Officer1);
        Assert.Equal("NL-2026-000123", State.RedemptionsById[(Shop.PublicKey, _redeem.Header.Id)].BankReference);
    }

    [Fact]
    public void settling_an_unknown_redemption_is_rejected_with_redemption_not_found()
    {
        Applied(_redeem, Shop);

        Rejected(RejectionCode.RedemptionNotFound, Settle(Officer1, CommandId.New()), Officer1);
    }

    [Fact]
    public void settling_a_payment_id_is_rejected_with_redemption_not_found()
    {
        var pay = Pay(Resident, Shop, HM(1));
        Applied(pay, Resident);

        Rejected(RejectionCode.RedemptionNotFound, Settle(Officer1, pay.Header.Id), Officer1);
    }

    [Fact]
    public void a_resident_settling_is_rejected_with_not_permitted()
    {
        Applied(_redeem, Shop);

        Rejected(RejectionCode.NotPermitted, Settle(Resident, _redeem.Header.Id), Resident);
    }

    [Fact]
    public void redeeming_more_than_the_balance_is_rejected_with_insufficient_funds()
    {
        Rejected(RejectionCode.InsufficientFunds, new Redeem(HM(15, 1)) { Header = Header(Shop) }, Shop);
        Assert.Equal(Amount.Zero, State.Redeemed);
    }

    [Fact]
    public void redeeming_zero_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, new Redeem(Amount.Zero) { Header = Header(Shop) }, Shop);
    }

    [Fact]
    public void redeeming_above_the_maximum_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, new Redeem(new Amount(Amount.CentsMax + 1)) { Header = Header(Shop) }, Shop);
    }

    [Fact]
    public void a_resident_redeeming_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, new Redeem(HM(1)) { Header = Header(Resident) }, Resident);
        Assert.Equal(HM(5), BalanceOf(Resident));
    }

    [Fact]
    public void a_suspended_shop_may_still_redeem()
    {
        Suspend(Shop);

        Applied(_redeem, Shop);
        Assert.Equal(HM(10), State.Redeemed);
    }
}

public sealed class When_an_officer_admits_and_suspends_shops : Scenario
{
    private readonly SigningKey _shop;

    public When_an_officer_admits_and_suspends_shops() => _shop = Community.NewAccount();

    private AdmitMerchant Admit(SigningKey officer, SigningKey shop) => new(shop.PublicKey, "centrum") { Header = Header(officer) };

    private SuspendMerchant Suspend(SigningKey officer, SigningKey shop) => new(shop.PublicKey) { Header = Header(officer) };

    [Fact]
    public void admitting_makes_the_account_an_affiliated_shop()
    {
        Applied(Admit(Officer1, _shop), Officer1);

        Assert.Equal(Roles.Resident | Roles.Merchant, Account(_shop).Roles);
        Assert.True(Account(_shop).IsAffiliatedMerchant);
        Assert.False(Account(_shop).MerchantSuspended);
    }

    [Fact]
    public void suspending_keeps_the_role_but_ends_the_affiliation()
    {
        Applied(Admit(Officer1, _shop), Officer1);

        Applied(Suspend(Officer2, _shop), Officer2);

        Assert.True(Account(_shop).Roles.HasFlag(Roles.Merchant));
        Assert.True(Account(_shop).MerchantSuspended);
        Assert.False(Account(_shop).IsAffiliatedMerchant);
    }

    [Fact]
    public void a_suspended_shop_can_be_admitted_again()
    {
        Applied(Admit(Officer1, _shop), Officer1);
        Applied(Suspend(Officer2, _shop), Officer2);

        Applied(Admit(Officer1, _shop), Officer1);

        Assert.True(Account(_shop).IsAffiliatedMerchant);
    }

    [Fact]
    public void admitting_twice_is_rejected_with_merchant_already_admitted()
    {
        Applied(Admit(Officer1, _shop), Officer1);

        Rejected(RejectionCode.MerchantAlreadyAdmitted, Admit(Officer2, _shop), Officer2);
    }

    [Fact]
    public void suspending_an_account_that_is_no_shop_is_rejected_with_merchant_not_admitted()
    {
        Rejected(RejectionCode.MerchantNotAdmitted, Suspend(Officer1, _shop), Officer1);
        Assert.False(Account(_shop).MerchantSuspended);
    }

    [Fact]
    public void suspending_twice_is_rejected_with_merchant_not_admitted()
    {
        Applied(Admit(Officer1, _shop), Officer1);
        Applied(Suspend(Officer1, _shop), Officer1);

        Rejected(RejectionCode.MerchantNotAdmitted, Suspend(Officer2, _shop), Officer2);
    }

    [Fact]
    public void admitting_an_unknown_account_is_rejected_with_account_not_found()
    {
        Rejected(RejectionCode.AccountNotFound, Admit(Officer1, SigningKey.Generate()), Officer1);
    }

    [Fact]
    public void suspending_an_unknown_account_is_rejected_with_account_not_found()
    {
        Rejected(RejectionCode.AccountNotFound, Suspend(Officer1, SigningKey.Generate()), Officer1);
    }

    [Fact]
    public void a_resident_admitting_themselves_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Admit(_shop, _shop), _shop);
        Assert.False(Account(_shop).IsAffiliatedMerchant);
    }
}
