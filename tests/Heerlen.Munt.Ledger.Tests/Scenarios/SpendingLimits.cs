using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_an_officer_sets_a_daily_spending_limit : Scenario
{
    private readonly SigningKey _card;

    public When_an_officer_sets_a_daily_spending_limit() => _card = Community.NewAccount();

    private SetSpendingLimit Limit(SigningKey officer, AccountId account, Amount daily) => new(account, daily) { Header = Header(officer) };

    [Fact]
    public void the_limit_is_set_changed_and_removed()
    {
        Applied(Limit(Officer1, _card.PublicKey, HM(25)), Officer1);
        Assert.Equal(HM(25), State.DailyLimitOf(_card.PublicKey));

        Applied(Limit(Officer2, _card.PublicKey, HM(40)), Officer2);
        Assert.Equal(HM(40), State.DailyLimitOf(_card.PublicKey));

        Applied(Limit(Officer1, _card.PublicKey, Amount.Zero), Officer1);
        Assert.Equal(Amount.Zero, State.DailyLimitOf(_card.PublicKey));
        Assert.False(State.SpendingLimits.ContainsKey(_card.PublicKey));
    }

    [Fact]
    public void only_accounts_with_a_limit_have_a_record_of_it()
    {
        Applied(Limit(Officer1, _card.PublicKey, HM(25)), Officer1);

        Assert.Equal([_card.PublicKey], State.SpendingLimits.Keys);
    }

    [Fact]
    public void setting_the_same_limit_again_is_rejected_with_spending_limit_unchanged()
    {
        Applied(Limit(Officer1, _card.PublicKey, HM(25)), Officer1);

        Rejected(RejectionCode.SpendingLimitUnchanged, Limit(Officer2, _card.PublicKey, HM(25)), Officer2);
    }

    [Fact]
    public void removing_a_limit_the_account_does_not_have_is_rejected_with_spending_limit_unchanged()
    {
        Rejected(RejectionCode.SpendingLimitUnchanged, Limit(Officer1, _card.PublicKey, Amount.Zero), Officer1);
    }

    [Fact]
    public void a_negative_limit_is_rejected_with_spending_limit_negative()
    {
        Rejected(RejectionCode.SpendingLimitNegative, Limit(Officer1, _card.PublicKey, new Amount(-1)), Officer1);
        Rejected(RejectionCode.SpendingLimitNegative, Limit(Officer1, _card.PublicKey, new Amount(long.MinValue)), Officer1);
    }

    [Fact]
    public void a_limit_above_the_largest_amount_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Limit(Officer1, _card.PublicKey, new Amount(Amount.CentsMax + 1)), Officer1);
        Applied(Limit(Officer1, _card.PublicKey, new Amount(Amount.CentsMax)), Officer1);
    }

    [Fact]
    public void a_resident_setting_a_limit_is_rejected_with_not_permitted()
    {
        var other = Community.NewAccount();

        Rejected(RejectionCode.NotPermitted, Limit(other, _card.PublicKey, HM(25)), other);
        Rejected(RejectionCode.NotPermitted, Limit(_card, _card.PublicKey, Amount.Zero), _card);
    }

    [Fact]
    public void a_frozen_officer_setting_a_limit_is_rejected_with_account_frozen()
    {
        Applied(new FreezeAccount(Officer2.PublicKey, true) { Header = Header(Officer1) }, Officer1);

        Rejected(RejectionCode.AccountFrozen, Limit(Officer2, _card.PublicKey, HM(25)), Officer2);
    }

    [Fact]
    public void a_limit_on_an_unknown_account_is_rejected_with_account_not_found()
    {
        Rejected(RejectionCode.AccountNotFound, Limit(Officer1, SigningKey.Generate().PublicKey, HM(25)), Officer1);
    }

    [Fact]
    public void a_limit_can_be_set_on_a_frozen_account()
    {
        Applied(new FreezeAccount(_card.PublicKey, true) { Header = Header(Officer1) }, Officer1);

        Applied(Limit(Officer2, _card.PublicKey, HM(25)), Officer2);
        Assert.Equal(HM(25), State.DailyLimitOf(_card.PublicKey));
    }

    [Fact]
    public void the_command_round_trips_through_its_wire_layout()
    {
        var command = Limit(Officer1, _card.PublicKey, new Amount(2_500));
        byte[] bytes = CommandCodec.Encode(command);

        // The body is the account (32 bytes) and the limit as a big-endian i64, nothing else.
        Assert.Equal(_card.PublicKey.Span.ToArray(), bytes[^40..^8]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0x09, 0xC4 }, bytes[^8..]);
        var decoded = SignedCommand.Decode(Envelope(command, Officer1), State.ChainId).Command!.Command;
        Assert.Equal(command, decoded);
        Assert.Equal(CommandType.SetSpendingLimit, decoded.Type);
        Assert.Equal(20, (byte)decoded.Type);
    }
}

