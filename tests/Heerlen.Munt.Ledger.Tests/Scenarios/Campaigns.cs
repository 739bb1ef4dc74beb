using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Participation;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_a_module_runs_a_reward_campaign : Scenario
{
    private const long Hour = 3_600_000;
    private readonly SigningKey _module;
    private readonly SigningKey _voter;
    private readonly CampaignId _campaign = CampaignId.New();

    public When_a_module_runs_a_reward_campaign()
    {
        _module = Community.NewAccount();
        Community.Ok(Submit(new GrantRole(_module.PublicKey, Roles.Module) { Header = Header(Issuer) }, Issuer));
        _voter = Community.NewAccount();
    }

    private OpenCampaign Open(CampaignId? id = null, SigningKey? by = null, long reward = 100, long? opensAt = null, long? closesAt = null, ushort cap = 1,
        bool sensitive = false, byte[]? key = null, string budget = Budget) =>
        new(id ?? _campaign, budget, new Amount(reward), opensAt ?? Community.NowMs, closesAt ?? Community.NowMs + 24 * Hour,
            CampaignScope.City, null, cap, sensitive, sensitive ? null : "stemmen-heeft-zin-2026", key ?? Tokens.CampaignKey.PublicKey.Encode())
        { Header = Header(by ?? _module) };

    private FundCampaign Fund(long cents, SigningKey? by = null, CampaignId? id = null) => new(id ?? _campaign, new Amount(cents)) { Header = Header(by ?? Officer1) };

    private RedeemReward Redeem(SigningKey resident, (Hash32 Serial, byte[] Signature) token, CampaignId? id = null) =>
        new(id ?? _campaign, token.Serial, token.Signature) { Header = Header(resident) };

    private (Hash32 Serial, byte[] Signature) TokenFor(SigningKey resident, RsaBlindPrivateKey? key = null, CampaignId? id = null) =>
        Tokens.Make(key ?? Tokens.CampaignKey, Community.ChainId, id ?? _campaign, resident.PublicKey);

    private void OpenAndFund(long rewards = 10, ushort cap = 1)
    {
        Applied(Open(cap: cap), _module);
        Applied(Fund(100 * rewards), Officer1);
    }

    [Fact]
    public void a_module_opens_a_campaign_with_its_terms_and_key_and_no_money_yet()
    {
        Applied(Open(cap: 2), _module);

        var c = State.Campaigns[_campaign];
        Assert.Equal(_module.PublicKey, c.Module);
        Assert.Equal(Budget, c.Budget);
        Assert.Equal(new Amount(100), c.Reward);
        Assert.Equal(2, c.PerPersonCap);
        Assert.Equal("stemmen-heeft-zin-2026", c.Name);
        Assert.Equal(Tokens.CampaignKey.PublicKey.KeyId, c.Key.KeyId);
        Assert.Equal(Amount.Zero, c.Funds);
        Assert.False(c.Closed);
    }

    [Fact]
    public void only_a_module_may_open_a_campaign()
    {
        Rejected(RejectionCode.NotPermitted, Open(by: Officer1), Officer1);
        Rejected(RejectionCode.NotPermitted, Open(by: _voter), _voter);
        Rejected(RejectionCode.NotPermitted, Open(by: Issuer), Issuer);
    }

    [Fact]
    public void a_campaign_id_is_used_once()
    {
        Applied(Open(), _module);
        Rejected(RejectionCode.CampaignExists, Open(), _module);
    }

    [Fact]
    public void a_campaign_with_a_bad_window_cap_key_reward_or_budget_is_rejected_with_its_reason()
    {
        Rejected(RejectionCode.CampaignWindowInvalid, Open(opensAt: Community.NowMs, closesAt: Community.NowMs), _module);
        Rejected(RejectionCode.CampaignWindowInvalid, Open(opensAt: Community.NowMs - 2 * Hour, closesAt: Community.NowMs - Hour), _module);
        Rejected(RejectionCode.RewardCapInvalid, Open(cap: 0), _module);
        Rejected(RejectionCode.AmountNotPositive, Open(reward: 0), _module);
        Rejected(RejectionCode.BudgetNotFound, Open(budget: "bestaat-niet"), _module);
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: [1, 2, 3]), _module);
        byte[] flipped = Tokens.CampaignKey.PublicKey.Encode();
        flipped[^1] ^= 1; // an even exponent
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: flipped), _module);
    }

    [Fact]
    public void a_key_whose_private_half_anyone_could_work_out_is_rejected_with_campaign_key_invalid()
    {
        var random = new Org.BouncyCastle.Security.SecureRandom();
        var prime = Org.BouncyCastle.Math.BigInteger.ProbablePrime(2048, random);
        var half = Org.BouncyCastle.Math.BigInteger.ProbablePrime(1024, random);
        while (half.Multiply(half).BitLength < 2048) half = Org.BouncyCastle.Math.BigInteger.ProbablePrime(1024, random); // a 2048-bit square
        var e = Org.BouncyCastle.Math.BigInteger.ValueOf(65537);
        byte[] Key(Org.BouncyCastle.Math.BigInteger n, Org.BouncyCastle.Math.BigInteger exponent) =>
            RsaBlindPublicKey.FromComponents(n.ToByteArrayUnsigned(), exponent.ToByteArrayUnsigned()).Encode();
        var good = Tokens.CampaignKey.PublicKey;
        var goodN = new Org.BouncyCastle.Math.BigInteger(1, good.Modulus.ToArray());

        // A prime modulus: d = e⁻¹ mod (n − 1), so anyone reading the key could forge tokens.
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: Key(prime, e)), _module);
        // A perfect square, and a modulus with a small factor.
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: Key(half.Multiply(half), e)), _module);
        var withSmallFactor = Org.BouncyCastle.Math.BigInteger.ValueOf(65521).Multiply(Org.BouncyCastle.Math.BigInteger.ProbablePrime(2040, random));
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: Key(withSmallFactor, e)), _module);
        // A good modulus with another exponent: every check of a token would cost up to the modulus' size.
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: Key(goodN, Org.BouncyCastle.Math.BigInteger.Three)), _module);
        Rejected(RejectionCode.CampaignKeyInvalid, Open(key: Key(goodN, goodN.ShiftRight(8).SetBit(0))), _module);

        Assert.Null(RewardToken.CampaignKeyProblem(good));
        Applied(Open(key: good.Encode()), _module);
    }

    [Fact]
    public void a_window_longer_than_five_years_or_before_1970_is_rejected_with_campaign_window_invalid()
    {
        Rejected(RejectionCode.CampaignWindowInvalid, Open(closesAt: Community.NowMs + RewardToken.CampaignWindowMaxMs + 1), _module);
        Rejected(RejectionCode.CampaignWindowInvalid, Open(opensAt: -1), _module);
        Rejected(RejectionCode.CampaignWindowInvalid, Open(opensAt: long.MaxValue - 1, closesAt: long.MaxValue), _module);
        Applied(Open(closesAt: Community.NowMs + RewardToken.CampaignWindowMaxMs), _module);
    }

    [Fact]
    public void a_serial_seen_in_someones_rejected_hand_in_cannot_spoil_their_token()
    {
        OpenAndFund(rewards: 1);
        var alice = Community.NewAccount();
        var bob = Community.NewAccount();
        Applied(Redeem(_voter, TokenFor(_voter)), _voter); // the money is gone now
        var alicesToken = TokenFor(alice);
        Rejected(RejectionCode.CampaignBudgetExhausted, Redeem(alice, alicesToken), alice); // her serial is on the chain now
        Applied(Fund(200), Officer1);

        // Bob has his own token signed for Alice's serial (the desk signs blindly) and hands it in first.
        var bobsToken = (alicesToken.Serial, Tokens.Make(Tokens.CampaignKey, Community.ChainId, _campaign, bob.PublicKey, alicesToken.Serial).Signature);
        Applied(Redeem(bob, bobsToken), bob);

        Applied(Redeem(alice, alicesToken), alice);
        Assert.Equal(new Amount(100), BalanceOf(alice));
        Rejected(RejectionCode.RewardAlreadyRedeemed, Redeem(alice, alicesToken), alice);
    }

    [Fact]
    public void a_sensitive_campaign_carries_no_name_on_the_chain()
    {
        Assert.Throws<ArgumentException>(() => CommandCodec.Encode(Open(sensitive: true) with { Name = "panel-sociale-dienst" }));
        Applied(Open(sensitive: true), _module);

        var recorded = Engine.Entries[^1];
        var command = Assert.IsType<OpenCampaign>(SignedCommand.Decode(recorded.Envelope, Community.ChainId).Command!.Command);
        Assert.True(command.Sensitive);
        Assert.Null(command.Name);
        Assert.Null(State.Campaigns[_campaign].Name);
    }

    [Fact]
    public void an_officer_funds_it_from_its_budget_line()
    {
        Applied(Open(), _module);
        Amount budgetBefore = State.Budgets[Budget];

        Applied(Fund(1_000), Officer1);

        Assert.Equal(new Amount(1_000), State.Campaigns[_campaign].Funds);
        Assert.Equal(budgetBefore - new Amount(1_000), State.Budgets[Budget]);
        Assert.Equal(new Amount(1_000), State.CampaignFunds);
    }

    [Fact]
    public void only_an_officer_funds_a_campaign_and_never_beyond_the_budget()
    {
        Applied(Open(), _module);

        Rejected(RejectionCode.NotPermitted, Fund(100, by: _module), _module);
        Rejected(RejectionCode.NotPermitted, Fund(100, by: _voter), _voter);
        Rejected(RejectionCode.BudgetInsufficient, Fund(State.Budgets[Budget].Cents + 1), Officer1);
        Rejected(RejectionCode.CampaignNotFound, Fund(100, id: CampaignId.New()), Officer1);
    }

    [Fact]
    public void a_genuine_token_pays_the_reward_to_the_account_it_was_made_for()
    {
        OpenAndFund();

        Applied(Redeem(_voter, TokenFor(_voter)), _voter);

        Assert.Equal(new Amount(100), BalanceOf(_voter));
        Assert.Equal(new Amount(900), State.Campaigns[_campaign].Funds);
        Assert.Equal(1, State.Campaigns[_campaign].Paid);
    }

    [Fact]
    public void redeeming_the_same_token_twice_is_rejected_with_reward_already_redeemed()
    {
        OpenAndFund(cap: 5);
        var token = TokenFor(_voter);
        Applied(Redeem(_voter, token), _voter);

        Rejected(RejectionCode.RewardAlreadyRedeemed, Redeem(_voter, token), _voter);

        Assert.Equal(new Amount(100), BalanceOf(_voter));
    }

    [Fact]
    public void a_token_signed_with_another_campaigns_key_is_rejected_with_reward_token_invalid()
    {
        OpenAndFund();

        Rejected(RejectionCode.RewardTokenInvalid, Redeem(_voter, TokenFor(_voter, Tokens.OtherCampaignKey)), _voter);
    }

    [Fact]
    public void a_key_another_campaign_used_is_rejected_with_campaign_key_reused_even_after_it_closed()
    {
        OpenAndFund();
        Applied(new CloseCampaign(_campaign) { Header = Header(_module) }, _module);

        Rejected(RejectionCode.CampaignKeyReused, Open(id: CampaignId.New()), _module);
        Applied(Open(id: CampaignId.New(), key: Tokens.OtherCampaignKey.PublicKey.Encode()), _module);
    }

    [Fact]
    public void a_token_names_its_campaign_so_it_is_worthless_in_any_other_even_under_the_same_key()
    {
        var other = CampaignId.New();
        var (serial, signature) = TokenFor(_voter, id: other);

        Assert.True(RewardToken.Verify(Tokens.CampaignKey.PublicKey, Community.ChainId, other, _voter.PublicKey, serial, signature));
        Assert.False(RewardToken.Verify(Tokens.CampaignKey.PublicKey, Community.ChainId, _campaign, _voter.PublicKey, serial, signature));
        Assert.False(RewardToken.Verify(Tokens.CampaignKey.PublicKey, "heerlen-munt/other", other, _voter.PublicKey, serial, signature));
    }

    [Fact]
    public void a_token_copied_from_the_chain_is_worthless_to_anyone_else()
    {
        OpenAndFund(cap: 5);
        var token = TokenFor(_voter);
        Applied(Redeem(_voter, token), _voter);
        var thief = Community.NewAccount();

        // Serial and signature are in the voter's entry for everyone to read; the thief's account is not in the signed message.
        Rejected(RejectionCode.RewardTokenInvalid, Redeem(thief, token), thief);
    }

    [Fact]
    public void a_tampered_token_is_rejected_with_reward_token_invalid()
    {
        OpenAndFund();
        var (serial, signature) = TokenFor(_voter);
        byte[] bent = (byte[])signature.Clone();
        bent[10] ^= 0x20;
        byte[] otherSerial = serial.Span.ToArray();
        otherSerial[0] ^= 1;

        Rejected(RejectionCode.RewardTokenInvalid, Redeem(_voter, (serial, bent)), _voter);
        Rejected(RejectionCode.RewardTokenInvalid, Redeem(_voter, (new Hash32(otherSerial), signature)), _voter);
        Rejected(RejectionCode.RewardTokenInvalid, Redeem(_voter, (serial, signature[..^1])), _voter);
        Rejected(RejectionCode.RewardTokenInvalid, Redeem(_voter, (serial, new byte[256])), _voter);
    }

    [Fact]
    public void before_its_window_a_campaign_refuses_with_campaign_not_open_yet()
    {
        Applied(Open(opensAt: Community.NowMs + Hour), _module);
        Applied(Fund(1_000), Officer1);
        var token = TokenFor(_voter);

        Rejected(RejectionCode.CampaignNotOpenYet, Redeem(_voter, token), _voter);
        Community.NowMs += Hour;
        Applied(Redeem(_voter, token), _voter);
    }

    [Fact]
    public void after_its_window_a_campaign_refuses_rewards_and_funding_with_campaign_closed()
    {
        OpenAndFund();
        var token = TokenFor(_voter);
        Community.NowMs += 24 * Hour;

        Rejected(RejectionCode.CampaignClosed, Redeem(_voter, token), _voter);
        Rejected(RejectionCode.CampaignClosed, Fund(100), Officer1);
    }

    [Fact]
    public void closing_returns_what_is_left_to_the_budget_and_refuses_every_later_token()
    {
        OpenAndFund();
        Applied(Redeem(_voter, TokenFor(_voter)), _voter);
        Amount budgetBefore = State.Budgets[Budget];
        var late = Community.NewAccount();
        var token = TokenFor(late);

        Applied(new CloseCampaign(_campaign) { Header = Header(_module) }, _module);

        Assert.Equal(budgetBefore + new Amount(900), State.Budgets[Budget]);
        Assert.Equal(Amount.Zero, State.Campaigns[_campaign].Funds);
        Assert.Equal(Amount.Zero, State.CampaignFunds);
        Assert.True(State.Campaigns[_campaign].Closed);
        Rejected(RejectionCode.CampaignClosed, Redeem(late, token), late);
        Rejected(RejectionCode.CampaignClosed, Fund(100), Officer1);
        Rejected(RejectionCode.CampaignClosed, new CloseCampaign(_campaign) { Header = Header(Officer1) }, Officer1);
    }

    [Fact]
    public void an_officer_may_close_a_campaign_but_another_module_or_a_resident_may_not()
    {
        OpenAndFund();
        var otherModule = Community.NewAccount();
        Community.Ok(Submit(new GrantRole(otherModule.PublicKey, Roles.Module) { Header = Header(Issuer) }, Issuer));

        Rejected(RejectionCode.NotPermitted, new CloseCampaign(_campaign) { Header = Header(otherModule) }, otherModule);
        Rejected(RejectionCode.NotPermitted, new CloseCampaign(_campaign) { Header = Header(_voter) }, _voter);
        Applied(new CloseCampaign(_campaign) { Header = Header(Officer2) }, Officer2);
    }

    [Fact]
    public void when_the_money_runs_out_a_token_is_refused_with_campaign_budget_exhausted_and_pays_after_more_funding()
    {
        OpenAndFund(rewards: 2);
        var residents = Enumerable.Range(0, 3).Select(_ => Community.NewAccount()).ToArray();
        var tokens = residents.Select(r => TokenFor(r)).ToArray();
        Applied(Redeem(residents[0], tokens[0]), residents[0]);
        Applied(Redeem(residents[1], tokens[1]), residents[1]);

        Rejected(RejectionCode.CampaignBudgetExhausted, Redeem(residents[2], tokens[2]), residents[2]);
        Assert.Equal(Amount.Zero, State.Campaigns[_campaign].Funds);

        Applied(Fund(100, by: Officer2), Officer2);
        Applied(Redeem(residents[2], tokens[2]), residents[2]);
        Assert.Equal(new Amount(100), BalanceOf(residents[2]));
    }

    [Fact]
    public void one_account_gets_at_most_the_per_person_cap()
    {
        OpenAndFund(cap: 2);
        Applied(Redeem(_voter, TokenFor(_voter)), _voter);
        Applied(Redeem(_voter, TokenFor(_voter)), _voter);

        Rejected(RejectionCode.RewardCapReached, Redeem(_voter, TokenFor(_voter)), _voter);
        Assert.Equal(2, State.Campaigns[_campaign].RewardsOf(_voter.PublicKey));
    }

    [Fact]
    public void a_shop_or_an_officer_cannot_redeem_a_token()
    {
        OpenAndFund();
        var shop = Community.NewMerchant();
        Community.Ok(Submit(new RevokeRole(shop.PublicKey, Roles.Resident) { Header = Header(Officer1) }, Officer1));

        Rejected(RejectionCode.NotPermitted, Redeem(shop, TokenFor(shop)), shop);
    }

    [Fact]
    public void the_facts_move_money_from_budget_to_campaign_to_resident_and_the_rest_back()
    {
        OpenAndFund(rewards: 3);
        Applied(Redeem(_voter, TokenFor(_voter)), _voter);
        Applied(new CloseCampaign(_campaign) { Header = Header(_module) }, _module);

        var facts = new Tests.Facts.FactsTail(Engine).CatchUp().Where(f => f.Reference == _campaign.ToString()).SelectMany(f => f.Movements).ToList();
        string pot = Movement.CampaignPot(_campaign);
        Assert.Equal(
            [
                new Movement(MovementKind.CampaignFunding, Movement.BudgetPot(Budget), pot, 300),
                new Movement(MovementKind.ParticipationReward, pot, _voter.PublicKey.ToString(), 100),
                new Movement(MovementKind.CampaignRelease, pot, Movement.BudgetPot(Budget), 200),
            ],
            facts);
    }
}
