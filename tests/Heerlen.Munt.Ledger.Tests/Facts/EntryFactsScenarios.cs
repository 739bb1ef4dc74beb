using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Scenarios;

namespace Heerlen.Munt.Ledger.Tests.Facts;

/// <summary>
/// The facts of each kind of command, derived while the chain grows: a job in GMS (HM 15 × 3 slots),
/// two residents, a shop. Every entry is described from the state just before it (see <see cref="FactsTail"/>).
/// </summary>
public sealed class When_an_entry_is_described : Scenario
{
    private readonly FactsTail _tail;
    private readonly JobId _job = JobId.New();
    private readonly SigningKey _anna;
    private readonly SigningKey _bram;
    private readonly SigningKey _shop;

    public When_an_entry_is_described()
    {
        _anna = Community.NewAccount();
        _bram = Community.NewAccount();
        _shop = Community.NewMerchant();
        _tail = new FactsTail(Engine);
        _tail.CatchUp();
        Applied(Publish(_job, reward: 15, slots: 3), Officer1);
        _tail.Single();
    }

    private PublishJob Publish(JobId job, long reward, ushort slots, string neighbourhood = "gms") =>
        new(job, Budget, "straatmeubilair", neighbourhood, HM(reward), slots, Community.NowMs + 86_400_000) { Header = Header(Officer1) };

    /// <summary>Submits a command that must be applied and returns its facts.</summary>
    private EntryFacts FactsOfApplied(Command command, SigningKey key, SigningKey? cosigner = null)
    {
        Applied(command, key, cosigner);
        var facts = _tail.Single();
        Assert.True(facts.Applied);
        Assert.Equal(RejectionCode.None, facts.Outcome);
        Assert.Equal(command.Type, facts.Command);
        Assert.Equal(command.Header.Actor.ToString(), facts.Actor);
        Assert.Equal(command.Header.Id.ToString(), facts.CommandId);
        Assert.Equal(Engine.Entries[^1].Height, facts.Height);
        Assert.Equal(Engine.Entries[^1].TimestampMs, facts.TimestampMs);
        Assert.Equal(State.Supply.Cents, facts.SupplyAfterCents);
        return facts;
    }

    /// <summary>Submits a command that must be rejected (and recorded) with <paramref name="code"/> and returns its facts.</summary>
    private EntryFacts FactsOfRejected(RejectionCode code, Command command, SigningKey key)
    {
        long supplyBefore = State.Supply.Cents;
        Rejected(code, command, key);
        var facts = _tail.Single();
        Assert.False(facts.Applied);
        Assert.Equal(code, facts.Outcome);
        Assert.Equal(command.Type, facts.Command);
        Assert.Empty(facts.Movements);
        Assert.Equal(supplyBefore, facts.SupplyAfterCents);
        return facts;
    }

    private void EnrolAndSubmit(SigningKey worker, JobId? job = null)
    {
        FactsOfApplied(new Enrol(job ?? _job) { Header = Header(worker) }, worker);
        FactsOfApplied(new SubmitCompletion(job ?? _job, Hash32.Sha256([4, 5, 6])) { Header = Header(worker) }, worker);
    }

    private Pay PayShop(SigningKey payer, long euros, PaymentRequestId? request = null) => new(_shop.PublicKey, HM(euros), request) { Header = Header(payer) };

    private static Movement Moved(MovementKind kind, string from, string to, Amount amount) => new(kind, from, to, amount.Cents);

    private static string Pot(SigningKey key) => key.PublicKey.ToString();

    private void EarnFifteen(SigningKey worker)
    {
        EnrolAndSubmit(worker);
        FactsOfApplied(new ApproveCompletion(_job, worker.PublicKey) { Header = Header(Officer2) }, Officer2);
    }