/// <summary>A resident with HM 20 whose account has a daily limit of HM 10; the chain's clock is 20:26:40 UTC.</summary>
public sealed class When_an_account_with_a_daily_limit_pays : PaymentScenario
{
    // Community.NowMs is 2026-05-28 20:26:40 UTC; the next UTC day starts here.
    private const long NextUtcDayMs = 1_780_012_800_000;

    public When_an_account_with_a_daily_limit_pays() =>
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(10)) { Header = Header(Officer1) }, Officer1);

    private Amount SpentToday => State.SpentOnDayOf(Resident.PublicKey, Community.NowMs);

    [Fact]
    public void paying_exactly_up_to_the_limit_is_applied()
    {
        Applied(Pay(Resident, Shop, HM(6)), Resident);
        Applied(Pay(Resident, Shop, HM(4)), Resident);

        Assert.Equal(HM(10), SpentToday);
        Assert.Equal(HM(10), BalanceOf(Resident));
    }

    [Fact]
    public void one_cent_over_the_limit_is_rejected_with_daily_limit_exceeded()
    {
        Applied(Pay(Resident, Shop, HM(6)), Resident);

        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(4, 1)), Resident);
        Assert.Equal(HM(6), SpentToday);
        Assert.Equal(HM(14), BalanceOf(Resident));
    }

    [Fact]
    public void a_single_payment_above_the_limit_is_rejected_with_daily_limit_exceeded()
    {
        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(10, 1)), Resident);
        Assert.Equal(Amount.Zero, SpentToday);
    }

    [Fact]
    public void a_rejected_payment_does_not_count_against_the_day()
    {
        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(11)), Resident);

        Applied(Pay(Resident, Shop, HM(10)), Resident);
    }

    [Fact]
    public void the_last_millisecond_of_the_utc_day_is_still_the_same_day()
    {
        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Community.NowMs = NextUtcDayMs - 1;

        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, new Amount(1)), Resident);
    }

    [Fact]
    public void the_next_utc_day_the_whole_limit_is_available_again()
    {
        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Community.NowMs = NextUtcDayMs;

        Assert.Equal(Amount.Zero, SpentToday);
        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Assert.Equal(HM(10), SpentToday);
        Assert.Equal(Amount.Zero, BalanceOf(Resident));
    }

    [Fact]
    public void a_refund_does_not_restore_the_days_allowance()
    {
        var pay = Pay(Resident, Shop, HM(8));
        Applied(pay, Resident);
        Applied(Refund(Shop, Resident, pay.Header.Id, HM(8)), Shop);

        Assert.Equal(HM(20), BalanceOf(Resident));
        Assert.Equal(HM(8), SpentToday);
        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(3)), Resident);
        Applied(Pay(Resident, Shop, HM(2)), Resident);
    }

    [Fact]
    public void insufficient_funds_is_checked_before_the_daily_limit()
    {
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(100)) { Header = Header(Officer2) }, Officer2);

        Rejected(RejectionCode.InsufficientFunds, Pay(Resident, Shop, HM(25)), Resident);
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(10)) { Header = Header(Officer2) }, Officer2);
        Rejected(RejectionCode.InsufficientFunds, Pay(Resident, Shop, HM(25)), Resident);
    }

    [Fact]
    public void every_other_payment_rule_is_checked_before_the_daily_limit()
    {
        Rejected(RejectionCode.AmountNotPositive, Pay(Resident, Shop, Amount.Zero), Resident);
        Rejected(RejectionCode.MerchantNotAffiliated, Pay(Resident, Community.NewAccount(), HM(11)), Resident);
        Freeze(Shop);
        Rejected(RejectionCode.RecipientFrozen, Pay(Resident, Shop, HM(11)), Resident);
    }

    [Fact]
    public void lowering_the_limit_later_that_day_counts_what_was_already_paid()
    {
        Applied(Pay(Resident, Shop, HM(6)), Resident);
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(7)) { Header = Header(Officer2) }, Officer2);

        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(1, 1)), Resident);
        Applied(Pay(Resident, Shop, HM(1)), Resident);
    }

    [Fact]
    public void a_limit_lowered_below_what_was_paid_today_refuses_everything_until_the_next_day()
    {
        Applied(Pay(Resident, Shop, HM(6)), Resident);
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(5)) { Header = Header(Officer2) }, Officer2);

        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, new Amount(1)), Resident);
        Community.NowMs = NextUtcDayMs;
        Applied(Pay(Resident, Shop, HM(5)), Resident);
    }

    [Fact]
    public void removing_the_limit_lets_the_account_pay_its_whole_balance()
    {
        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Applied(new SetSpendingLimit(Resident.PublicKey, Amount.Zero) { Header = Header(Officer2) }, Officer2);

        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Assert.Equal(Amount.Zero, BalanceOf(Resident));
    }

    [Fact]
    public void an_account_without_a_limit_is_not_held_to_anyones()
    {
        var other = Community.NewEarner(30);

        Applied(Pay(other, Shop, HM(30)), other);
        Assert.False(State.SpendingLimits.ContainsKey(other.PublicKey));
    }

    [Fact]
    public void a_shop_with_a_limit_is_held_to_it_too()
    {
        var other = Community.NewMerchant();
        Applied(Pay(Resident, Shop, HM(10)), Resident);
        Applied(new SetSpendingLimit(Shop.PublicKey, HM(3)) { Header = Header(Officer2) }, Officer2);

        Rejected(RejectionCode.DailyLimitExceeded, Pay(Shop, other, HM(4)), Shop);
        Applied(Pay(Shop, other, HM(3)), Shop);
    }

    [Fact]
    public void the_chain_verifier_replays_every_decision_and_rebuilds_the_same_limits()
    {
        Applied(Pay(Resident, Shop, HM(6)), Resident);
        Rejected(RejectionCode.DailyLimitExceeded, Pay(Resident, Shop, HM(5)), Resident);
        Community.NowMs = NextUtcDayMs + 1;
        Applied(Pay(Resident, Shop, HM(9)), Resident);

        var report = Community.Verify();

        Assert.True(report.Ok, report.ToString());
        Assert.Equal(State.SpendingLimits, report.State.SpendingLimits);
        Assert.Equal(new SpendingLimit(HM(10), SpendingLimit.DayOf(NextUtcDayMs), HM(9)), report.State.SpendingLimits[Resident.PublicKey]);
    }

    [Fact]
    public void a_retry_of_a_rejected_payment_the_next_day_gets_its_first_outcome()
    {
        var pay = Pay(Resident, Shop, HM(11));
        Rejected(RejectionCode.DailyLimitExceeded, pay, Resident);
        Community.NowMs = NextUtcDayMs;

        var retry = Submit(pay, Resident);

        Assert.True(retry.IsRetry);
        Assert.Equal(RejectionCode.DailyLimitExceeded, retry.Code);
    }
}

