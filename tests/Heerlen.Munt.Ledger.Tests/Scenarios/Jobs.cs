using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Scenarios;

public sealed class When_an_officer_publishes_a_job : Scenario
{
    private PublishJob Publish(JobId? job = null, string budget = Budget, Amount? reward = null, ushort slots = 2, long? deadlineMs = null, SigningKey? officer = null) =>
        new(job ?? JobId.New(), budget, "straatmeubilair", "gms", reward ?? HM(15), slots, deadlineMs ?? Community.NowMs + 86_400_000)
        {
            Header = Header(officer ?? Officer1),
        };

    [Fact]
    public void reward_times_slots_moves_from_the_budget_into_the_job_reserve()
    {
        var command = Publish(reward: HM(15), slots: 2);

        Applied(command, Officer1);

        var job = State.Jobs[command.Job];
        Assert.Equal(HM(30), job.Reserve);
        Assert.Equal(0, job.Taken);
        Assert.Equal(0, job.Paid);
        Assert.Equal(2, job.Slots);
        Assert.Equal(HM(15), job.Reward);
        Assert.True(job.Open);
        Assert.Equal(Officer1.PublicKey, job.Publisher);
        Assert.Equal(Budget, job.Budget);
        Assert.Equal("straatmeubilair", job.Category);
        Assert.Equal("gms", job.Neighbourhood);
        Assert.Equal(command.DeadlineMs, job.DeadlineMs);
        Assert.Equal(Community.NowMs, job.PublishedAtMs);
        Assert.Empty(job.Participants);
        Assert.Equal(HM(4_970), State.Budgets[Budget]);
        Assert.Equal(HM(30), State.Reserved);
        Assert.Equal(HM(5_000), State.Supply);
    }

    [Fact]
    public void jobs_with_the_same_budget_category_and_neighbourhood_share_one_instance_of_each_name()
    {
        var first = Publish(slots: 1);
        var second = Publish(slots: 1, officer: Officer2);

        Applied(first, Officer1);
        Applied(second, Officer2);

        var (a, b) = (State.Jobs[first.Job], State.Jobs[second.Job]);
        Assert.Same(a.Neighbourhood, b.Neighbourhood);
        Assert.Same(a.Category, b.Category);
        Assert.Same(a.Budget, b.Budget);
        Assert.Same(State.Budgets.Keys.Single(), a.Budget);
        Assert.Equal(Officer2.PublicKey, b.Publisher);
    }

    [Fact]
    public void the_whole_budget_can_be_reserved()
    {
        Applied(Publish(reward: HM(2_500), slots: 2, officer: Officer2), Officer2);

        Assert.Equal(Amount.Zero, State.Budgets[Budget]);
        Assert.Equal(HM(5_000), State.Reserved);
    }

    [Fact]
    public void the_same_job_id_again_is_rejected_with_job_exists()
    {
        var job = JobId.New();
        Applied(Publish(job), Officer1);

        Rejected(RejectionCode.JobExists, Publish(job, reward: HM(1), slots: 1, officer: Officer2), Officer2);
        Assert.Equal(HM(30), State.Jobs[job].Reserve);
    }

    [Fact]
    public void an_unknown_budget_is_rejected_with_budget_not_found()
    {
        Rejected(RejectionCode.BudgetNotFound, Publish(budget: "bestaat-niet"), Officer1);
    }

    [Fact]
    public void more_than_the_budget_holds_is_rejected_with_budget_insufficient()
    {
        Rejected(RejectionCode.BudgetInsufficient, Publish(reward: HM(2_500, 1), slots: 2), Officer1);
        Assert.Empty(State.Jobs);
    }

    [Fact]
    public void zero_slots_is_rejected_with_slots_invalid()
    {
        Rejected(RejectionCode.SlotsInvalid, Publish(slots: 0), Officer1);
    }

    [Fact]
    public void a_deadline_now_is_rejected_with_deadline_in_past()
    {
        Rejected(RejectionCode.DeadlineInPast, Publish(deadlineMs: Community.NowMs), Officer1);
    }

    [Fact]
    public void a_deadline_yesterday_is_rejected_with_deadline_in_past()
    {
        Rejected(RejectionCode.DeadlineInPast, Publish(deadlineMs: Community.NowMs - 86_400_000), Officer1);
    }

