using JasperFx;
using Marten;

namespace Heerlen.Munt.Storage.Jobs;

/// <summary>
/// What a job is about, in words: "Bankje schilderen bij de Schelmenhof". The chain knows a job only by its category,
/// neighbourhood, reward, slots and deadline; the words live here, off the chain, and are public. They are about the
/// work, never about a person: no names, addresses or phone numbers (the API says so to the officer who writes them).
/// </summary>
public sealed class JobText
{
    /// <summary>The job id (32 hex digits), as on the chain.</summary>
    public string Id { get; set; } = "";

    /// <summary>Dutch title, 1 to <see cref="JobTexts.TitleLengthMax"/> characters.</summary>
    public string Title { get; set; } = "";

    /// <summary>Dutch description, at most <see cref="JobTexts.DescriptionLengthMax"/> characters; empty if none.</summary>
    public string Description { get; set; } = "";

    /// <summary>English title; empty if none (readers then get the Dutch one).</summary>
    public string TitleEnglish { get; set; } = "";

    /// <summary>English description; empty if none.</summary>
    public string DescriptionEnglish { get; set; } = "";

    /// <summary>1 for the first text, one more with every change.</summary>
    public int Version { get; set; }

    /// <summary>When this version was saved (unix ms).</summary>
    public long UpdatedAtMs { get; set; }

    /// <summary>The officer who saved it (<c>hm1…</c>).</summary>
    public string UpdatedBy { get; set; } = "";
}

/// <summary>One saved version of a job's text, kept when it is changed again: who wrote what, and when.</summary>
public sealed class JobTextVersion
{
    /// <summary><c>job/version</c>: unique, so two officers saving at once cannot both write the same version.</summary>
    public string Id { get; set; } = "";

    /// <summary>The job id.</summary>
    public string Job { get; set; } = "";

    /// <summary>The text as saved.</summary>
    public JobText Text { get; set; } = new();

    /// <summary>The document id of a version.</summary>
    public static string IdOf(string job, int version) => job + "/" + version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Reads and writes job texts. Never writes to the chain; the caller checks that the job exists on it.</summary>
public sealed class JobTexts(IDocumentStore store)
{
    /// <summary>Longest title, in characters (Unicode code points).</summary>
    public const int TitleLengthMax = 80;

    /// <summary>Longest description, in characters (Unicode code points).</summary>
    public const int DescriptionLengthMax = 1000;

    /// <summary>
    /// Saves a new version of a job's text (the first, or one more) and keeps every version. The fields must already be
    /// checked (<see cref="JobTextRules"/>). Two officers saving at once: one wins, the other's save is tried again on
    /// top of it, so both versions are kept in the order they were stored.
    /// </summary>
    public async Task<JobText> SaveAsync(string job, string title, string description, string titleEnglish, string descriptionEnglish, string updatedBy, long nowMs, CancellationToken ct = default)
    {
        for (int attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            var current = await session.LoadAsync<JobText>(job, ct);
            var text = new JobText
            {
                Id = job,
                Title = title,
                Description = description,
                TitleEnglish = titleEnglish,
                DescriptionEnglish = descriptionEnglish,
                Version = (current?.Version ?? 0) + 1,
                UpdatedAtMs = nowMs,
                UpdatedBy = updatedBy,
            };
            session.Store(text);
            // Insert, not upsert: the version's unique id makes a concurrent save of the same version fail.
            session.Insert(new JobTextVersion { Id = JobTextVersion.IdOf(job, text.Version), Job = job, Text = text });
            try
            {
                await session.SaveChangesAsync(ct);
                return text;
            }
            catch (DocumentAlreadyExistsException) when (attempt < 5)
            {
                // someone else saved this version first: read theirs and save ours on top
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw StorageErrors.Translate(e);
            }
        }
    }

    /// <summary>A job's current text, or null.</summary>
    public async Task<JobText?> FindAsync(string job, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<JobText>(job, ct);
    }

    /// <summary>The current texts of these jobs, by job id (jobs without a text are missing).</summary>
    public async Task<IReadOnlyDictionary<string, JobText>> FindManyAsync(IEnumerable<string> jobs, CancellationToken ct = default)
    {
        var ids = jobs.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0) return new Dictionary<string, JobText>();
        await using var session = store.QuerySession();
        var found = await session.LoadManyAsync<JobText>(ct, ids);
        return found.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    /// <summary>Every saved version of a job's text, oldest first.</summary>
    public async Task<IReadOnlyList<JobText>> VersionsAsync(string job, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        var versions = await session.Query<JobTextVersion>().Where(v => v.Job == job).ToListAsync(ct);
        return versions.Select(v => v.Text).OrderBy(t => t.Version).ToList();
    }
}

/// <summary>What a job text may hold; the API turns a broken rule into its error code.</summary>
public static class JobTextRules
{
    /// <summary>Why a text was refused.</summary>
    public enum Problem
    {
        /// <summary>Acceptable.</summary>
        None,

        /// <summary>No Dutch title.</summary>
        TitleMissing,

        /// <summary>A title over <see cref="JobTexts.TitleLengthMax"/> characters.</summary>
        TitleTooLong,

        /// <summary>A description over <see cref="JobTexts.DescriptionLengthMax"/> characters.</summary>
        DescriptionTooLong,

        /// <summary>Control characters (a title is one line; a description may have line breaks), or an English description without an English title.</summary>
        Invalid,
    }

    /// <summary>Checks trimmed fields. Lengths count Unicode code points, so "é" is one character however it arrives.</summary>
    public static Problem Check(string title, string description, string titleEnglish, string descriptionEnglish)
    {
        if (title.Length == 0) return Problem.TitleMissing;
        if (Length(title) > JobTexts.TitleLengthMax || Length(titleEnglish) > JobTexts.TitleLengthMax) return Problem.TitleTooLong;
        if (Length(description) > JobTexts.DescriptionLengthMax || Length(descriptionEnglish) > JobTexts.DescriptionLengthMax) return Problem.DescriptionTooLong;
        if (descriptionEnglish.Length > 0 && titleEnglish.Length == 0) return Problem.Invalid;
        if (HasControl(title, false) || HasControl(titleEnglish, false) || HasControl(description, true) || HasControl(descriptionEnglish, true)) return Problem.Invalid;
        return Problem.None;
    }

    /// <summary>Trims the field and turns Windows line breaks into plain ones; null becomes empty.</summary>
    public static string Clean(string? value) => (value ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    private static int Length(string text) => text.EnumerateRunes().Count();

    private static bool HasControl(string text, bool lineBreaksAllowed) =>
        text.EnumerateRunes().Any(r => System.Text.Rune.IsControl(r) && !(lineBreaksAllowed && r.Value == '\n'));
}
