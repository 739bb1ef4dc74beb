using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Projections;
using Heerlen.Munt.Storage.Tests.Support;
using Marten;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Projections;

/// <summary>A worker enrols in a job, reports it done, and an officer decides: the job_work document follows each step.</summary>
[Collection(PostgresCollection.Name)]
public sealed class JobWorkProjectionTests(PostgresFixture postgres)
{
    private static readonly Hash32 Photo = Hash32.Sha256([7, 7, 7]);

    [Fact]
    public async Task an_enrolment_shows_the_worker_enrolled_with_the_jobs_place_kind_and_reward()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var job = await town.PublishJobAsync(rewardEuros: 12, neighbourhood: "heerlerheide", category: "groen");

        long height = Town.Ok(await EnrolAsync(town, worker, job)).Height;

        var work = await LoadAsync(town, job, worker);
        Assert.Equal(JobWork.IdOf(job.ToString(), worker.PublicKey.ToString()), work.Id);
        Assert.Equal(job.ToString(), work.Job);
        Assert.Equal(worker.PublicKey.ToString(), work.Worker);
        Assert.Equal(("heerlerheide", "groen", 1_200L), (work.Neighbourhood, work.Category, work.RewardCents));
        Assert.Equal(JobWorkStatus.Enrolled, work.Status);
        Assert.Equal(await TimestampAtAsync(town, height), work.EnrolledAtMs);
        Assert.Equal(height, work.Height);
        AssertNotSubmittedNorDecided(work);
    }

    [Fact]
    public async Task a_submission_shows_submitted_with_the_evidence_hash_in_hex_and_waits_in_the_officers_queue()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var idle = await town.NewResidentAsync();
        var job = await town.PublishJobAsync();
        Town.Ok(await EnrolAsync(town, worker, job));
        Town.Ok(await EnrolAsync(town, idle, job));

        long height = Town.Ok(await SubmitAsync(town, worker, job)).Height;

        var work = await LoadAsync(town, job, worker);
        Assert.Equal(JobWorkStatus.Submitted, work.Status);
        Assert.Equal(Photo.ToHex(), work.EvidenceHash);
        Assert.Equal(await TimestampAtAsync(town, height), work.SubmittedAtMs);
        Assert.Null(work.DecidedAtMs);
        Assert.Null(work.DecidedBy);

        // The worker's "my jobs" and the officer's queue of this job.
        await using var session = town.Documents.QuerySession();
        var mine = await session.Query<JobWork>().Where(x => x.Worker == worker.PublicKey.ToString()).ToListAsync();
        Assert.Equal(new[] { work.Id }, mine.Select(w => w.Id));
        var waiting = await session.Query<JobWork>().Where(x => x.Job == job.ToString() && x.Status == JobWorkStatus.Submitted).ToListAsync();
        Assert.Equal(new[] { work.Id }, waiting.Select(w => w.Id));
        Assert.Equal(2, await session.Query<JobWork>().CountAsync(x => x.Job == job.ToString()));
    }

    [Fact]
    public async Task an_approval_shows_approved_with_the_officer_who_decided_and_when()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var job = await town.PublishJobAsync();
        Town.Ok(await EnrolAsync(town, worker, job));
        Town.Ok(await SubmitAsync(town, worker, job));

        long height = Town.Ok(await town.SubmitAsync(new ApproveCompletion(job, worker.PublicKey) { Header = town.Header(town.Officer2) }, town.Officer2)).Height;

        var work = await LoadAsync(town, job, worker);
        Assert.Equal(JobWorkStatus.Approved, work.Status);
        Assert.Equal(town.Officer2.PublicKey.ToString(), work.DecidedBy);
        Assert.Equal(await TimestampAtAsync(town, height), work.DecidedAtMs);
        Assert.Equal(Photo.ToHex(), work.EvidenceHash);
        Assert.Null(work.RejectionReason);
        Assert.Equal(height, work.Height);
    }

    [Fact]
    public async Task a_rejection_shows_rejected_with_the_officers_reason()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var job = await town.PublishJobAsync();
        Town.Ok(await EnrolAsync(town, worker, job));
        Town.Ok(await SubmitAsync(town, worker, job));

        long height = Town.Ok(await RejectAsync(town, worker, job, CompletionRejectionReason.WrongLocation)).Height;

        var work = await LoadAsync(town, job, worker);
        Assert.Equal(JobWorkStatus.Rejected, work.Status);
        Assert.Equal(CompletionRejectionReason.WrongLocation, work.RejectionReason);
        Assert.Equal(town.Officer1.PublicKey.ToString(), work.DecidedBy);
        Assert.Equal(await TimestampAtAsync(town, height), work.DecidedAtMs);
        Assert.Equal(Photo.ToHex(), work.EvidenceHash);
    }

    [Fact]
    public async Task enrolling_again_after_a_rejection_starts_afresh_as_enrolled_with_submission_and_decision_cleared()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var job = await town.PublishJobAsync();
        Town.Ok(await EnrolAsync(town, worker, job));
        Town.Ok(await SubmitAsync(town, worker, job));
        Town.Ok(await RejectAsync(town, worker, job, CompletionRejectionReason.EvidenceUnclear));

        long height = Town.Ok(await EnrolAsync(town, worker, job)).Height;

        var work = await LoadAsync(town, job, worker);
        Assert.Equal(JobWorkStatus.Enrolled, work.Status);
        Assert.Equal(await TimestampAtAsync(town, height), work.EnrolledAtMs);
        Assert.Equal(height, work.Height);
        AssertNotSubmittedNorDecided(work);
        await using var session = town.Documents.QuerySession();
        Assert.Equal(1, await session.Query<JobWork>().CountAsync(x => x.Worker == worker.PublicKey.ToString()));
    }

    [Fact]
    public async Task a_recorded_rejection_of_a_command_changes_no_document_and_makes_none()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var worker = await town.NewResidentAsync();
        var stranger = await town.NewResidentAsync();
        var job = await town.PublishJobAsync();
        Town.Ok(await EnrolAsync(town, worker, job));
        var before = await LoadAsync(town, job, worker);

        // Each is recorded on the chain with its rejection, none applied.
        var recorded = new[]
        {
            (await EnrolAsync(town, worker, job), RejectionCode.AlreadyEnrolled),
            (await town.SubmitAsync(new ApproveCompletion(job, worker.PublicKey) { Header = town.Header(town.Officer2) }, town.Officer2), RejectionCode.CompletionNotSubmitted),
            (await RejectAsync(town, worker, job, CompletionRejectionReason.Unsafe), RejectionCode.CompletionNotSubmitted),
            (await SubmitAsync(town, stranger, job), RejectionCode.NotEnrolled),
            (await town.SubmitAsync(new ApproveCompletion(job, stranger.PublicKey) { Header = town.Header(town.Officer2) }, town.Officer2), RejectionCode.NotEnrolled),
        };
        Assert.All(recorded, r =>
        {
            Assert.Equal(r.Item2, r.Item1.Code);
            Assert.True(r.Item1.Height > before.Height, "recorded on the chain");
        });

        var after = await LoadAsync(town, job, worker);
        Assert.Equal(Json(before), Json(after));
        await using var session = town.Documents.QuerySession();
        Assert.Null(await session.LoadAsync<JobWork>(JobWork.IdOf(job.ToString(), stranger.PublicKey.ToString())));
        Assert.Equal(1, await session.Query<JobWork>().CountAsync());
    }

    [Fact]
    public async Task rebuilding_job_work_from_the_chain_gives_the_same_documents_as_the_inline_fold()
    {
        await using var town = await Town.StartAsync(postgres, nameof(JobWorkProjectionTests));
        var anna = await town.NewResidentAsync();
        var bram = await town.NewResidentAsync();
        var cees = await town.NewResidentAsync();
        var jobA = await town.PublishJobAsync(slots: 3);
        var jobB = await town.PublishJobAsync(neighbourhood: "heerlerheide", category: "zwerfafval");
        await town.EarnAsync(anna, jobA); // approved
        Town.Ok(await EnrolAsync(town, bram, jobA));
        Town.Ok(await SubmitAsync(town, bram, jobA));
        Town.Ok(await RejectAsync(town, bram, jobA, CompletionRejectionReason.QualityInsufficient)); // rejected
        Town.Ok(await EnrolAsync(town, cees, jobA));
        Town.Ok(await SubmitAsync(town, cees, jobA)); // submitted
        Town.Ok(await EnrolAsync(town, bram, jobB));
        Town.Ok(await SubmitAsync(town, bram, jobB));
        Town.Ok(await RejectAsync(town, bram, jobB, CompletionRejectionReason.WorkNotDone));
        Town.Ok(await EnrolAsync(town, bram, jobB)); // enrolled again
        Assert.Equal(RejectionCode.AlreadyEnrolled, (await EnrolAsync(town, anna, jobA)).Code); // recorded, not applied
        await town.Sequencer.DisposeAsync(); // a rebuild runs while nobody writes

        var inline = await DumpAsync(town);
        Assert.Equal(
            new[] { JobWorkStatus.Enrolled, JobWorkStatus.Submitted, JobWorkStatus.Approved, JobWorkStatus.Rejected },
            inline.Values.Select(w => w.Status).Order());

        await using (var session = town.Documents.LightweightSession())
        {
            // Damage it, so that the rebuild must repair and not only fill gaps.
            session.Delete<JobWork>(JobWork.IdOf(jobA.ToString(), anna.PublicKey.ToString()));
            session.Store(new JobWork { Id = "stray/stray", Job = "stray", Worker = "stray", Height = 1 });
            await session.SaveChangesAsync();
        }
        long folded = await ProjectionRebuilder.RebuildAsync(town.Documents, Town.ChainId, JobWorkProjection.Name, pageSize: 5);

        Assert.Equal(town.Sequencer.Height, folded);
        var rebuilt = await DumpAsync(town);
        Assert.Equal(inline.Keys, rebuilt.Keys);
        foreach (var (id, work) in inline) Assert.Equal(Json(work), Json(rebuilt[id]));
        Assert.Equal(typeof(JobWork), ProjectionRebuilder.DocumentTypeOf(JobWorkProjection.Name));
        Assert.Contains(JobWorkProjection.Name, HeerlenStore.ProjectionNames);
        await town.StartSequencerAsync();
    }

    private static Task<SubmitResult> EnrolAsync(Town town, SigningKey worker, JobId job) =>
        town.SubmitAsync(new Enrol(job) { Header = town.Header(worker) }, worker);

    private static Task<SubmitResult> SubmitAsync(Town town, SigningKey worker, JobId job) =>
        town.SubmitAsync(new SubmitCompletion(job, Photo) { Header = town.Header(worker) }, worker);

    private static Task<SubmitResult> RejectAsync(Town town, SigningKey worker, JobId job, CompletionRejectionReason reason) =>
        town.SubmitAsync(new RejectCompletion(job, worker.PublicKey, reason) { Header = town.Header(town.Officer1) }, town.Officer1);

    private static async Task<JobWork> LoadAsync(Town town, JobId job, SigningKey worker)
    {
        await using var session = town.Documents.QuerySession();
        var work = await session.LoadAsync<JobWork>(JobWork.IdOf(job.ToString(), worker.PublicKey.ToString()));
        Assert.NotNull(work);
        return work;
    }

    private static async Task<SortedDictionary<string, JobWork>> DumpAsync(Town town)
    {
        await using var session = town.Documents.QuerySession();
        return new((await session.Query<JobWork>().ToListAsync()).ToDictionary(w => w.Id), StringComparer.Ordinal);
    }

    private static async Task<long> TimestampAtAsync(Town town, long height)
    {
        await foreach (var (_, e) in town.Store.ReadEntriesAsync())
            if (e.Height == height) return e.Facts.TimestampMs;
        throw new InvalidOperationException($"no entry at height {height}");
    }

    private static void AssertNotSubmittedNorDecided(JobWork work)
    {
        Assert.Null(work.EvidenceHash);
        Assert.Null(work.SubmittedAtMs);
        Assert.Null(work.RejectionReason);
        Assert.Null(work.DecidedAtMs);
        Assert.Null(work.DecidedBy);
    }

    private static string Json(JobWork work) => System.Text.Json.JsonSerializer.Serialize(work);
}
