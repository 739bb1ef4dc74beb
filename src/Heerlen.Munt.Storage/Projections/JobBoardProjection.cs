using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Marten;

namespace Heerlen.Munt.Storage.Projections;

/// <summary>A job on the board.</summary>
public sealed class JobBoardItem
{
    /// <summary>The job id (hex).</summary>
    public string Id { get; set; } = "";

    /// <summary>Where.</summary>
    public string Neighbourhood { get; set; } = "";

    /// <summary>Kind of work.</summary>
    public string Category { get; set; } = "";

    /// <summary>The budget line that funds it.</summary>
    public string Budget { get; set; } = "";

    /// <summary>The officer who published it.</summary>
    public string Publisher { get; set; } = "";

    /// <summary>Reward per completion, in cents.</summary>
    public long RewardCents { get; set; }

    /// <summary>Completions it pays at most.</summary>
    public int Slots { get; set; }

    /// <summary>Slots held by enrolled, submitted or approved residents.</summary>
    public int Taken { get; set; }

    /// <summary>Completions paid.</summary>
    public int Paid { get; set; }

    /// <summary>Slots still free.</summary>
    public int FreeSlots => Open ? Slots - Taken : 0;

    /// <summary>When it was published (unix ms).</summary>
    public long PublishedAtMs { get; set; }

    /// <summary>No enrolment after this (unix ms).</summary>
    public long DeadlineMs { get; set; }

    /// <summary>False once cancelled.</summary>
    public bool Open { get; set; } = true;

    /// <summary>Height of the last entry that changed it.</summary>
    public long Height { get; set; } = -1;
}

/// <summary>The job board: every job with its free slots, inline.</summary>
public sealed class JobBoardProjection : FactsProjection
{
    /// <summary>The projection's name.</summary>
    public const string Name = "job_board";

    /// <inheritdoc />
    protected override async Task ProjectAsync(IDocumentOperations operations, IReadOnlyList<EntryFacts> facts, CancellationToken cancellation)
    {
        var relevant = facts.Where(f => f.Applied && f.Job is not null).ToList();
        var docs = await LoadAsync<JobBoardItem>(operations, relevant.Select(f => f.Job!.Id), j => j.Id, cancellation);
        var changed = new Dictionary<string, JobBoardItem>(StringComparer.Ordinal);
        foreach (var f in relevant)
        {
            var job = f.Job!;
            if (!docs.TryGetValue(job.Id, out var doc))
            {
                if (f.Command != CommandType.PublishJob) continue; // cannot happen on a verified chain
                docs[job.Id] = doc = new JobBoardItem
                {
                    Id = job.Id,
                    Neighbourhood = job.Neighbourhood,
                    Category = job.Category,
                    Budget = f.Reference ?? "",
                    Publisher = f.Actor,
                    RewardCents = job.RewardCents,
                    Slots = job.Slots,
                    PublishedAtMs = job.PublishedAtMs,
                    DeadlineMs = job.DeadlineMs,
                };
            }
            if (f.Height <= doc.Height) continue;
            switch (f.Command)
            {
                case CommandType.Enrol: doc.Taken++; break;
                case CommandType.RejectCompletion: doc.Taken--; break;
                case CommandType.ApproveCompletion: doc.Paid++; break;
                case CommandType.CancelJob: doc.Open = false; break;
            }
            doc.Height = f.Height;
            changed[doc.Id] = doc;
        }
        if (changed.Count > 0) operations.Store(changed.Values.ToArray());
    }
}
