using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_a_command_is_sent_again : PaymentScenario
{
    /// <summary>Submits a retry and checks that it is answered from the chain without writing anything.</summary>
    private SubmitResult Retry(Func<SubmitResult> submit, SubmitResult first)
    {
        long height = State.NextHeight;
        int entries = Engine.Entries.Count;
        string before = Snapshot.Of(State);

        SubmitResult again = submit();

        Assert.True(again.IsRetry, $"expected a retry, got {Rejections.Code(again.Code)} at {again.Height}");
        Assert.Equal(first.Code, again.Code);
        Assert.Equal(first.Height, again.Height);
        Assert.Equal(first.EntryHash, again.EntryHash);
        Assert.Equal(height, State.NextHeight);
        Assert.Equal(entries, Engine.Entries.Count);
        Assert.Equal(before, Snapshot.Of(State));
        return again;
    }

    [Fact]
    public void the_same_envelope_of_an_applied_payment_returns_its_height_and_pays_once()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(8)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.Equal(RejectionCode.None, again.Code);
        Assert.True(again.Applied);
        Assert.Equal(HM(12), BalanceOf(Resident));
        Assert.Equal(HM(8), BalanceOf(Shop));
    }

    [Fact]
    public void the_same_command_id_used_by_two_accounts_is_two_commands()
    {
        var id = CommandId.New();
        var other = Community.NewEarner(20);
        var first = Applied(new Pay(Shop.PublicKey, HM(1), null) { Header = Header(Resident, id) }, Resident);

        var second = Applied(new Pay(Shop.PublicKey, HM(2), null) { Header = Header(other, id) }, other);

        Assert.Equal(first.Height, State.FindCommand(Resident.PublicKey, id)!.Value.Height);
        Assert.Equal(second.Height, State.FindCommand(other.PublicKey, id)!.Value.Height);
        Assert.Equal(HM(19), BalanceOf(Resident));
        Assert.Equal(HM(18), BalanceOf(other));
    }

    [Fact]
    public void command_ids_that_differ_only_in_their_high_or_low_half_are_different_commands()
    {
        CommandId[] ids = [new(new UInt128(1, 2)), new(new UInt128(2, 1)), new(new UInt128(1, 3)), new(new UInt128(0, 2))];

        foreach (var id in ids) Applied(new Pay(Shop.PublicKey, HM(1), null) { Header = Header(Resident, id) }, Resident);

        Assert.Equal(HM(16), BalanceOf(Resident));
        Assert.Equal(ids.Length, ids.Select(id => State.FindCommand(Resident.PublicKey, id)!.Value.Height).Distinct().Count());
        Assert.Null(State.FindCommand(Resident.PublicKey, new CommandId(new UInt128(2, 2))));
    }

    [Fact]
    public void the_same_envelope_sent_many_times_is_recorded_once()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(1)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));

        for (int i = 0; i < 5; i++) Retry(() => SubmitBytes(envelope), first);

        Assert.Equal(HM(19), BalanceOf(Resident));
    }

    [Fact]
    public void the_same_envelope_of_a_recorded_rejection_returns_the_rejection_and_its_height()
    {
        var pay = Pay(Resident, Shop, HM(50));
        byte[] envelope = Envelope(pay, Resident);
        var first = RejectedBy(RejectionCode.InsufficientFunds, () => SubmitBytes(envelope));

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.Equal(RejectionCode.InsufficientFunds, again.Code);
        Assert.True(again.Height >= 0);
        Assert.Equal(new CommandRecord(SignedCommand.Create(pay, Resident).Digest, first.Height, RejectionCode.InsufficientFunds), State.FindCommand(Resident.PublicKey, pay.Header.Id));
    }

    [Fact]
    public void a_rejection_stays_the_answer_even_when_the_command_would_now_succeed()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(30)), Resident);
        var first = RejectedBy(RejectionCode.InsufficientFunds, () => SubmitBytes(envelope));
        var job = Community.PublishJob(20, 1);
        Applied(new Enrol(job) { Header = Header(Resident) }, Resident);
        Applied(new SubmitCompletion(job, Hash32.Sha256([9])) { Header = Header(Resident) }, Resident);
        Applied(new ApproveCompletion(job, Resident.PublicKey) { Header = Header(Officer1) }, Officer1);
        Assert.Equal(HM(40), BalanceOf(Resident));

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.Equal(RejectionCode.InsufficientFunds, again.Code);
        Assert.Equal(HM(40), BalanceOf(Resident));
    }

    [Fact]
    public void an_applied_payment_stays_applied_even_when_the_balance_is_now_too_low()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(15)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));
        Applied(Pay(Resident, Shop, HM(5)), Resident);
        Assert.Equal(Amount.Zero, BalanceOf(Resident));

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.True(again.Applied);
    }

    [Fact]
    public void a_re_signed_command_with_the_same_id_and_content_is_a_retry()
    {
        var pay = Pay(Resident, Shop, HM(8));
        byte[] firstEnvelope = Envelope(pay, Resident);
        byte[] secondEnvelope = Envelope(pay, Resident);
        Assert.NotEqual(firstEnvelope, secondEnvelope); // BIP340 signing uses fresh randomness.
        var first = Community.Ok(SubmitBytes(firstEnvelope));

        var again = Retry(() => SubmitBytes(secondEnvelope), first);

        Assert.True(again.Applied);
        Assert.Equal(HM(12), BalanceOf(Resident));
        Assert.Equal(firstEnvelope, Engine.Entries[(int)first.Height].Envelope);
    }

    [Fact]
    public void a_re_signed_recorded_rejection_is_a_retry()
    {
        var pay = Pay(Resident, Shop, HM(50));
        var first = Rejected(RejectionCode.InsufficientFunds, pay, Resident);

        var again = Retry(() => Submit(pay, Resident), first);

        Assert.Equal(RejectionCode.InsufficientFunds, again.Code);
    }

    [Fact]
    public void a_retry_of_a_mint_with_two_officers_is_a_retry()
    {
        var mint = new MintBudget(Budget, HM(20_000)) { Header = Header(Officer1) };
        var first = Applied(mint, Officer1, cosigner: Officer2);

        Retry(() => Submit(mint, Officer1, cosigner: Officer2), first);

        Assert.Equal(HM(25_000) - HM(20), State.Budgets[Budget]);
    }

    [Fact]
    public void a_retry_of_opening_an_account_is_a_retry()
    {
        var newcomer = SigningKey.Generate();
        byte[] envelope = Envelope(new OpenAccount { Header = Header(newcomer) }, newcomer);
        var first = Community.Ok(SubmitBytes(envelope));

        Retry(() => SubmitBytes(envelope), first);
    }

    [Fact]
    public void a_retry_through_the_verified_path_is_a_retry()
    {
        var signed = SignedCommand.Create(Pay(Resident, Shop, HM(2)), Resident);
        var verified = VerifiedCommand.Verify(signed, ManagedSchnorrVerifier.Instance);
        Assert.NotNull(verified);
        var first = Community.Ok(Engine.Submit(verified, Community.NowMs));

        Retry(() => Engine.Submit(verified, Community.NowMs), first);
        Retry(() => SubmitBytes(signed.Envelope), first);
    }

    [Fact]
    public void a_retry_from_an_account_frozen_since_returns_the_first_outcome()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(8)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));
        Freeze(Resident);

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.True(again.Applied);
    }

    [Fact]
    public void a_retry_to_a_shop_suspended_since_returns_the_first_outcome()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(8)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));
        Suspend(Shop);

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.True(again.Applied);
    }

    [Fact]
    public void a_mint_refused_for_a_missing_cosigner_can_be_resent_cosigned_under_the_same_id()
    {
        var mint = new MintBudget(Budget, HM(20_000)) { Header = Header(Officer1) };
        Amount before = State.Budgets[Budget];
        Refused(RejectionCode.CosignerRequired, () => Submit(mint, Officer1));

        Applied(mint, Officer1, cosigner: Officer2);

        Assert.Equal(before + HM(20_000), State.Budgets[Budget]);
    }

    // Found in review: a signature added or stripped in flight used to get a rejection recorded under the
    // author's command id, so the author's real command was then answered as a "retry" of that rejection.
    [Fact]
    public void a_stranger_who_adds_a_signature_to_someones_key_rotation_cannot_spoil_it()
    {
        var stranger = Community.NewAccount();
        var newKey = SigningKey.Generate();
        var rotate = new RotateKey(Resident.PublicKey, newKey.PublicKey) { Header = Header(Resident) };
        var genuine = SignedCommand.Create(rotate, Resident);
        var tampered = SignedCommand.FromParts(genuine.Envelope[..genuine.CommandLength],
            [genuine.Signatures[0], new CommandSignature(stranger.PublicKey, stranger.PublicKey, stranger.Sign(genuine.Digest.Span))]);

        Refused(RejectionCode.CosignerInvalid, tampered.Envelope);
        Community.Ok(SubmitBytes(genuine.Envelope));

        Assert.Equal(newKey.PublicKey, State.Accounts[Resident.PublicKey].CurrentKey);
    }

    [Fact]
    public void stripping_the_second_officer_from_a_large_mint_cannot_spoil_it()
    {
        var mint = new MintBudget(Budget, HM(20_000)) { Header = Header(Officer1) };
        var genuine = SignedCommand.Create(mint, Officer1, Officer2);
        var stripped = SignedCommand.FromParts(genuine.Envelope[..genuine.CommandLength], [genuine.Signatures[0]]);
        Amount before = State.Budgets[Budget];

        Refused(RejectionCode.CosignerRequired, stripped.Envelope);
        Community.Ok(SubmitBytes(genuine.Envelope));

        Assert.Equal(before + HM(20_000), State.Budgets[Budget]);
    }

    [Fact]
    public void a_retry_after_the_actors_key_was_rotated_returns_the_first_outcome()
    {
        byte[] envelope = Envelope(Pay(Resident, Shop, HM(8)), Resident);
        var first = Community.Ok(SubmitBytes(envelope));
        Applied(new RotateKey(Resident.PublicKey, SigningKey.Generate().PublicKey) { Header = Header(Resident) }, Resident);

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.True(again.Applied);
    }

    [Fact]
    public void a_different_payment_under_a_used_id_after_expiry_is_still_not_applied()
    {
        var pay = Pay(Resident, Shop, HM(8));
        Applied(pay, Resident);
        Community.NowMs = pay.Header.ExpiresAtMs + 1;

        Refused(RejectionCode.CommandExpired, () => Submit(Pay(Resident, Shop, HM(9)) with { Header = pay.Header }, Resident));
        Refused(RejectionCode.CommandIdReused, () => Submit(Pay(Resident, Shop, HM(9)) with { Header = pay.Header with { ExpiresAtMs = Community.NowMs + 1_000 } }, Resident));
        Assert.Equal(HM(12), BalanceOf(Resident));
    }

    // Guards the fix for a bug found here: expiry used to be checked before the retry lookup, so a late
    // retry of an applied payment was answered command_expired ("try again"), inviting a double payment.
    [Fact]
    public void a_retry_after_the_expiry_of_an_applied_payment_returns_the_first_outcome()
    {
        var pay = Pay(Resident, Shop, HM(8));
        byte[] envelope = Envelope(pay, Resident);
        var first = Community.Ok(SubmitBytes(envelope));
        Community.NowMs = pay.Header.ExpiresAtMs + 1;

        var again = Retry(() => SubmitBytes(envelope), first);

        Assert.True(again.Applied);
        Assert.Equal(HM(12), BalanceOf(Resident));
    }
}
