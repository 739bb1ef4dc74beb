using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Projections;
using Marten;
using StoredWork = Heerlen.Munt.Storage.Projections.JobWork;

namespace Heerlen.Munt.Server.Services;

/// <summary>The job board (service <c>heerlen.munt.v1.Jobs</c>).</summary>
public sealed class JobsApi(MuntRuntime runtime, Sessions sessions, TimeProvider time) : Jobs.JobsBase
{
    /// <inheritdoc />
    public override async Task<ListJobsResponse> ListJobs(ListJobsRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        int size = Wire.PageSize(context, request.PageSize, 50, 500);
        string neighbourhood = request.Neighbourhood.Trim().ToLowerInvariant();
        string category = request.Category.Trim().ToLowerInvariant();
        if ((neighbourhood.Length > 0 && !FieldRules.IsSlug(neighbourhood)) || (category.Length > 0 && !FieldRules.IsSlug(category)))
            throw ApiErrors.Error("invalid_argument", language, "neighbourhood and category are slugs such as 'gms' or 'groen'");
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var session = runtime.Documents.QuerySession();
        IQueryable<JobBoardItem> query = session.Query<JobBoardItem>();
        if (neighbourhood.Length > 0) query = query.Where(j => j.Neighbourhood == neighbourhood);
        if (category.Length > 0) query = query.Where(j => j.Category == category);
        if (!request.IncludeClosed) query = query.Where(j => j.Open && j.DeadlineMs > now);
        var found = await query.OrderBy(j => j.DeadlineMs).Take(2000).ToListAsync(context.CancellationToken);
        var jobs = found.Where(j => request.IncludeClosed || j.Taken < j.Slots).Take(size);
        var reply = new ListJobsResponse();
        reply.Jobs.AddRange(jobs.Select(ToJob));
        return reply;
    }

    /// <inheritdoc />
    public override async Task<JobDetail> GetJob(GetJobRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        string id = Wire.JobId(context, request.Job).ToString();
        var caller = sessions.Identify(context);
        await using var session = runtime.Documents.QuerySession();
        var job = await session.LoadAsync<JobBoardItem>(id, context.CancellationToken) ?? throw ApiErrors.Error("job_not_found", language);
        var reply = new JobDetail { Job = ToJob(job) };
        if (caller.Has(Roles.Officer))
        {
            var work = await session.Query<StoredWork>().Where(w => w.Job == id).OrderBy(w => w.Height).ToListAsync(context.CancellationToken);
            reply.Work.AddRange(work.Select(w => ToWork(w, language)));
        }
        else if (caller.Account is { } account)
        {
            var mine = await session.LoadAsync<StoredWork>(StoredWork.IdOf(id, account.Id.ToString()), context.CancellationToken);
            if (mine is not null) reply.Work.Add(ToWork(mine, language));
        }
        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListMyJobsResponse> ListMyJobs(ListMyJobsRequest request, ServerCallContext context)
    {
        var id = sessions.RequireSelf(context, request.Account);
        var language = Languages.Of(context);
        int size = Wire.PageSize(context, request.PageSize, 100, 500);
        string account = id.ToString();
        long before = request.BeforeHeight > 0 ? request.BeforeHeight : long.MaxValue;
        await using var session = runtime.Documents.QuerySession();
        var work = await session.Query<StoredWork>().Where(w => w.Worker == account && w.Height < before)
            .OrderByDescending(w => w.Height).Take(size + 1).ToListAsync(context.CancellationToken);
        var reply = new ListMyJobsResponse { NextBeforeHeight = work.Count > size ? work[size - 1].Height : 0 };
        reply.Work.AddRange(work.Take(size).Select(w => ToWork(w, language)));
        return reply;
    }

    /// <inheritdoc />
    public override async Task<ListCompletionsResponse> ListCompletions(ListCompletionsRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, Roles.Officer);
        var language = Languages.Of(context);
        int size = Wire.PageSize(context, request.PageSize, 100, 500);
        var status = (request.Status.Length == 0 ? "submitted" : request.Status.ToLowerInvariant()) switch
        {
            "enrolled" => JobWorkStatus.Enrolled,
            "submitted" => JobWorkStatus.Submitted,
            "approved" => JobWorkStatus.Approved,
            "rejected" => JobWorkStatus.Rejected,
            _ => throw ApiErrors.Error("invalid_argument", language, "status is enrolled, submitted, approved or rejected"),
        };
        await using var session = runtime.Documents.QuerySession();
        long after = Math.Max(0, request.AfterHeight);
        var work = await session.Query<StoredWork>().Where(w => w.Status == status && w.Height > after)
            .OrderBy(w => w.Height).Take(size + 1).ToListAsync(context.CancellationToken);
        var reply = new ListCompletionsResponse { NextAfterHeight = work.Count > size ? work[size - 1].Height : 0 };
        reply.Work.AddRange(work.Take(size).Select(w => ToWork(w, language)));
        return reply;
    }