    [Fact]
    public void a_zero_reward_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Publish(reward: Amount.Zero), Officer1);
    }

    [Fact]
    public void a_negative_reward_is_rejected_with_amount_not_positive()
    {
        Rejected(RejectionCode.AmountNotPositive, Publish(reward: new Amount(-1_500)), Officer1);
    }

    [Fact]
    public void a_reward_above_the_maximum_is_rejected_with_amount_too_large()
    {
        Rejected(RejectionCode.AmountTooLarge, Publish(reward: new Amount(Amount.CentsMax + 1), slots: 1), Officer1);
        Rejected(RejectionCode.AmountTooLarge, Publish(reward: new Amount(long.MaxValue), slots: ushort.MaxValue), Officer1);
    }

    [Fact]
    public void a_resident_publishing_is_rejected_with_not_permitted()
    {
        var resident = Community.NewAccount();

        Rejected(RejectionCode.NotPermitted, Publish(officer: resident), resident);
    }
}

/// <summary>Base for job scenarios: a published job (HM 15 × 2 slots) and two residents.</summary>
public abstract class JobScenario : Scenario
{
    protected JobScenario(long rewardEuros = 15, ushort slots = 2)
    {
        Job = Community.PublishJob(rewardEuros, slots);
        Anna = Community.NewAccount();
        Bram = Community.NewAccount();
    }

    protected JobId Job { get; }

    protected SigningKey Anna { get; }

    protected SigningKey Bram { get; }

    protected JobState JobState => State.Jobs[Job];

    protected static Hash32 Photo(byte n) => Hash32.Sha256([n, n, n]);

    protected Enrol Enrol(SigningKey worker, JobId? job = null) => new(job ?? Job) { Header = Header(worker) };

    protected SubmitCompletion Done(SigningKey worker, byte photo = 1, JobId? job = null) => new(job ?? Job, Photo(photo)) { Header = Header(worker) };

    protected ApproveCompletion Approve(SigningKey officer, SigningKey worker, JobId? job = null) => new(job ?? Job, worker.PublicKey) { Header = Header(officer) };

    protected RejectCompletion Reject(SigningKey officer, SigningKey worker, CompletionRejectionReason reason = CompletionRejectionReason.EvidenceUnclear) =>
        new(Job, worker.PublicKey, reason) { Header = Header(officer) };

    protected CancelJob Cancel(SigningKey officer, JobId? job = null) => new(job ?? Job) { Header = Header(officer) };

    protected void EnrolAndSubmit(SigningKey worker)
    {
        Applied(Enrol(worker), worker);
        Applied(Done(worker), worker);
    }
}

public sealed class When_a_resident_does_a_job : JobScenario
{
    [Fact]
    public void enrolling_takes_a_slot()
    {
        Applied(Enrol(Anna), Anna);

        Assert.Equal(1, JobState.Taken);
        Assert.Equal(EnrolmentStatus.Enrolled, JobState.Participants[Anna.PublicKey].Status);
        Assert.Null(JobState.Participants[Anna.PublicKey].Evidence);
        Assert.Equal(HM(30), JobState.Reserve);
    }