    [Fact]
    public void the_first_entries_establish_grant_and_mint_and_only_the_mint_moves_money()
    {
        var genesis = _tail.All[0];
        Assert.Equal(0, genesis.Height);
        Assert.Equal(CommandType.EstablishChain, genesis.Command);
        Assert.Equal(Issuer.PublicKey.ToString(), genesis.Actor);
        Assert.Empty(genesis.Movements);
        Assert.Equal(0, genesis.SupplyAfterCents);

        var grant = _tail.All.First(f => f.Command == CommandType.GrantRole);
        Assert.Equal(Officer1.PublicKey.ToString(), grant.Subject);
        Assert.Empty(grant.Movements);

        var mint = _tail.All.First(f => f.Command == CommandType.MintBudget);
        Assert.Equal(Budget, mint.Reference);
        Assert.Equal([Moved(MovementKind.Mint, Movement.Issuance, Movement.BudgetPot(Budget), HM(5_000))], mint.Movements);
        Assert.Equal(HM(5_000).Cents, mint.SupplyAfterCents);
    }

    [Fact]
    public void minting_moves_the_amount_from_issuance_into_the_budget_pot_and_raises_the_supply()
    {
        var facts = FactsOfApplied(new MintBudget("nieuw-budget", HM(250)) { Header = Header(Officer2) }, Officer2);

        Assert.Equal([Moved(MovementKind.Mint, Movement.Issuance, "budget:nieuw-budget", HM(250))], facts.Movements);
        Assert.Equal("nieuw-budget", facts.Reference);
        Assert.Equal(HM(5_250).Cents, facts.SupplyAfterCents);
        Assert.Null(facts.Subject);
        Assert.Null(facts.Job);
    }

    [Fact]
    public void publishing_reserves_reward_times_slots_from_the_budget_pot_into_the_job_pot_and_describes_the_job()
    {
        var job = JobId.New();
        Community.NowMs += 5_000;
        var command = Publish(job, reward: 12, slots: 4, neighbourhood: "centrum");

        var facts = FactsOfApplied(command, Officer1);

        Assert.Equal([Moved(MovementKind.Reserve, "budget:" + Budget, "job:" + job, HM(48))], facts.Movements);
        Assert.Equal(new JobFacts(job.ToString(), "centrum", "straatmeubilair", Community.NowMs, HM(12).Cents, 4, command.DeadlineMs, FirstPickUp: false), facts.Job);
        Assert.Equal(State.Jobs[job].PublishedAtMs, facts.Job!.PublishedAtMs);
        Assert.Equal(Budget, facts.Reference);
        Assert.Equal(HM(5_000).Cents, facts.SupplyAfterCents);
    }

    [Fact]
    public void a_rejected_publish_under_an_existing_job_id_describes_the_job_on_the_ledger_not_the_rejected_one()
    {
        var existing = State.Jobs[_job];
        Community.NowMs += 60_000;

        var facts = FactsOfRejected(RejectionCode.JobExists, Publish(_job, reward: 99, slots: 1, neighbourhood: "centrum"), Officer1);

        Assert.Equal(new JobFacts(_job.ToString(), "gms", "straatmeubilair", existing.PublishedAtMs, HM(15).Cents, 3, existing.DeadlineMs, FirstPickUp: false), facts.Job);
    }

    [Fact]
    public void a_rejected_publish_of_a_new_job_id_describes_no_job()
    {
        var facts = FactsOfRejected(RejectionCode.BudgetInsufficient, Publish(JobId.New(), reward: 5_000, slots: 1), Officer1);

        Assert.Null(facts.Job);
        Assert.Equal(Budget, facts.Reference);
    }

    [Fact]
    public void the_first_enrolment_of_a_job_is_its_first_pick_up_and_later_ones_are_not()
    {
        var cees = Community.NewAccount();
        _tail.CatchUp();

        var first = FactsOfApplied(new Enrol(_job) { Header = Header(_anna) }, _anna);
        var second = FactsOfApplied(new Enrol(_job) { Header = Header(_bram) }, _bram);
        var again = FactsOfRejected(RejectionCode.AlreadyEnrolled, new Enrol(_job) { Header = Header(_anna) }, _anna);
        var third = FactsOfApplied(new Enrol(_job) { Header = Header(cees) }, cees);

        Assert.True(first.Job!.FirstPickUp);
        Assert.False(second.Job!.FirstPickUp);
        Assert.False(again.Job!.FirstPickUp);
        Assert.False(third.Job!.FirstPickUp);
        Assert.All([first, second, again, third], f => Assert.Empty(f.Movements));
        Assert.All([first, second, again, third], f => Assert.Null(f.Subject));
        Assert.All([first, second, third], f => Assert.Equal(_job.ToString(), f.Job!.Id));
    }