/// <summary>
/// A resident's munt card (a printed key) is lost: an officer blocks it (freeze), two officers give the account a new
/// card (key rotation), and an officer unblocks it. Balance and daily limit stay with the account.
/// </summary>
public sealed class When_a_munt_card_is_lost_blocked_and_replaced : PaymentScenario
{
    private readonly SigningKey _newCard = SigningKey.Generate();

    public When_a_munt_card_is_lost_blocked_and_replaced() =>
        Applied(new SetSpendingLimit(Resident.PublicKey, HM(10)) { Header = Header(Officer1) }, Officer1);

    private AccountId Id => Resident.PublicKey;

    private Pay PayWithNewCard(Amount amount) => new(Shop.PublicKey, amount, null) { Header = Header(_newCard, account: Id) };

    private void BlockReplaceAndUnblock()
    {
        Applied(new FreezeAccount(Id, true) { Header = Header(Officer1) }, Officer1);
        Applied(new RotateKey(Id, _newCard.PublicKey) { Header = Header(Officer1) }, Officer1, cosigner: Officer2);
        Applied(new FreezeAccount(Id, false) { Header = Header(Officer2) }, Officer2);
    }

    [Fact]
    public void the_blocked_card_is_rejected_with_account_frozen()
    {
        Applied(new FreezeAccount(Id, true) { Header = Header(Officer1) }, Officer1);

        Rejected(RejectionCode.AccountFrozen, Pay(Resident, Shop, HM(5)), Resident);
        Assert.Equal(HM(20), BalanceOf(Resident));
    }

