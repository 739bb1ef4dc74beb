using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Jobs;
using Heerlen.Munt.Storage.Projections;
using Marten;
using StoredText = Heerlen.Munt.Storage.Jobs.JobText;
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
        var list = jobs.ToList();
        var texts = await runtime.JobTexts.FindManyAsync(list.Select(j => j.Id), context.CancellationToken);
        var reply = new ListJobsResponse();
        reply.Jobs.AddRange(list.Select(j => ToJob(j, texts.GetValueOrDefault(j.Id), language)));
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
        var text = await runtime.JobTexts.FindAsync(id, context.CancellationToken);
        var reply = new JobDetail { Job = ToJob(job, text, language) };
        var titles = new Dictionary<string, StoredText>(StringComparer.Ordinal);
        if (text is not null) titles[id] = text;
        if (caller.Has(Roles.Officer))
        {
            var work = await session.Query<StoredWork>().Where(w => w.Job == id).OrderBy(w => w.Height).ToListAsync(context.CancellationToken);
            reply.Work.AddRange(work.Select(w => ToWork(w, language, titles)));
        }
        else if (caller.Account is { } account)
        {
            var mine = await session.LoadAsync<StoredWork>(StoredWork.IdOf(id, account.Id.ToString()), context.CancellationToken);
            if (mine is not null) reply.Work.Add(ToWork(mine, language, titles));
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
        var page = work.Take(size).ToList();
        var titles = await runtime.JobTexts.FindManyAsync(page.Select(w => w.Job), context.CancellationToken);
        reply.Work.AddRange(page.Select(w => ToWork(w, language, titles)));
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
        var page = work.Take(size).ToList();
        var titles = await runtime.JobTexts.FindManyAsync(page.Select(w => w.Job), context.CancellationToken);
        reply.Work.AddRange(page.Select(w => ToWork(w, language, titles)));
        return reply;
    }

    /// <inheritdoc />
    public override async Task<Contracts.V1.JobText> SetJobText(SetJobTextRequest request, ServerCallContext context)
    {
        // Off the chain, like personal data, so no signed command: an officer's session is the authority, and each
        // version keeps who saved it.
        var officer = sessions.RequireRole(context, Roles.Officer);
        var language = Languages.Of(context);
        string id = Wire.JobId(context, request.Job).ToString();
        string title = JobTextRules.Clean(request.Title), description = JobTextRules.Clean(request.Description);
        string titleEn = JobTextRules.Clean(request.TitleEn), descriptionEn = JobTextRules.Clean(request.DescriptionEn);
        var problem = JobTextRules.Check(title, description, titleEn, descriptionEn);
        if (problem != JobTextRules.Problem.None)
        {
            throw problem switch
            {
                JobTextRules.Problem.TitleMissing => ApiErrors.Error("job_title_required", language, "title is 1 to 80 characters"),
                JobTextRules.Problem.TitleTooLong => ApiErrors.Error("job_title_too_long", language, $"title and title_en are at most {JobTexts.TitleLengthMax} characters"),
                JobTextRules.Problem.DescriptionTooLong => ApiErrors.Error("job_description_too_long", language, $"description and description_en are at most {JobTexts.DescriptionLengthMax} characters"),
                _ => ApiErrors.Error("job_text_invalid", language, "no control characters (line breaks only in descriptions); description_en needs title_en"),
            };
        }
        await using (var session = runtime.Documents.QuerySession())
        {
            if (await session.LoadAsync<JobBoardItem>(id, context.CancellationToken) is null) throw ApiErrors.Error("job_not_found", language);
        }
        var saved = await runtime.JobTexts.SaveAsync(id, title, description, titleEn, descriptionEn, officer.Account!.Id.ToString(), time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
        return ToText(saved);
    }

    /// <inheritdoc />
    public override async Task<Contracts.V1.JobText> GetJobText(GetJobTextRequest request, ServerCallContext context)
    {
        string id = Wire.JobId(context, request.Job).ToString();
        var text = await runtime.JobTexts.FindAsync(id, context.CancellationToken) ?? throw ApiErrors.Error("job_text_not_found", Languages.Of(context));
        return ToText(text);
    }

    private static Contracts.V1.JobText ToText(StoredText t) => new()
    {
        Job = t.Id,
        Title = t.Title,
        Description = t.Description,
        TitleEn = t.TitleEnglish,
        DescriptionEn = t.DescriptionEnglish,
        Version = t.Version,
        UpdatedAtMs = t.UpdatedAtMs,
        UpdatedBy = t.UpdatedBy,
    };

    private static Job ToJob(JobBoardItem j, StoredText? text, Language language) => new()
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
        Title = JobWords.Title(text, language),
        Description = JobWords.Description(text, language),
    };

    private static Contracts.V1.JobWork ToWork(StoredWork w, Language language, IReadOnlyDictionary<string, StoredText> titles) => new()
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
        Title = JobWords.Title(titles.GetValueOrDefault(w.Job), language),
    };
}

/// <summary>A job's text in the caller's language: English where asked for and written, otherwise Dutch.</summary>
public static class JobWords
{
    /// <summary>The title, or empty if the job has no text.</summary>
    public static string Title(StoredText? text, Language language) =>
        text is null ? "" : language == Language.English && text.TitleEnglish.Length > 0 ? text.TitleEnglish : text.Title;

    /// <summary>The description, or empty; the Dutch one where no English description was written.</summary>
    public static string Description(StoredText? text, Language language) =>
        text is null ? "" : language == Language.English && text.DescriptionEnglish.Length > 0 ? text.DescriptionEnglish : text.Description;
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