    [Fact]
    public void a_rejected_first_enrolment_is_not_a_pick_up_and_the_next_applied_one_is()
    {
        var refused = FactsOfRejected(RejectionCode.NotPermitted, new Enrol(_job) { Header = Header(Issuer) }, Issuer);
        var first = FactsOfApplied(new Enrol(_job) { Header = Header(_anna) }, _anna);

        Assert.False(refused.Job!.FirstPickUp);
        Assert.Equal(_job.ToString(), refused.Job.Id);
        Assert.True(first.Job!.FirstPickUp);
    }

    [Fact]
    public void a_re_enrolment_after_a_rejected_completion_is_not_a_first_pick_up()
    {
        EnrolAndSubmit(_anna);
        FactsOfApplied(new RejectCompletion(_job, _anna.PublicKey, CompletionRejectionReason.WorkNotDone) { Header = Header(Officer2) }, Officer2);

        var again = FactsOfApplied(new Enrol(_job) { Header = Header(_anna) }, _anna);

        Assert.False(again.Job!.FirstPickUp);
    }

    [Fact]
    public void an_approval_names_the_worker_and_pays_one_reward_from_the_job_pot()
    {
        EnrolAndSubmit(_anna);

        var facts = FactsOfApplied(new ApproveCompletion(_job, _anna.PublicKey) { Header = Header(Officer2) }, Officer2);

        Assert.Equal(Pot(_anna), facts.Subject);
        Assert.Equal(Officer2.PublicKey.ToString(), facts.Actor);
        Assert.Equal([Moved(MovementKind.Reward, "job:" + _job, Pot(_anna), HM(15))], facts.Movements);
        Assert.Equal(_job.ToString(), facts.Job!.Id);
        Assert.Equal(HM(15).Cents, facts.Job.RewardCents);
        Assert.False(facts.Job.FirstPickUp);
        Assert.Equal(HM(15), BalanceOf(_anna));
    }

    [Fact]
    public void submitting_and_rejecting_a_completion_move_no_money_and_the_rejection_names_the_worker()
    {
        FactsOfApplied(new Enrol(_job) { Header = Header(_bram) }, _bram);
        var submitted = FactsOfApplied(new SubmitCompletion(_job, Hash32.Sha256([9])) { Header = Header(_bram) }, _bram);
        var rejected = FactsOfApplied(new RejectCompletion(_job, _bram.PublicKey, CompletionRejectionReason.EvidenceUnclear) { Header = Header(Officer1) }, Officer1);

        Assert.Empty(submitted.Movements);
        Assert.Null(submitted.Subject);
        Assert.Equal("gms", submitted.Job!.Neighbourhood);
        Assert.Empty(rejected.Movements);
        Assert.Equal(Pot(_bram), rejected.Subject);
        Assert.Equal(_job.ToString(), rejected.Job!.Id);
    }

    [Fact]
    public void a_rejected_approval_still_describes_the_job_and_the_worker_but_pays_nothing()
    {
        FactsOfApplied(new Enrol(_job) { Header = Header(_anna) }, _anna);

        var facts = FactsOfRejected(RejectionCode.CompletionNotSubmitted, new ApproveCompletion(_job, _anna.PublicKey) { Header = Header(Officer2) }, Officer2);

        Assert.Equal(Pot(_anna), facts.Subject);
        Assert.Equal(_job.ToString(), facts.Job!.Id);
        Assert.Empty(StatisticsFold.BucketIds(facts));
    }

    [Fact]
    public void an_approval_of_an_unknown_job_is_rejected_without_job_facts()
    {
        var facts = FactsOfRejected(RejectionCode.JobNotFound, new ApproveCompletion(JobId.New(), _anna.PublicKey) { Header = Header(Officer2) }, Officer2);

        Assert.Null(facts.Job);
        Assert.Equal(Pot(_anna), facts.Subject);
    }