    [Fact]
    public void two_officers_may_give_a_frozen_account_a_new_key()
    {
        Applied(new FreezeAccount(Id, true) { Header = Header(Officer1) }, Officer1);

        Applied(new RotateKey(Id, _newCard.PublicKey) { Header = Header(Officer1) }, Officer1, cosigner: Officer2);

        Assert.Equal(_newCard.PublicKey, State.Accounts[Id].CurrentKey);
        Assert.True(State.Accounts[Id].Frozen);
    }

    [Fact]
    public void the_frozen_card_holder_cannot_rotate_the_key_alone()
    {
        Applied(new FreezeAccount(Id, true) { Header = Header(Officer1) }, Officer1);

        Rejected(RejectionCode.AccountFrozen, new RotateKey(Id, _newCard.PublicKey) { Header = Header(Resident) }, Resident);
        Assert.Equal(Id, State.Accounts[Id].CurrentKey);
    }

    [Fact]
    public void the_new_card_is_still_refused_while_the_account_is_frozen()
    {
        Applied(new FreezeAccount(Id, true) { Header = Header(Officer1) }, Officer1);
        Applied(new RotateKey(Id, _newCard.PublicKey) { Header = Header(Officer1) }, Officer1, cosigner: Officer2);

        Rejected(RejectionCode.AccountFrozen, PayWithNewCard(HM(5)), _newCard, actorAccount: Id);
    }

    [Fact]
    public void after_unblocking_the_new_card_pays_within_the_limit_and_the_old_card_is_refused()
    {
        Applied(Pay(Resident, Shop, HM(4)), Resident); // spent with the old card before it was lost

        BlockReplaceAndUnblock();

        Assert.Equal(HM(16), State.BalanceOf(Id));
        Assert.Equal(HM(10), State.DailyLimitOf(Id));
        Refused(RejectionCode.SignerKeyMismatch, () => Submit(Pay(Resident, Shop, HM(1)), Resident));
        Rejected(RejectionCode.DailyLimitExceeded, PayWithNewCard(HM(6, 1)), _newCard, actorAccount: Id);
        Applied(PayWithNewCard(HM(6)), _newCard, actorAccount: Id);
        Assert.Equal(HM(10), State.BalanceOf(Id));
        Assert.Equal(HM(10), BalanceOf(Shop));
    }

    [Fact]
    public void the_old_card_cannot_even_get_a_rejection_recorded()
    {
        BlockReplaceAndUnblock();

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(Pay(Resident, Shop, HM(50)), Resident));
        Refused(RejectionCode.SignerKeyMismatch, () => Submit(new RotateKey(Id, SigningKey.Generate().PublicKey) { Header = Header(Resident) }, Resident));
    }
}