    [Fact]
    public void submitting_records_the_evidence_hash()
    {
        Applied(Enrol(Anna), Anna);
        Applied(Done(Anna, photo: 7), Anna);

        Assert.Equal(EnrolmentStatus.Submitted, JobState.Participants[Anna.PublicKey].Status);
        Assert.Equal(Photo(7), JobState.Participants[Anna.PublicKey].Evidence);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void resubmitting_before_a_decision_replaces_the_evidence()
    {
        EnrolAndSubmit(Anna);
        Applied(Done(Anna, photo: 9), Anna);

        Assert.Equal(Photo(9), JobState.Participants[Anna.PublicKey].Evidence);
        Assert.Equal(EnrolmentStatus.Submitted, JobState.Participants[Anna.PublicKey].Status);
    }

    [Fact]
    public void the_evidence_hash_stays_readable_after_approval()
    {
        Applied(Enrol(Anna), Anna);
        Applied(Done(Anna, photo: 7), Anna);

        Applied(Approve(Officer2, Anna), Officer2);

        Assert.Equal(Photo(7), JobState.Participants[Anna.PublicKey].Evidence);
        Assert.Equal(Photo(7), JobState.Participants[Anna.PublicKey].Evidence); // each read gives the same hash
    }

    [Fact]
    public void enrolling_again_after_a_rejection_starts_without_evidence_until_the_next_report()
    {
        Applied(Enrol(Anna), Anna);
        Applied(Done(Anna, photo: 7), Anna);
        Applied(Reject(Officer1, Anna), Officer1);
        Assert.Equal(Photo(7), JobState.Participants[Anna.PublicKey].Evidence);

        Applied(Enrol(Anna), Anna);
        Assert.Null(JobState.Participants[Anna.PublicKey].Evidence);
        Assert.Null(JobState.Participants[Anna.PublicKey].RejectionReason);

        Applied(Done(Anna, photo: 8), Anna);
        Assert.Equal(Photo(8), JobState.Participants[Anna.PublicKey].Evidence);
    }

    [Fact]
    public void approving_pays_the_reward_from_the_reserve()
    {
        EnrolAndSubmit(Anna);

        Applied(Approve(Officer2, Anna), Officer2);

        Assert.Equal(EnrolmentStatus.Approved, JobState.Participants[Anna.PublicKey].Status);
        Assert.Equal(HM(15), BalanceOf(Anna));
        Assert.Equal(HM(15), JobState.Reserve);
        Assert.Equal(1, JobState.Paid);
        Assert.Equal(1, JobState.Taken);
        Assert.Equal(HM(15), State.Reserved);
        Assert.Equal(HM(4_970), State.Budgets[Budget]);
        Assert.Equal(HM(5_000), State.Supply);
    }

    [Fact]
    public void the_publishing_officer_may_approve_someone_elses_work()
    {
        EnrolAndSubmit(Anna);

        Applied(Approve(Officer1, Anna), Officer1);

        Assert.Equal(HM(15), BalanceOf(Anna));
    }

    [Fact]
    public void both_slots_paid_empty_the_reserve()
    {
        EnrolAndSubmit(Anna);
        EnrolAndSubmit(Bram);
        Applied(Approve(Officer1, Anna), Officer1);
        Applied(Approve(Officer2, Bram), Officer2);

        Assert.Equal(Amount.Zero, JobState.Reserve);
        Assert.Equal(2, JobState.Paid);
        Assert.Equal(2, JobState.Taken);
        Assert.Equal(Amount.Zero, State.Reserved);
        Assert.Equal(HM(15), BalanceOf(Anna));
        Assert.Equal(HM(15), BalanceOf(Bram));
    }

    [Fact]
    public void rejecting_frees_the_slot_and_keeps_the_reserve()
    {
        EnrolAndSubmit(Anna);

        Applied(Reject(Officer1, Anna, CompletionRejectionReason.WrongLocation), Officer1);

        var enrolment = JobState.Participants[Anna.PublicKey];
        Assert.Equal(EnrolmentStatus.Rejected, enrolment.Status);
        Assert.Equal(CompletionRejectionReason.WrongLocation, enrolment.RejectionReason);
        Assert.Equal(0, JobState.Taken);
        Assert.Equal(0, JobState.Paid);
        Assert.Equal(HM(30), JobState.Reserve);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void a_rejected_resident_may_enrol_again_and_be_paid()
    {
        EnrolAndSubmit(Anna);
        Applied(Reject(Officer1, Anna), Officer1);

        EnrolAndSubmit(Anna);
        Applied(Approve(Officer2, Anna), Officer2);

        Assert.Equal(HM(15), BalanceOf(Anna));
        Assert.Equal(1, JobState.Taken);
        Assert.Equal(1, JobState.Paid);
    }

    [Fact]
    public void cancelling_returns_the_whole_reserve_to_the_budget()
    {
        Applied(Enrol(Anna), Anna);

        Applied(Cancel(Officer2), Officer2);

        Assert.False(JobState.Open);
        Assert.Equal(Amount.Zero, JobState.Reserve);
        Assert.Equal(Amount.Zero, State.Reserved);
        Assert.Equal(HM(5_000), State.Budgets[Budget]);
        Assert.Equal(HM(5_000), State.Supply);
    }

    [Fact]
    public void cancelling_after_a_payment_returns_only_the_unpaid_reserve()
    {
        EnrolAndSubmit(Anna);
        Applied(Approve(Officer2, Anna), Officer2);

        Applied(Cancel(Officer1), Officer1);

        Assert.Equal(HM(4_985), State.Budgets[Budget]);
        Assert.Equal(HM(15), BalanceOf(Anna));
        Assert.Equal(Amount.Zero, JobState.Reserve);
        Assert.Equal(1, JobState.Paid);
    }
}

public sealed class When_residents_enrol_in_a_job : JobScenario
{
    public When_residents_enrol_in_a_job() : base(rewardEuros: 15, slots: 1)
    {
    }

    [Fact]
    public void enrolling_twice_is_rejected_with_already_enrolled()
    {
        Applied(Enrol(Anna), Anna);

        Rejected(RejectionCode.AlreadyEnrolled, Enrol(Anna), Anna);
        Assert.Equal(1, JobState.Taken);
    }

    [Fact]
    public void enrolling_after_approval_is_rejected_with_already_enrolled()
    {
        EnrolAndSubmit(Anna);
        Applied(Approve(Officer1, Anna), Officer1);

        Rejected(RejectionCode.AlreadyEnrolled, Enrol(Anna), Anna);
    }

    [Fact]
    public void enrolling_in_a_full_job_is_rejected_with_job_full()
    {
        Applied(Enrol(Anna), Anna);

        Rejected(RejectionCode.JobFull, Enrol(Bram), Bram);
        Assert.False(JobState.Participants.ContainsKey(Bram.PublicKey));
    }

    [Fact]
    public void enrolling_after_the_deadline_is_rejected_with_job_deadline_passed()
    {
        Community.NowMs += 86_400_000 + 1;

        Rejected(RejectionCode.JobDeadlinePassed, Enrol(Anna), Anna);
        Assert.Equal(0, JobState.Taken);
    }

    [Fact]
    public void enrolling_at_the_deadline_itself_is_still_allowed()
    {
        Community.NowMs = JobState.DeadlineMs;

        Applied(Enrol(Anna), Anna);
    }

    [Fact]
    public void enrolling_in_an_unknown_job_is_rejected_with_job_not_found()
    {
        Rejected(RejectionCode.JobNotFound, Enrol(Anna, JobId.New()), Anna);
    }

    [Fact]
    public void enrolling_in_a_cancelled_job_is_rejected_with_job_not_open()
    {
        Applied(Cancel(Officer1), Officer1);

        Rejected(RejectionCode.JobNotOpen, Enrol(Anna), Anna);
    }

    [Fact]
    public void the_issuer_enrolling_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Enrol(Issuer), Issuer);
    }

