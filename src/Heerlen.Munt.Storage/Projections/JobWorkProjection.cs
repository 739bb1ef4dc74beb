using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Storage.Chain;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>Where a worker's enrolment in a job stands. Stored as the number: renaming a member never breaks a document.</summary>
public enum JobWorkStatus
{
    /// <summary>Took a slot; nothing reported yet.</summary>
    Enrolled = 1,

    /// <summary>Reported done with evidence; waits for an officer.</summary>
    Submitted = 2,

    /// <summary>Approved by an officer; the reward is paid.</summary>
    Approved = 3,

    /// <summary>Rejected by an officer; the slot is free again and the worker may enrol again.</summary>
    Rejected = 4,
}

/// <summary>One worker's enrolment in one job: the worker's "my jobs" and the officer's queue of completions to decide.</summary>
public sealed class JobWork
{
    /// <summary><c>job/worker</c> (see <see cref="IdOf"/>).</summary>
    public string Id { get; set; } = "";

    /// <summary>The job id (hex).</summary>
    public string Job { get; set; } = "";

    /// <summary>The worker's account id (<c>hm1…</c>).</summary>
    public string Worker { get; set; } = "";

    /// <summary>Where the job is.</summary>
    public string Neighbourhood { get; set; } = "";

    /// <summary>Kind of work.</summary>
    public string Category { get; set; } = "";

    /// <summary>The job's reward per completion, in cents.</summary>
    public long RewardCents { get; set; }

    /// <summary>Where the enrolment stands.</summary>
    public JobWorkStatus Status { get; set; }

    /// <summary>SHA-256 (hex) of the evidence photo kept off-chain; null until submitted.</summary>
    public string? EvidenceHash { get; set; }

    /// <summary>Why the officer rejected the completion; null unless rejected.</summary>
    public CompletionRejectionReason? RejectionReason { get; set; }

    /// <summary>When the worker (last) enrolled (unix ms).</summary>
    public long EnrolledAtMs { get; set; }

    /// <summary>When the worker last reported the job done (unix ms); null until submitted.</summary>
    public long? SubmittedAtMs { get; set; }

    /// <summary>When an officer approved or rejected it (unix ms); null until decided.</summary>
    public long? DecidedAtMs { get; set; }

    /// <summary>The officer who approved or rejected it (<c>hm1…</c>); null until decided.</summary>
    public string? DecidedBy { get; set; }

    /// <summary>Height of the last entry folded in.</summary>
    public long Height { get; set; } = -1;

    /// <summary>The id of a worker's enrolment in a job.</summary>
    public static string IdOf(string job, string worker) => job + "/" + worker;
}

/// <summary>
/// Enrolments per job and worker, inline, so a worker sees a submission and an officer a decision at once.
/// The evidence hash and the rejection reason are no facts, so it reads them from the entry's command.
/// </summary>
public sealed class JobWorkProjection : RecordedEntriesProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "job_work";

    /// <inheritdoc />
    protected override async Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryRecorded> entries, CancellationToken cancellation)
    {
        var relevant = entries.Where(e => WorkerOf(e.Facts) is not null).ToList();
        var docs = await LoadAsync<JobWork>(operations, relevant.Select(e => IdOf(e.Facts)), w => w.Id, cancellation);
        var changed = new Dictionary<string, JobWork>(StringComparer.Ordinal);
        foreach (var recorded in relevant)
        {
            var f = recorded.Facts;
            string id = IdOf(f);
            if (!docs.TryGetValue(id, out var doc))
            {
                if (f.Command != CommandType.Enrol) continue; // cannot happen on a verified chain
                docs[id] = doc = new JobWork
                {
                    Id = id,
                    Job = f.Job!.Id,
                    Worker = f.Actor,
                    Neighbourhood = f.Job.Neighbourhood,
                    Category = f.Job.Category,
                    RewardCents = f.Job.RewardCents,
                };
            }
            if (f.Height <= doc.Height) continue;
            Fold(doc, recorded);
            doc.Height = f.Height;
            changed[id] = doc;
        }
        if (changed.Count > 0) operations.Store(changed.Values.ToArray());
    }

    private static void Fold(JobWork doc, EntryRecorded recorded)
    {
        var f = recorded.Facts;
        switch (f.Command)
        {
            case CommandType.Enrol:
                // A first enrolment, or again after a rejection: a fresh start.
                doc.Status = JobWorkStatus.Enrolled;
                doc.EnrolledAtMs = f.TimestampMs;
                doc.EvidenceHash = null;
                doc.SubmittedAtMs = null;
                doc.RejectionReason = null;
                doc.DecidedAtMs = null;
                doc.DecidedBy = null;
                break;
            case CommandType.SubmitCompletion:
                doc.Status = JobWorkStatus.Submitted;
                doc.EvidenceHash = CommandOf<SubmitCompletion>(recorded).EvidenceHash.ToHex();
                doc.SubmittedAtMs = f.TimestampMs;
                break;
            case CommandType.ApproveCompletion:
                doc.Status = JobWorkStatus.Approved;
                doc.DecidedAtMs = f.TimestampMs;
                doc.DecidedBy = f.Actor;
                break;
            case CommandType.RejectCompletion:
                doc.Status = JobWorkStatus.Rejected;
                doc.RejectionReason = CommandOf<RejectCompletion>(recorded).Reason;
                doc.DecidedAtMs = f.TimestampMs;
                doc.DecidedBy = f.Actor;
                break;
        }
    }

    /// <summary>The command of a stored entry. The sequencer wrote these bytes and start-up checks them, so failing is a bug.</summary>
    private static T CommandOf<T>(EntryRecorded recorded)
        where T : Command
    {
        if (!Entry.TryDecode(recorded.Entry, out var entry, out string problem))
            throw new InvalidOperationException($"job_work: entry {recorded.Height} cannot be read: {problem}");
        var decoded = SignedCommand.Decode(entry!.Envelope, expectedChainId: null);
        return decoded.Command?.Command as T
            ?? throw new InvalidOperationException($"job_work: entry {recorded.Height} holds no {typeof(T).Name} ({decoded.Refusal} {decoded.Detail})");
    }

    private static string IdOf(EntryFacts f) => JobWork.IdOf(f.Job!.Id, WorkerOf(f)!);

    /// <summary>The worker an applied job-work entry is about; null for every other entry.</summary>
    private static string? WorkerOf(EntryFacts f) => !f.Applied || f.Job is null ? null : f.Command switch
    {
        CommandType.Enrol or CommandType.SubmitCompletion => f.Actor,
        CommandType.ApproveCompletion or CommandType.RejectCompletion => f.Subject,
        _ => null,
    };
}