    private static Job ToJob(JobBoardItem j) => new()
    {
        Job_ = j.Id,
        Neighbourhood = j.Neighbourhood,
        Category = j.Category,
        RewardCents = j.RewardCents,
        Slots = j.Slots,
        FreeSlots = j.FreeSlots,
        Paid = j.Paid,
        PublishedAtMs = j.PublishedAtMs,
        DeadlineMs = j.DeadlineMs,
        Open = j.Open,
        Budget = j.Budget,
        Publisher = j.Publisher,
    };

    private static Contracts.V1.JobWork ToWork(StoredWork w, Language language) => new()
    {
        Job = w.Job,
        Worker = w.Worker,
        Status = w.Status.ToString().ToLowerInvariant(),
        EvidenceHash = w.EvidenceHash ?? "",
        RejectionReason = w.RejectionReason is { } r ? RejectionReasons.Code(r) : "",
        RejectionMessage = w.RejectionReason is { } m ? RejectionReasons.Reason(m, language) : "",
        EnrolledAtMs = w.EnrolledAtMs,
        SubmittedAtMs = w.SubmittedAtMs ?? 0,
        DecidedAtMs = w.DecidedAtMs ?? 0,
        DecidedBy = w.DecidedBy ?? "",
        RewardCents = w.RewardCents,
        Neighbourhood = w.Neighbourhood,
        Category = w.Category,
    };
}

/// <summary>Why an officer rejected work, in words for the worker.</summary>
public static class RejectionReasons
{
    /// <summary>Stable code, e.g. <c>evidence_unclear</c>.</summary>
    public static string Code(CompletionRejectionReason reason) => reason switch
    {
        CompletionRejectionReason.EvidenceUnclear => "evidence_unclear",
        CompletionRejectionReason.WorkNotDone => "work_not_done",
        CompletionRejectionReason.WrongLocation => "wrong_location",
        CompletionRejectionReason.QualityInsufficient => "quality_insufficient",
        CompletionRejectionReason.Unsafe => "unsafe",
        _ => "unknown",
    };

    /// <summary>The reason in plain Dutch (B1) or English.</summary>
    public static string Reason(CompletionRejectionReason reason, Language language)
    {
        bool nl = language == Language.Dutch;
        return reason switch
        {
            CompletionRejectionReason.EvidenceUnclear => nl ? "Op de foto is het werk niet goed te zien. Maak een nieuwe foto." : "The photo does not show the work clearly. Take a new photo.",
            CompletionRejectionReason.WorkNotDone => nl ? "Het werk is nog niet (helemaal) klaar." : "The work is not (completely) done yet.",
            CompletionRejectionReason.WrongLocation => nl ? "Het werk is op de verkeerde plek gedaan." : "The work was done in the wrong place.",
            CompletionRejectionReason.QualityInsufficient => nl ? "Het werk is niet goed genoeg gedaan." : "The work is not good enough.",
            CompletionRejectionReason.Unsafe => nl ? "Het werk is op een onveilige manier gedaan." : "The work was done in an unsafe way.",
            _ => nl ? "Afgekeurd." : "Rejected.",
        };
    }
}
