using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

/// <summary>Base for refusal scenarios: a resident with HM 20, a shop, and a valid payment envelope to damage.</summary>
public abstract class RefusalScenario : Scenario
{
    protected RefusalScenario()
    {
        Resident = Community.NewEarner(20);
        Shop = Community.NewMerchant();
    }

    protected SigningKey Resident { get; }

    protected SigningKey Shop { get; }

    protected Pay Payment(Amount? amount = null, CommandId? id = null, long? expiresAtMs = null) =>
        new(Shop.PublicKey, amount ?? HM(5), null) { Header = Header(Resident, id, expiresAtMs) };

    protected byte[] ValidEnvelope() => Envelope(Payment(), Resident);

    /// <summary>Offset of the type byte: version u8, chain id (u8 length + bytes), then type u8.</summary>
    protected static int TypeOffset(byte[] envelope) => 1 + 1 + envelope[1];

    protected void NothingWasPaid()
    {
        Assert.Equal(HM(20), BalanceOf(Resident));
        Assert.Equal(Amount.Zero, BalanceOf(Shop));
    }
}

public sealed class When_the_bytes_are_not_a_command : RefusalScenario
{
    [Fact]
    public void garbage_is_refused_as_malformed()
    {
        Refused(RejectionCode.MalformedCommand, [0x01, 0xFF, 0x13, 0x37, 0x00, 0x42]);
    }

    [Fact]
    public void empty_input_is_refused_as_malformed()
    {
        Refused(RejectionCode.MalformedCommand, []);
    }

    [Fact]
    public void a_truncated_envelope_is_refused_as_malformed()
    {
        byte[] envelope = ValidEnvelope();

        Refused(RejectionCode.MalformedCommand, envelope[..^1]);
        Refused(RejectionCode.MalformedCommand, envelope[..(TypeOffset(envelope) + 5)]);
        NothingWasPaid();
    }

    [Fact]
    public void a_trailing_byte_is_refused_as_malformed()
    {
        Refused(RejectionCode.MalformedCommand, [.. ValidEnvelope(), 0x00]);
        NothingWasPaid();
    }

    [Fact]
    public void an_envelope_without_signatures_is_refused_as_malformed()
    {
        var signed = SignedCommand.Create(Payment(), Resident);
        byte[] unsigned = [.. signed.Envelope.AsSpan(0, signed.CommandLength), 0x00];

        Refused(RejectionCode.MalformedCommand, unsigned);
    }

    [Fact]
    public void more_than_1024_bytes_are_refused_as_too_large()
    {
        Refused(RejectionCode.CommandTooLarge, new byte[SignedCommand.EnvelopeBytesMax + 1]);
    }

    [Fact]
    public void a_valid_envelope_padded_beyond_1024_bytes_is_refused_as_too_large()
    {
        byte[] envelope = ValidEnvelope();
        byte[] padded = [.. envelope, .. new byte[SignedCommand.EnvelopeBytesMax + 1 - envelope.Length]];

        Refused(RejectionCode.CommandTooLarge, padded);
        NothingWasPaid();
    }

    [Fact]
    public void version_2_is_refused_as_unsupported_version()
    {
        byte[] envelope = ValidEnvelope();
        envelope[0] = 2;

        Refused(RejectionCode.UnsupportedVersion, envelope);
        NothingWasPaid();
    }

    [Fact]
    public void version_0_is_refused_as_unsupported_version()
    {
        byte[] envelope = ValidEnvelope();
        envelope[0] = 0;

        Refused(RejectionCode.UnsupportedVersion, envelope);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(25)]
    [InlineData(255)]
    public void an_unknown_type_byte_is_refused_as_unknown_command_type(byte type)
    {
        byte[] envelope = ValidEnvelope();
        Assert.Equal((byte)CommandType.Pay, envelope[TypeOffset(envelope)]);
        envelope[TypeOffset(envelope)] = type;

        Refused(RejectionCode.UnknownCommandType, envelope);
        NothingWasPaid();
    }
}

public sealed class When_a_command_is_for_another_chain : RefusalScenario
{
    private Pay ForOtherChain() =>
        new(Shop.PublicKey, HM(5), null) { Header = Header(Resident) with { ChainId = "heerlen-munt/other" } };

    [Fact]
    public void its_envelope_is_refused_with_wrong_chain_id()
    {
        Refused(RejectionCode.WrongChainId, Envelope(ForOtherChain(), Resident));
        NothingWasPaid();
    }

    [Fact]
    public void a_verified_command_is_refused_by_the_rules_with_wrong_chain_id()
    {
        var verified = VerifiedCommand.Verify(SignedCommand.Create(ForOtherChain(), Resident), ManagedSchnorrVerifier.Instance);
        Assert.NotNull(verified);

        Refused(RejectionCode.WrongChainId, () => Engine.Submit(verified, Community.NowMs));
        NothingWasPaid();
    }
}

public sealed class When_a_signature_is_tampered_with : RefusalScenario
{
    [Theory]
    [InlineData(1, 0x01)]
    [InlineData(1, 0x80)]
    [InlineData(32, 0x10)]
    [InlineData(64, 0x04)]
    public void a_flipped_bit_in_the_signature_is_refused_with_bad_signature(int fromEnd, byte bit)
    {
        byte[] envelope = ValidEnvelope();
        envelope[^fromEnd] ^= bit;

        Refused(RejectionCode.BadSignature, envelope);
        NothingWasPaid();
    }

    [Fact]
    public void a_changed_amount_under_the_old_signature_is_refused_with_bad_signature()
    {
        var signed = SignedCommand.Create(Payment(HM(5)), Resident);
        var forged = Payment(HM(19)) with { Header = signed.Command.Header };
        var envelope = SignedCommand.FromParts(CommandCodec.Encode(forged), signed.Signatures).Envelope;

        Refused(RejectionCode.BadSignature, envelope);
        NothingWasPaid();
    }
}

