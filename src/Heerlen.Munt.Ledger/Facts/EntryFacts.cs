using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Ledger.Facts;

/// <summary>Why money moved.</summary>
public enum MovementKind : byte
{
    /// <summary>New HM into a budget line (from the euro-backed issuance).</summary>
    Mint = 1,

    /// <summary>A job's reward × slots from its budget line into the job's escrow.</summary>
    Reserve = 2,

    /// <summary>What is left in a cancelled job's escrow back into its budget line.</summary>
    Release = 3,

    /// <summary>One reward from a job's escrow to the worker.</summary>
    Reward = 4,

    /// <summary>A resident pays a shop.</summary>
    Payment = 5,

    /// <summary>A shop pays (part of) a payment back.</summary>
    Refund = 6,

    /// <summary>A shop hands HM in for euros; the HM is burnt.</summary>
    Redemption = 7,

    /// <summary>An officer moves HM from a budget line into a participation campaign.</summary>
    CampaignFunding = 8,

    /// <summary>One participation reward from a campaign to the resident who handed in a token.</summary>
    ParticipationReward = 9,

    /// <summary>What is left in a closed campaign back into its budget line.</summary>
    CampaignRelease = 10,
}

/// <summary>
/// Money moving from one pot to another (double entry). A pot is an account id (<c>hm1…</c>), a budget line
/// (<c>budget:NAME</c>), a job's escrow (<c>job:ID</c>), a campaign's money (<c>campaign:ID</c>), or one of the two edges of the money supply:
/// <see cref="Issuance"/> (where minted HM comes from) and <see cref="Burnt"/> (where redeemed HM goes).
/// </summary>
/// <param name="Kind">Why.</param>
/// <param name="From">The pot debited.</param>
/// <param name="To">The pot credited.</param>
/// <param name="Cents">How much, always above zero.</param>
public sealed record Movement(MovementKind Kind, string From, string To, long Cents)
{
    /// <summary>The pot minted HM comes from.</summary>
    public const string Issuance = "issuance";

    /// <summary>The pot redeemed HM goes to.</summary>
    public const string Burnt = "redeemed";

    /// <summary>The pot name of a budget line.</summary>
    public static string BudgetPot(string budget) => "budget:" + budget;

    /// <summary>The pot name of a job's escrow.</summary>
    public static string JobPot(JobId job) => "job:" + job;

    /// <summary>The pot name of a participation campaign's money.</summary>
    public static string CampaignPot(CampaignId campaign) => "campaign:" + campaign;
}

/// <summary>What projections need to know about the job an entry is about.</summary>
/// <param name="Id">The job id (hex).</param>
/// <param name="Neighbourhood">Where.</param>
/// <param name="Category">Kind of work.</param>
/// <param name="PublishedAtMs">When it was published (unix ms).</param>
/// <param name="RewardCents">Reward per completion.</param>
/// <param name="Slots">Completions it pays at most.</param>
/// <param name="DeadlineMs">No enrolment after this moment.</param>
/// <param name="FirstPickUp">True on the first enrolment the job ever got (for "hours to pick-up").</param>
public sealed record JobFacts(string Id, string Neighbourhood, string Category, long PublishedAtMs, long RewardCents, int Slots, long DeadlineMs, bool FirstPickUp);

/// <summary>
/// Everything a read model needs to know about one recorded entry, derived from the entry and the ledger
/// state just before it by <see cref="EntryFacts.Describe"/> — a pure function, so the server's projections,
/// a rebuild, and the auditor's offline tools all derive the same facts from the same chain.
/// Pseudonymous ids only; no personal data.
/// </summary>
public sealed partial record EntryFacts
{
    /// <summary>Height of the entry.</summary>
    public required long Height { get; init; }

    /// <summary>The entry's timestamp (unix ms).</summary>
    public required long TimestampMs { get; init; }

    /// <summary>What kind of command it records.</summary>
    public required CommandType Command { get; init; }

    /// <summary>None (applied) or the recorded rejection.</summary>
    public required RejectionCode Outcome { get; init; }

    /// <summary>The acting account.</summary>
    public required string Actor { get; init; }

    /// <summary>The command id (hex).</summary>
    public required string CommandId { get; init; }

    /// <summary>The money it moved, in order; empty if it moved none or was rejected.</summary>
    public Movement[] Movements { get; init; } = [];

    /// <summary>The other account the command is about: the worker, shop, payer, or the account granted, revoked, rotated, frozen or given a spending limit.</summary>
    public string? Subject { get; init; }

    /// <summary>The job it is about, if any (also when rejected, if the job exists).</summary>
    public JobFacts? Job { get; init; }

    /// <summary>
    /// The budget line, payment request, refunded payment, settled redemption or campaign it refers to, if any; for SetSpendingLimit
    /// the new daily limit in cents (decimal, invariant culture; "0" = no limit).
    /// </summary>
    public string? Reference { get; init; }

    /// <summary>Euro-cents a settled redemption paid out by bank transfer (no HM moves when it is settled).</summary>
    public long SettledCents { get; init; }

    /// <summary>
    /// For an applied approval: when the worker was first paid for a job anywhere (unix ms), before this entry; null if
    /// this is their first. The statistics count a worker as a new earner in a period if this is null or in that period.
    /// </summary>
    public long? FirstEarnedAtMs { get; init; }

    /// <summary>For an applied approval: when the worker was first paid for a job in this job's neighbourhood (unix ms), before this entry; null if never.</summary>
    public long? FirstEarnedHereAtMs { get; init; }

    /// <summary>For an applied payment, refund or redemption: the neighbourhood of the shop (as admitted), before this entry.</summary>
    public string? ShopNeighbourhood { get; init; }

    /// <summary>
    /// For an applied payment: the payer's area, the neighbourhood of the job they were last paid for before this entry
    /// (null if they were never paid for a job). No address is on the chain; this is the statistics' stand-in for one.
    /// </summary>
    public string? PayerArea { get; init; }

    /// <summary>HM in existence after this entry (cents).</summary>
    public required long SupplyAfterCents { get; init; }

    /// <summary>True if the command's effects were applied.</summary>
    public bool Applied => Outcome == RejectionCode.None;

    /// <summary>Structural equality including the movements (records compare arrays by reference).</summary>
    public bool SameAs(EntryFacts? other) =>
        other is not null && this with { Movements = [] } == other with { Movements = [] } && Movements.AsSpan().SequenceEqual(other.Movements);
}