    [Fact]
    public void a_resident_whose_resident_role_was_revoked_enrolling_is_rejected_with_not_permitted()
    {
        Applied(new RevokeRole(Anna.PublicKey, Roles.Resident) { Header = Header(Officer1) }, Officer1);

        Rejected(RejectionCode.NotPermitted, Enrol(Anna), Anna);
    }
}

public sealed class When_a_completion_is_decided : JobScenario
{
    [Fact]
    public void submitting_without_enrolling_is_rejected_with_not_enrolled()
    {
        Rejected(RejectionCode.NotEnrolled, Done(Anna), Anna);
    }

    [Fact]
    public void submitting_after_being_rejected_is_rejected_with_not_enrolled()
    {
        EnrolAndSubmit(Anna);
        Applied(Reject(Officer1, Anna), Officer1);

        Rejected(RejectionCode.NotEnrolled, Done(Anna), Anna);
    }

    [Fact]
    public void submitting_for_an_unknown_job_is_rejected_with_job_not_found()
    {
        Rejected(RejectionCode.JobNotFound, Done(Anna, job: JobId.New()), Anna);
    }

    [Fact]
    public void submitting_for_a_cancelled_job_is_rejected_with_job_not_open()
    {
        Applied(Enrol(Anna), Anna);
        Applied(Cancel(Officer1), Officer1);

        Rejected(RejectionCode.JobNotOpen, Done(Anna), Anna);
    }