    [Fact]
    public void cancelling_releases_exactly_the_remaining_reserve_to_the_budget()
    {
        EarnFifteen(_anna);
        FactsOfApplied(new Enrol(_job) { Header = Header(_bram) }, _bram); // holds a slot, never paid

        var facts = FactsOfApplied(new CancelJob(_job) { Header = Header(Officer1) }, Officer1);

        Assert.Equal([Moved(MovementKind.Release, "job:" + _job, "budget:" + Budget, HM(30))], facts.Movements);
        Assert.Equal(_job.ToString(), facts.Job!.Id);
        Assert.Equal(HM(5_000 - 15), State.Budgets[Budget]);
        Assert.Equal(Amount.Zero, State.Jobs[_job].Reserve);
    }

    [Fact]
    public void cancelling_a_job_whose_reserve_is_all_paid_out_moves_nothing()
    {
        var small = JobId.New();
        Applied(Publish(small, reward: 7, slots: 1), Officer1);
        _tail.Single();
        EnrolAndSubmit(_anna, small);
        FactsOfApplied(new ApproveCompletion(small, _anna.PublicKey) { Header = Header(Officer2) }, Officer2);

        var facts = FactsOfApplied(new CancelJob(small) { Header = Header(Officer1) }, Officer1);

        Assert.Empty(facts.Movements);
        Assert.Equal(small.ToString(), facts.Job!.Id);
    }

    [Fact]
    public void a_payment_moves_money_from_the_resident_to_the_shop_and_refers_to_the_payment_request()
    {
        EarnFifteen(_anna);
        var request = PaymentRequestId.New();

        var facts = FactsOfApplied(PayShop(_anna, 6, request), _anna);
        var plain = FactsOfApplied(PayShop(_anna, 1), _anna);

        Assert.Equal([Moved(MovementKind.Payment, Pot(_anna), Pot(_shop), HM(6))], facts.Movements);
        Assert.Equal(Pot(_shop), facts.Subject);
        Assert.Equal(request.ToString(), facts.Reference);
        Assert.Null(facts.Job);
        Assert.Null(plain.Reference);
        Assert.Equal(HM(5_000).Cents, facts.SupplyAfterCents);
    }

    [Fact]
    public void a_rejected_payment_is_recorded_with_its_code_and_moves_no_money()
    {
        var facts = FactsOfRejected(RejectionCode.InsufficientFunds, PayShop(_bram, 1), _bram);

        Assert.Equal(Pot(_shop), facts.Subject);
        Assert.Equal(_bram.PublicKey.ToString(), facts.Actor);
        Assert.Empty(StatisticsFold.BucketIds(facts));
    }

    [Fact]
    public void a_refund_moves_money_from_the_shop_back_to_the_payer_and_refers_to_the_payment()
    {
        EarnFifteen(_anna);
        var pay = PayShop(_anna, 10);
        FactsOfApplied(pay, _anna);

        var facts = FactsOfApplied(new Refund(_anna.PublicKey, pay.Header.Id, HM(4)) { Header = Header(_shop) }, _shop);

        Assert.Equal([Moved(MovementKind.Refund, Pot(_shop), Pot(_anna), HM(4))], facts.Movements);
        Assert.Equal(Pot(_anna), facts.Subject);
        Assert.Equal(pay.Header.Id.ToString(), facts.Reference);
    }

