using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_the_issuer_establishes_the_chain() : Scenario(established: false)
{
    private EstablishChain Establish(long? expiresAtMs = null) =>
        new(Community.Operator.PublicKey, Community.Threshold) { Header = Header(Issuer, expiresAtMs: expiresAtMs) };

    [Fact]
    public void the_issuer_account_is_created_at_height_zero_with_the_chain_settings()
    {
        var result = Applied(Establish(), Issuer);

        Assert.Equal(0, result.Height);
        Assert.True(State.IsEstablished);
        Assert.Equal(Issuer.PublicKey, State.Issuer);
        Assert.Equal(Community.Operator.PublicKey, State.OperatorKey);
        Assert.Equal(Community.Threshold, State.MintCosignThreshold);
        Assert.Equal(Roles.Issuer, Account(Issuer).Roles);
        Assert.Equal(Amount.Zero, State.Supply);
        Assert.Equal(Amount.Zero, BalanceOf(Issuer));
        Assert.Empty(State.Budgets);
    }

    [Fact]
    public void residents_can_open_accounts_afterwards()
    {
        Applied(Establish(), Issuer);
        var resident = SigningKey.Generate();

        Applied(new OpenAccount { Header = Header(resident) }, resident);

        Assert.Equal(Roles.Resident, Account(resident).Roles);
    }

    [Fact]
    public void an_expired_establish_chain_is_refused_with_command_expired()
    {
        var establish = Establish(expiresAtMs: Community.NowMs - 1);

        Refused(RejectionCode.CommandExpired, () => Submit(establish, Issuer));
        Assert.False(State.IsEstablished);
    }

    [Fact]
    public void a_negative_cosign_threshold_is_refused_as_malformed()
    {
        Refused(RejectionCode.MalformedCommand,
            () => Submit(new EstablishChain(Community.Operator.PublicKey, new Amount(-1)) { Header = Header(Issuer) }, Issuer));
        Assert.False(State.IsEstablished);
    }
}

public sealed class When_the_chain_is_not_established() : Scenario(established: false)
{
    [Fact]
    public void opening_an_account_is_refused_with_chain_not_established()
    {
        var resident = SigningKey.Generate();

        Refused(RejectionCode.ChainNotEstablished, () => Submit(new OpenAccount { Header = Header(resident) }, resident));
        Assert.False(State.IsEstablished);
    }

    [Fact]
    public void an_establish_chain_not_signed_by_its_own_key_is_refused_with_chain_not_established()
    {
        var impostor = SigningKey.Generate();
        var command = new EstablishChain(Community.Operator.PublicKey, Community.Threshold) { Header = Header(Issuer) };

        Refused(RejectionCode.ChainNotEstablished, () => Submit(command, impostor, actorAccount: Issuer.PublicKey));
        Assert.False(State.IsEstablished);
    }
}

public sealed class When_the_chain_is_already_established : Scenario
{
    [Fact]
    public void establishing_it_again_is_refused_with_chain_already_established()
    {
        var command = new EstablishChain(Community.Operator.PublicKey, Amount.Zero) { Header = Header(Issuer) };

        Refused(RejectionCode.ChainAlreadyEstablished, () => Submit(command, Issuer));
        Assert.Equal(Community.Threshold, State.MintCosignThreshold);
    }

    [Fact]
    public void retrying_the_exact_establish_command_gets_its_first_outcome_at_height_zero()
    {
        var fresh = new Community(established: false);
        var envelope = SignedCommand.Create(new EstablishChain(fresh.Operator.PublicKey, Community.Threshold) { Header = fresh.Header(fresh.Issuer) }, fresh.Issuer).Envelope;
        var first = Community.Ok(fresh.Engine.Submit(envelope, fresh.NowMs));

        var retry = fresh.Engine.Submit(envelope, fresh.NowMs + 1_000);

        Assert.True(retry.IsRetry);
        Assert.Equal(0, retry.Height);
        Assert.Equal(first.EntryHash, retry.EntryHash);
        Assert.Single(fresh.Engine.Entries);
    }

    [Fact]
    public void establishing_it_with_another_key_is_refused_with_chain_already_established()
    {
        var usurper = SigningKey.Generate();
        var command = new EstablishChain(usurper.PublicKey, Amount.Zero) { Header = Header(usurper) };

        Refused(RejectionCode.ChainAlreadyEstablished, () => Submit(command, usurper));
        Assert.Equal(Issuer.PublicKey, State.Issuer);
    }

    [Fact]
    public void the_fixture_holds_an_issuer_two_officers_and_a_budget()
    {
        Assert.Equal(Roles.Issuer, Account(Issuer).Roles);
        Assert.Equal(Roles.Officer | Roles.Resident, Account(Officer1).Roles);
        Assert.Equal(Roles.Officer | Roles.Resident, Account(Officer2).Roles);
        Assert.Equal(HM(5_000), State.Budgets[Budget]);
        Assert.Equal(HM(5_000), State.Minted);
        Assert.Equal(HM(5_000), State.Supply);
        Assert.Equal(Amount.Zero, State.Redeemed);
        Assert.Equal(Amount.Zero, State.Reserved);
    }
}
