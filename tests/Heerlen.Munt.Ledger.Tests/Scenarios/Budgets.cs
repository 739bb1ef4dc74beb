using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_an_officer_mints_below_the_cosign_threshold : Scenario
{
    private MintBudget Mint(Amount amount, SigningKey officer, string budget = Budget) => new(budget, amount) { Header = Header(officer) };

    [Fact]
    public void one_officer_is_enough_and_the_budget_and_supply_grow()
    {
        Applied(Mint(HM(1_000), Officer2), Officer2);

        Assert.Equal(HM(6_000), State.Budgets[Budget]);
        Assert.Equal(HM(6_000), State.Minted);
        Assert.Equal(HM(6_000), State.Supply);
        Assert.Equal(Amount.Zero, State.Redeemed);
    }

    [Fact]
    public void a_new_budget_line_is_created()
    {
        Applied(Mint(HM(250, 50), Officer1, "groen-2026"), Officer1);

        Assert.Equal(HM(250, 50), State.Budgets["groen-2026"]);
        Assert.Equal(HM(5_000), State.Budgets[Budget]);
        Assert.Equal(HM(5_250, 50), State.Supply);
    }

    [Fact]
    public void exactly_the_threshold_needs_no_second_officer()
    {
        Applied(Mint(Community.Threshold, Officer1), Officer1);

        Assert.Equal(HM(15_000), State.Budgets[Budget]);
    }

    [Fact]
    public void a_second_officer_may_sign_anyway()
    {
        Applied(Mint(HM(10), Officer1), Officer1, cosigner: Officer2);

        Assert.Equal(HM(5_010), State.Budgets[Budget]);
    }

    [Fact]
    public void a_resident_minting_is_rejected_with_not_permitted()
    {
        var resident = Community.NewAccount();

        Rejected(RejectionCode.NotPermitted, Mint(HM(10), resident), resident);
    }

    [Fact]
    public void the_issuer_minting_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Mint(HM(10), Issuer), Issuer);
    }

    [Fact]
    public void a_zero_amount_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Mint(Amount.Zero, Officer1), Officer1);
    }

    [Fact]
    public void a_negative_amount_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Mint(new Amount(-100), Officer1), Officer1);
        Rejected(RejectionCode.AmountNotPositive, Mint(new Amount(long.MinValue), Officer1), Officer1);
    }

    [Fact]
    public void one_cent_more_than_the_maximum_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Mint(new Amount(Amount.CentsMax + 1), Officer1), Officer1, cosigner: Officer2);
    }

    [Fact]
    public void the_largest_long_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Mint(new Amount(long.MaxValue), Officer1), Officer1, cosigner: Officer2);
        // Alone, the officer is refused first: above the threshold a second officer must sign.
        Refused(RejectionCode.CosignerRequired, () => Submit(Mint(new Amount(long.MaxValue), Officer1), Officer1));
    }
}

public sealed class When_an_officer_mints_above_the_cosign_threshold : Scenario
{
    private MintBudget Mint(Amount amount, SigningKey officer) => new(Budget, amount) { Header = Header(officer) };

    [Fact]
    public void two_officers_signing_mint_it()
    {
        Applied(Mint(HM(20_000), Officer1), Officer1, cosigner: Officer2);

        Assert.Equal(HM(25_000), State.Budgets[Budget]);
        Assert.Equal(HM(25_000), State.Minted);
        Assert.Equal(HM(25_000), State.Supply);
    }

    [Fact]
    public void the_largest_allowed_amount_is_minted_by_two_officers()
    {
        Applied(Mint(new Amount(Amount.CentsMax), Officer2), Officer2, cosigner: Officer1);

        Assert.Equal(new Amount(Amount.CentsMax) + HM(5_000), State.Supply);
    }

    [Fact]
    public void one_officer_alone_is_refused_with_cosigner_required()
    {
        Refused(RejectionCode.CosignerRequired, () => Submit(Mint(Community.Threshold + new Amount(1), Officer1), Officer1));
        Assert.Equal(HM(5_000), State.Budgets[Budget]);
    }

    [Fact]
    public void a_resident_as_second_signer_is_refused_with_cosigner_invalid()
    {
        var resident = Community.NewAccount();

        Refused(RejectionCode.CosignerInvalid, () => Submit(Mint(HM(20_000), Officer1), Officer1, cosigner: resident));
    }

    [Fact]
    public void the_issuer_as_second_signer_is_refused_with_cosigner_invalid()
    {
        Refused(RejectionCode.CosignerInvalid, () => Submit(Mint(HM(20_000), Officer1), Officer1, cosigner: Issuer));
    }

    [Fact]
    public void the_same_officer_signing_twice_is_refused_with_signatures_do_not_fit()
    {
        Refused(RejectionCode.SignaturesDoNotFit, () => Submit(Mint(HM(20_000), Officer1), Officer1, cosigner: Officer1));
    }

    [Fact]
    public void a_second_signer_without_account_is_refused_with_unknown_signer()
    {
        Refused(RejectionCode.UnknownSigner, () => Submit(Mint(HM(20_000), Officer1), Officer1, cosigner: SigningKey.Generate()));
    }

    // Guards the fix for a bug found here: DecideMint accepted a frozen officer as cosigner.
    [Fact]
    public void a_frozen_officer_as_second_signer_is_not_accepted()
    {
        var officer3 = Community.NewAccount();
        Applied(new GrantRole(officer3.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        Applied(new FreezeAccount(Officer2.PublicKey, true) { Header = Header(Officer1) }, Officer1);

        Refused(RejectionCode.CosignerInvalid, () => Submit(Mint(HM(20_000), officer3), officer3, cosigner: Officer2));
        Assert.Equal(HM(5_000), State.Budgets[Budget]);
    }
}