    [Fact]
    public void a_redemption_burns_the_money_and_lowers_the_supply_and_its_settlement_refers_to_it()
    {
        EarnFifteen(_anna);
        FactsOfApplied(PayShop(_anna, 10), _anna);
        var redeem = new Redeem(HM(8)) { Header = Header(_shop) };

        var burnt = FactsOfApplied(redeem, _shop);
        var settled = FactsOfApplied(new SettleRedemption(_shop.PublicKey, redeem.Header.Id, "NL-2026-000123") { Header = Header(Officer2) }, Officer2);
        var again = FactsOfRejected(RejectionCode.RedemptionAlreadySettled, new SettleRedemption(_shop.PublicKey, redeem.Header.Id, "NL-2026-000124") { Header = Header(Officer1) }, Officer1);

        Assert.Equal([Moved(MovementKind.Redemption, Pot(_shop), Movement.Burnt, HM(8))], burnt.Movements);
        Assert.Equal(HM(4_992).Cents, burnt.SupplyAfterCents);
        Assert.Equal(redeem.Header.Id.ToString(), burnt.CommandId);
        Assert.Empty(settled.Movements);
        Assert.Equal(Pot(_shop), settled.Subject);
        Assert.Equal(redeem.Header.Id.ToString(), settled.Reference);
        Assert.Equal(HM(8).Cents, settled.SettledCents);
        Assert.Equal(0, burnt.SettledCents);
        Assert.Equal(0, again.SettledCents);
        Assert.Equal(redeem.Header.Id.ToString(), again.Reference);
        Assert.Equal(HM(4_992).Cents, settled.SupplyAfterCents);
    }

    [Fact]
    public void account_and_role_commands_name_their_subject_and_move_no_money()
    {
        var newcomer = SigningKey.Generate();
        var newKey = SigningKey.Generate();

        var opened = FactsOfApplied(new OpenAccount { Header = Header(newcomer) }, newcomer);
        var granted = FactsOfApplied(new GrantRole(_anna.PublicKey, Roles.Auditor) { Header = Header(Issuer) }, Issuer);
        var revoked = FactsOfApplied(new RevokeRole(_anna.PublicKey, Roles.Auditor) { Header = Header(Issuer) }, Issuer);
        var admitted = FactsOfApplied(new AdmitMerchant(_bram.PublicKey, "gms") { Header = Header(Officer1) }, Officer1);
        var suspended = FactsOfApplied(new SuspendMerchant(_bram.PublicKey) { Header = Header(Officer1) }, Officer1);
        var rotated = FactsOfApplied(new RotateKey(newcomer.PublicKey, newKey.PublicKey) { Header = Header(newcomer) }, newcomer);
        var frozen = FactsOfApplied(new FreezeAccount(_anna.PublicKey, true) { Header = Header(Officer2) }, Officer2);

        Assert.Equal(newcomer.PublicKey.ToString(), opened.Actor);
        Assert.Null(opened.Subject);
        Assert.Equal(Pot(_anna), granted.Subject);
        Assert.Equal(Pot(_anna), revoked.Subject);
        Assert.Equal(Pot(_bram), admitted.Subject);
        Assert.Equal(Pot(_bram), suspended.Subject);
        Assert.Equal(newcomer.PublicKey.ToString(), rotated.Subject);
        Assert.Equal(Pot(_anna), frozen.Subject);
        EntryFacts[] all = [opened, granted, revoked, admitted, suspended, rotated, frozen];
        Assert.All(all, f => Assert.Empty(f.Movements));
        Assert.All(all, f => Assert.Null(f.Job));
        Assert.All(all, f => Assert.Equal(HM(5_000).Cents, f.SupplyAfterCents));
    }

    [Fact]
    public void replaying_the_stored_chain_later_gives_the_same_facts_as_describing_each_entry_when_it_was_appended()
    {
        EarnFifteen(_anna);
        FactsOfApplied(PayShop(_anna, 10), _anna);
        FactsOfRejected(RejectionCode.InsufficientFunds, PayShop(_bram, 1), _bram);
        FactsOfApplied(new CancelJob(_job) { Header = Header(Officer1) }, Officer1);
        var stored = Engine.Entries.Select(e => Entry.TryDecode(e.Encode(), out var back, out _) ? back! : throw new InvalidOperationException("entry does not decode")).ToList();

        var again = new FactsTail(State.ChainId, stored).CatchUp();

        Assert.Equal(_tail.All.Count, again.Count);
        for (int i = 0; i < again.Count; i++) Assert.True(_tail.All[i].SameAs(again[i]), $"entry {i} differs");
    }
}