public sealed class When_a_command_has_expired : RefusalScenario
{
    [Fact]
    public void it_is_refused_with_command_expired()
    {
        var pay = Payment(expiresAtMs: Community.NowMs + 1_000);
        Community.NowMs += 1_001;

        Refused(RejectionCode.CommandExpired, () => Submit(pay, Resident));
        NothingWasPaid();
    }

    [Fact]
    public void at_its_expiry_time_it_is_still_applied()
    {
        var pay = Payment(expiresAtMs: Community.NowMs + 1_000);
        Community.NowMs += 1_000;

        Applied(pay, Resident);
    }

    [Fact]
    public void an_officer_command_is_refused_with_command_expired_too()
    {
        var mint = new MintBudget(Budget, HM(10)) { Header = Header(Officer1, expiresAtMs: Community.NowMs - 1) };

        Refused(RejectionCode.CommandExpired, () => Submit(mint, Officer1));
        Assert.Equal(HM(5_000), State.Minted);
    }
}

public sealed class When_a_key_without_account_signs : RefusalScenario
{
    [Fact]
    public void a_payment_is_refused_with_unknown_signer()
    {
        var stranger = SigningKey.Generate();

        Refused(RejectionCode.UnknownSigner, () => Submit(new Pay(Shop.PublicKey, HM(1), null) { Header = Header(stranger) }, stranger));
    }
}

public sealed class When_a_wrong_key_signs_for_an_account : RefusalScenario
{
    [Fact]
    public void the_payment_is_refused_with_signer_key_mismatch()
    {
        var thief = SigningKey.Generate();
        var pay = new Pay(Shop.PublicKey, HM(20), null) { Header = Header(thief, account: Resident.PublicKey) };

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(pay, thief, actorAccount: Resident.PublicKey));
        NothingWasPaid();
    }

    [Fact]
    public void another_residents_key_is_refused_with_signer_key_mismatch()
    {
        var other = Community.NewAccount();
        var pay = new Pay(Shop.PublicKey, HM(20), null) { Header = Header(other, account: Resident.PublicKey) };

        Refused(RejectionCode.SignerKeyMismatch, () => Submit(pay, other, actorAccount: Resident.PublicKey));
        NothingWasPaid();
    }
}

public sealed class When_signatures_do_not_fit_the_command : RefusalScenario
{
    [Fact]
    public void a_cosigner_on_a_payment_is_refused_with_signatures_do_not_fit()
    {
        Refused(RejectionCode.SignaturesDoNotFit, () => Submit(Payment(), Resident, cosigner: Officer1));
        NothingWasPaid();
    }

    [Fact]
    public void a_cosigner_on_opening_an_account_is_refused_with_signatures_do_not_fit()
    {
        var newcomer = SigningKey.Generate();

        Refused(RejectionCode.SignaturesDoNotFit, () => Submit(new OpenAccount { Header = Header(newcomer) }, newcomer, cosigner: Officer1));
        Assert.False(State.Accounts.ContainsKey(newcomer.PublicKey));
    }

    [Fact]
    public void a_first_signature_not_by_the_actor_is_refused_with_signatures_do_not_fit()
    {
        var pay = Payment();
        byte[] body = CommandCodec.Encode(pay);
        var digest = CommandCodec.SigningDigest(body);
        var signature = new CommandSignature(Shop.PublicKey, Shop.PublicKey, Shop.Sign(digest.Span));

        Refused(RejectionCode.SignaturesDoNotFit, SignedCommand.FromParts(body, [signature]).Envelope);
        NothingWasPaid();
    }
}

public sealed class When_a_command_id_is_reused : RefusalScenario
{
    [Fact]
    public void different_content_under_the_same_id_is_refused_with_command_id_reused()
    {
        var id = CommandId.New();
        Applied(Payment(HM(5), id), Resident);

        Refused(RejectionCode.CommandIdReused, () => Submit(Payment(HM(6), id), Resident));
        Assert.Equal(HM(15), BalanceOf(Resident));
    }

    [Fact]
    public void a_different_command_type_under_the_same_id_is_refused_with_command_id_reused()
    {
        var id = CommandId.New();
        Applied(Payment(HM(5), id), Resident);

        Refused(RejectionCode.CommandIdReused, () => Submit(new Enrol(JobId.New()) { Header = Header(Resident, id) }, Resident));
    }

    [Fact]
    public void reusing_the_id_of_a_recorded_rejection_is_refused_with_command_id_reused()
    {
        var id = CommandId.New();
        Rejected(RejectionCode.InsufficientFunds, Payment(HM(50), id), Resident);

        Refused(RejectionCode.CommandIdReused, () => Submit(Payment(HM(5), id), Resident));
        Assert.Equal(HM(20), BalanceOf(Resident));
    }

    [Fact]
    public void another_account_may_use_the_same_id()
    {
        var id = CommandId.New();
        Applied(Payment(HM(5), id), Resident);
        var other = Community.NewEarner(10);

        Applied(new Pay(Shop.PublicKey, HM(5), null) { Header = Header(other, id) }, other);
        Assert.Equal(HM(10), BalanceOf(Shop));
    }

    [Fact]
    public void an_id_first_refused_for_a_bad_signature_can_still_be_used()
    {
        var id = CommandId.New();
        byte[] envelope = Envelope(Payment(HM(5), id), Resident);
        envelope[^1] ^= 1;
        Refused(RejectionCode.BadSignature, envelope);

        Applied(Payment(HM(6), id), Resident);
        Assert.Equal(HM(14), BalanceOf(Resident));
    }
}