    [Fact]
    public void approving_someone_not_enrolled_is_rejected_with_not_enrolled()
    {
        Rejected(RejectionCode.NotEnrolled, Approve(Officer1, Anna), Officer1);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void approving_before_submission_is_rejected_with_completion_not_submitted()
    {
        Applied(Enrol(Anna), Anna);

        Rejected(RejectionCode.CompletionNotSubmitted, Approve(Officer1, Anna), Officer1);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void rejecting_before_submission_is_rejected_with_completion_not_submitted()
    {
        Applied(Enrol(Anna), Anna);

        Rejected(RejectionCode.CompletionNotSubmitted, Reject(Officer1, Anna), Officer1);
    }

    [Fact]
    public void approving_twice_is_rejected_with_completion_already_decided()
    {
        EnrolAndSubmit(Anna);
        Applied(Approve(Officer1, Anna), Officer1);

        Rejected(RejectionCode.CompletionAlreadyDecided, Approve(Officer2, Anna), Officer2);
        Assert.Equal(HM(15), BalanceOf(Anna));
    }

    [Fact]
    public void rejecting_after_approval_is_rejected_with_completion_already_decided()
    {
        EnrolAndSubmit(Anna);
        Applied(Approve(Officer1, Anna), Officer1);

        Rejected(RejectionCode.CompletionAlreadyDecided, Reject(Officer2, Anna), Officer2);
    }

    [Fact]
    public void submitting_after_approval_is_rejected_with_completion_already_decided()
    {
        EnrolAndSubmit(Anna);
        Applied(Approve(Officer1, Anna), Officer1);

        Rejected(RejectionCode.CompletionAlreadyDecided, Done(Anna, photo: 2), Anna);
    }

    [Fact]
    public void approving_a_rejected_completion_is_rejected_with_completion_already_decided()
    {
        EnrolAndSubmit(Anna);
        Applied(Reject(Officer1, Anna), Officer1);

        Rejected(RejectionCode.CompletionAlreadyDecided, Approve(Officer2, Anna), Officer2);
    }

    [Fact]
    public void approving_in_an_unknown_job_is_rejected_with_job_not_found()
    {
        Rejected(RejectionCode.JobNotFound, Approve(Officer1, Anna, JobId.New()), Officer1);
    }

    [Fact]
    public void approving_in_a_cancelled_job_is_rejected_with_job_not_open()
    {
        EnrolAndSubmit(Anna);
        Applied(Cancel(Officer1), Officer1);

        Rejected(RejectionCode.JobNotOpen, Approve(Officer2, Anna), Officer2);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void a_resident_approving_is_rejected_with_not_permitted()
    {
        EnrolAndSubmit(Anna);

        Rejected(RejectionCode.NotPermitted, Approve(Bram, Anna), Bram);
        Rejected(RejectionCode.NotPermitted, Approve(Anna, Anna), Anna);
    }

    [Fact]
    public void approving_a_frozen_worker_is_rejected_with_recipient_frozen()
    {
        EnrolAndSubmit(Anna);
        Applied(new FreezeAccount(Anna.PublicKey, true) { Header = Header(Officer1) }, Officer1);

        Rejected(RejectionCode.RecipientFrozen, Approve(Officer2, Anna), Officer2);
        Assert.Equal(Amount.Zero, BalanceOf(Anna));
    }

    [Fact]
    public void cancelling_a_cancelled_job_is_rejected_with_job_not_open()
    {
        Applied(Cancel(Officer1), Officer1);

        Rejected(RejectionCode.JobNotOpen, Cancel(Officer2), Officer2);
    }

    [Fact]
    public void cancelling_an_unknown_job_is_rejected_with_job_not_found()
    {
        Rejected(RejectionCode.JobNotFound, Cancel(Officer1, JobId.New()), Officer1);
    }

    [Fact]
    public void a_resident_cancelling_is_rejected_with_not_permitted()
    {
        Rejected(RejectionCode.NotPermitted, Cancel(Anna), Anna);
        Assert.True(JobState.Open);
    }
}

public sealed class When_an_officer_approves_their_own_work : JobScenario
{
    private readonly SigningKey _officerResident;

    public When_an_officer_approves_their_own_work()
    {
        // OpenAccount makes a resident; granting Officer makes them both.
        _officerResident = Community.NewAccount();
        Applied(new GrantRole(_officerResident.PublicKey, Roles.Officer) { Header = Header(Issuer) }, Issuer);
        EnrolAndSubmit(_officerResident);
    }

    [Fact]
    public void the_approval_is_rejected_with_four_eyes_violation()
    {
        Rejected(RejectionCode.FourEyesViolation, Approve(_officerResident, _officerResident), _officerResident);

        Assert.Equal(Amount.Zero, BalanceOf(_officerResident));
        Assert.Equal(EnrolmentStatus.Submitted, JobState.Participants[_officerResident.PublicKey].Status);
    }

    [Fact]
    public void rejecting_their_own_work_is_rejected_with_four_eyes_violation_too()
    {
        Rejected(RejectionCode.FourEyesViolation, Reject(_officerResident, _officerResident), _officerResident);
    }

    [Fact]
    public void another_officer_may_approve_it()
    {
        Applied(Approve(Officer1, _officerResident), Officer1);

        Assert.Equal(HM(15), BalanceOf(_officerResident));
    }
}

public sealed class When_a_resident_is_paid_in_several_neighbourhoods : Scenario
{
    private readonly SigningKey _anna;

    public When_a_resident_is_paid_in_several_neighbourhoods() => _anna = Community.NewAccount();

    /// <summary>Publishes a one-slot job in <paramref name="neighbourhood"/>; Anna enrols, reports it and is paid at <paramref name="paidAtMs"/>.</summary>
    private void PaidFor(string neighbourhood, long paidAtMs)
    {
        var job = JobId.New();
        Applied(new PublishJob(job, Budget, "straatmeubilair", neighbourhood, HM(10), 1, Community.NowMs + 86_400_000) { Header = Header(Officer1) }, Officer1);
        Applied(new Enrol(job) { Header = Header(_anna) }, _anna);
        Applied(new SubmitCompletion(job, Hash32.Sha256([1])) { Header = Header(_anna) }, _anna);
        Community.NowMs = paidAtMs;
        Applied(new ApproveCompletion(job, _anna.PublicKey) { Header = Header(Officer2) }, Officer2);
    }

    [Fact]
    public void a_resident_never_paid_has_no_earnings()
    {
        var anna = State.Accounts[_anna.PublicKey];

        Assert.Empty(anna.Earnings);
        Assert.Null(anna.FirstEarnedAtMs);
        Assert.Null(anna.FirstEarnedInAtMs("gms"));
        Assert.Null(anna.Area);
    }

    [Fact]
    public void the_first_payment_in_each_neighbourhood_is_remembered_in_order_and_later_ones_change_nothing()
    {
        long t0 = Community.NowMs;
        PaidFor("gms", t0 + 1_000);
        PaidFor("centrum", t0 + 2_000);
        PaidFor("gms", t0 + 3_000);
        PaidFor("heerlerheide", t0 + 4_000);
        PaidFor("centrum", t0 + 5_000);

        var anna = State.Accounts[_anna.PublicKey];
        Assert.Equal(
            [new FirstEarning("gms", t0 + 1_000), new FirstEarning("centrum", t0 + 2_000), new FirstEarning("heerlerheide", t0 + 4_000)],
            anna.Earnings);
        Assert.Equal(t0 + 1_000, anna.FirstEarnedAtMs);
        Assert.Equal(t0 + 1_000, anna.FirstEarnedInAtMs("gms"));
        Assert.Equal(t0 + 2_000, anna.FirstEarnedInAtMs("centrum"));
        Assert.Equal(t0 + 4_000, anna.FirstEarnedInAtMs("heerlerheide"));
        Assert.Null(anna.FirstEarnedInAtMs("hoensbroek"));
        Assert.Equal("centrum", anna.Area);
        Assert.Equal(HM(50), anna.Balance);
    }

    [Fact]
    public void a_second_neighbourhood_keeps_the_first_as_the_first_earning_anywhere()
    {
        long t0 = Community.NowMs;
        PaidFor("centrum", t0 + 1_000);
        PaidFor("gms", t0 + 2_000);

        var anna = State.Accounts[_anna.PublicKey];
        Assert.Equal(t0 + 1_000, anna.FirstEarnedAtMs);
        Assert.Equal(t0 + 2_000, anna.FirstEarnedInAtMs("gms"));
        Assert.Equal("gms", anna.Area);
        Assert.Equal(2, anna.Earnings.Count);
    }
}
