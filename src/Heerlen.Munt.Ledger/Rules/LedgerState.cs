using System.Buffers.Binary;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger;

/// <summary>One account as the ledger sees it: pseudonymous, no personal data.</summary>
public sealed class AccountState
{
    internal AccountState(AccountId currentKey, Roles roles)
    {
        Id = currentKey;
        CurrentKey = currentKey;
        Roles = roles;
    }

    /// <summary>The account id (the key it was opened with): one shared instance, so records about it need no copy.</summary>
    internal AccountId Id { get; }

    /// <summary>The key that must sign for this account now (changes on rotation).</summary>
    public AccountId CurrentKey { get; internal set; }

    /// <summary>What the account may do.</summary>
    public Roles Roles { get; internal set; }

    /// <summary>Spendable HM.</summary>
    public Amount Balance { get; internal set; }

    /// <summary>A frozen account cannot act and cannot receive.</summary>
    public bool Frozen { get; internal set; }

    /// <summary>A suspended shop keeps its role but cannot receive payments.</summary>
    public bool MerchantSuspended { get; internal set; }

    /// <summary>True for a shop that may receive payments now.</summary>
    public bool IsAffiliatedMerchant => (Roles & Roles.Merchant) != 0 && !MerchantSuspended && !Frozen;

    /// <summary>Where the shop is (the neighbourhood slug of its latest admission); null if it was never admitted.</summary>
    public string? MerchantNeighbourhood { get; internal set; }

    /// <summary>
    /// When the account was first paid for a job, in each neighbourhood it has earned in, in the order it first earned
    /// there (the first element is the first earning anywhere). Kept for the statistics (new and repeat earners). Each
    /// read makes a new list; the state keeps the first earning inline and only the later neighbourhoods in an array.
    /// </summary>
    public IReadOnlyList<FirstEarning> Earnings
    {
        get
        {
            if (_firstEarning.Neighbourhood is null) return [];
            return _laterEarnings is null ? [_firstEarning] : [_firstEarning, .. _laterEarnings];
        }
    }

    /// <summary>The resident's area for the statistics: the neighbourhood of the job they were last paid for; null if never paid for one.</summary>
    public string? Area { get; internal set; }

    // Most residents earn in one neighbourhood: that first earning costs no object of its own.
    private FirstEarning _firstEarning;
    private FirstEarning[]? _laterEarnings;

    /// <summary>When the account was first paid for a job anywhere (unix ms), or null.</summary>
    public long? FirstEarnedAtMs => _firstEarning.Neighbourhood is null ? null : _firstEarning.AtMs;

    /// <summary>When the account was first paid for a job in <paramref name="neighbourhood"/> (unix ms), or null.</summary>
    public long? FirstEarnedInAtMs(string neighbourhood)
    {
        if (_firstEarning.Neighbourhood is null) return null;
        if (string.Equals(_firstEarning.Neighbourhood, neighbourhood, StringComparison.Ordinal)) return _firstEarning.AtMs;
        foreach (var e in _laterEarnings ?? [])
            if (string.Equals(e.Neighbourhood, neighbourhood, StringComparison.Ordinal)) return e.AtMs;
        return null;
    }

    /// <summary>Notes a payment for a job in <paramref name="neighbourhood"/> at <paramref name="atMs"/>, if it is the first there.</summary>
    internal void NoteEarning(string neighbourhood, long atMs)
    {
        if (FirstEarnedInAtMs(neighbourhood) is not null) return;
        var earning = new FirstEarning(neighbourhood, atMs);
        if (_firstEarning.Neighbourhood is null) _firstEarning = earning;
        else _laterEarnings = [.. _laterEarnings ?? [], earning]; // one element more: a resident earns in few neighbourhoods
    }
}

/// <summary>The first time an account was paid for a job in a neighbourhood.</summary>
/// <param name="Neighbourhood">The job's neighbourhood.</param>
/// <param name="AtMs">The approving entry's timestamp (unix ms).</param>
public readonly record struct FirstEarning(string Neighbourhood, long AtMs);

/// <summary>Where a resident stands in a job.</summary>
public enum EnrolmentStatus
{
    /// <summary>Has a slot, has not reported the job done.</summary>
    Enrolled,

    /// <summary>Reported done; waits for an officer.</summary>
    Submitted,

    /// <summary>Approved and paid.</summary>
    Approved,

    /// <summary>Rejected; the slot is free again.</summary>
    Rejected,
}

/// <summary>A resident's part in a job.</summary>
public sealed class Enrolment
{
    /// <summary>Where it stands.</summary>
    public EnrolmentStatus Status { get; internal set; }

    /// <summary>SHA-256 of the evidence photo (kept off-chain), once submitted.</summary>
    public Hash32? Evidence
    {
        get => _hasEvidence ? _evidence.ToHash32() : null;
        internal set
        {
            _hasEvidence = value is not null;
            _evidence = value is { } hash ? new InlineHash32(hash) : default;
        }
    }

    /// <summary>Why it was rejected, if it was.</summary>
    public CompletionRejectionReason? RejectionReason
    {
        get => _rejected ? _rejectionReason : null;
        internal set
        {
            _rejected = value is not null;
            _rejectionReason = value.GetValueOrDefault();
        }
    }

    // Every paid job has an enrolment, so: the hash inline (four words), not a 32-byte array of its own; and no
    // Nullable fields, which the runtime lays out like structs, 8-byte aligned (an enrolment of 64 bytes, not 56).
    private InlineHash32 _evidence;
    private bool _hasEvidence;
    private CompletionRejectionReason _rejectionReason;
    private bool _rejected;
}

/// <summary>A published job and its escrow.</summary>
public sealed class JobState
{
    /// <summary>A job as <paramref name="published"/>; the publisher and names are the state's own shared instances.</summary>
    internal JobState(PublishJob published, AccountId publisher, string budget, string category, string neighbourhood, long publishedAtMs)
    {
        Publisher = publisher;
        Budget = budget;
        Category = category;
        Neighbourhood = neighbourhood;
        Reward = published.Reward;
        Slots = published.Slots;
        DeadlineMs = published.DeadlineMs;
        PublishedAtMs = publishedAtMs;
    }

    /// <summary>The officer who published it.</summary>
    public AccountId Publisher { get; }

    /// <summary>The budget line that funds it.</summary>
    public string Budget { get; }

    /// <summary>Kind of work, e.g. <c>straatmeubilair</c>.</summary>
    public string Category { get; }

    /// <summary>Where, e.g. <c>gms</c> or <c>centrum</c>.</summary>
    public string Neighbourhood { get; }

    /// <summary>Paid per approved completion.</summary>
    public Amount Reward { get; }

    /// <summary>How many completions it pays at most.</summary>
    public int Slots { get; }

    /// <summary>No enrolment after this moment (unix ms).</summary>
    public long DeadlineMs { get; }

    /// <summary>When it was published (entry timestamp, unix ms).</summary>
    public long PublishedAtMs { get; }

    /// <summary>False once cancelled.</summary>
    public bool Open { get; internal set; } = true;

    /// <summary>What is still held in escrow for unpaid slots.</summary>
    public Amount Reserve { get; internal set; }

    /// <summary>Slots held by enrolled, submitted or approved residents.</summary>
    public int Taken { get; internal set; }

    /// <summary>Completions paid.</summary>
    public int Paid { get; internal set; }

    // Made at the first enrolment: an open job nobody has enrolled in yet costs no dictionary.
    private Dictionary<AccountId, Enrolment>? _enrolments;

    /// <summary>The enrolments to change, made on first use: for <see cref="LedgerRules.Apply"/> only (reads use <see cref="TryGetEnrolment"/>).</summary>
    internal Dictionary<AccountId, Enrolment> Enrolments => _enrolments ??= [];

    /// <summary>A resident's part in the job, if they have one. Allocates nothing.</summary>
    internal bool TryGetEnrolment(AccountId worker, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Enrolment enrolment)
    {
        enrolment = null;
        return _enrolments is not null && _enrolments.TryGetValue(worker, out enrolment);
    }

    /// <summary>Residents' parts in the job.</summary>
    public IReadOnlyDictionary<AccountId, Enrolment> Participants =>
        (IReadOnlyDictionary<AccountId, Enrolment>?)_enrolments ?? System.Collections.ObjectModel.ReadOnlyDictionary<AccountId, Enrolment>.Empty;
}

/// <summary>A payment a shop received, kept so that refunds can never exceed it.</summary>
public sealed class PaymentRecord(AccountId merchant, Amount amount)
{
    /// <summary>The shop paid.</summary>
    public AccountId Merchant { get; } = merchant;

    /// <summary>What was paid.</summary>
    public Amount Amount { get; } = amount;

    /// <summary>What has been paid back so far.</summary>
    public Amount Refunded { get; internal set; }
}

/// <summary>HM a shop handed in; the municipality owes the same in euros until settled.</summary>
public sealed class RedemptionRecord(Amount amount)
{
    /// <summary>Euro-cents owed.</summary>
    public Amount Amount { get; } = amount;

    /// <summary>The bank transfer's reference, once paid.</summary>
    public string? BankReference { get; internal set; }
}

/// <summary>
/// An account's daily spending limit (SetSpendingLimit) and what it paid on the last UTC day it paid. Kept beside the
/// accounts, only for accounts with a limit (munt cards), so the many without one pay nothing for the rule: an
/// <see cref="AccountState"/> stays at its 88 bytes, and a limited account costs one 24-byte value in a dictionary entry.
/// </summary>
/// <param name="Daily">Most the account may pay per UTC calendar day; always above zero (zero removes the record).</param>
/// <param name="Day">The UTC day (<see cref="DayOf"/>) of <paramref name="SpentOnDay"/>.</param>
/// <param name="SpentOnDay">What the account paid on <paramref name="Day"/> while it had a limit. Refunds do not lower it.</param>
public readonly record struct SpendingLimit(Amount Daily, long Day, Amount SpentOnDay)
{
    private const long DayMs = 86_400_000;

    /// <summary>What the account paid on UTC day <paramref name="day"/>: nothing on any day but the last it paid.</summary>
    public Amount SpentOn(long day) => day == Day ? SpentOnDay : Amount.Zero;

    /// <summary>
    /// The UTC calendar day of a unix-ms timestamp, as days since 1970-01-01 (rounded down, also before 1970). UTC, not
    /// Heerlen time: the rule needs no time-zone rules, and a day starts at 01:00 (winter) or 02:00 (summer) in Heerlen.
    /// </summary>
    public static long DayOf(long timestampMs) => timestampMs >= 0 ? timestampMs / DayMs : -((-(timestampMs + 1)) / DayMs) - 1;
}

/// <summary>What the ledger remembers of each applied command id, to answer retries.</summary>
/// <param name="Digest">The command's signing digest (its content).</param>
/// <param name="Height">The entry that recorded it.</param>
/// <param name="Outcome">Applied (None) or the recorded rejection.</param>
public readonly record struct CommandRecord(Hash32 Digest, long Height, RejectionCode Outcome);

/// <summary>
/// A <see cref="Hash32"/> kept inline as four words, for state that holds many of them: no 32-byte array (and its
/// 24-byte header and 8-byte reference) of its own.
/// </summary>
internal readonly struct InlineHash32 : IEquatable<InlineHash32>
{
    private readonly ulong _w0, _w1, _w2, _w3;

    public InlineHash32(Hash32 hash)
    {
        var d = hash.Span;
        _w0 = BinaryPrimitives.ReadUInt64BigEndian(d);
        _w1 = BinaryPrimitives.ReadUInt64BigEndian(d[8..]);
        _w2 = BinaryPrimitives.ReadUInt64BigEndian(d[16..]);
        _w3 = BinaryPrimitives.ReadUInt64BigEndian(d[24..]);
    }

    /// <summary>The public form (a new array).</summary>
    public Hash32 ToHash32()
    {
        Span<byte> bytes = stackalloc byte[Hash32.Size];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[24..], _w3);
        return new Hash32(bytes);
    }

    public bool Equals(InlineHash32 other) => _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    public override bool Equals(object? obj) => obj is InlineHash32 other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);
}

/// <summary>
/// How the state keeps a <see cref="CommandRecord"/>: the digest inline (<see cref="InlineHash32"/>) and the height and
/// outcome in one word, so every remembered command costs one 72-byte dictionary entry and nothing on the heap besides.
/// </summary>
internal readonly struct StoredCommand
{
    private const int OutcomeBits = 16; // RejectionCode is a u16
    private const long HeightLimit = 1L << (64 - OutcomeBits); // 2^48 entries: millennia at a thousand a second

    private readonly InlineHash32 _digest;
    private readonly ulong _heightAndOutcome;

    public StoredCommand(Hash32 digest, long height, RejectionCode outcome)
    {
        Ensure.That(height >= 0 && height < HeightLimit);
        _digest = new InlineHash32(digest);
        _heightAndOutcome = (ulong)height << OutcomeBits | (ushort)outcome;
    }

    public long Height => (long)(_heightAndOutcome >> OutcomeBits);

    public RejectionCode Outcome => (RejectionCode)unchecked((ushort)_heightAndOutcome);

    /// <summary>True if <paramref name="digest"/> is the stored one.</summary>
    public bool HasDigest(Hash32 digest) => _digest.Equals(new InlineHash32(digest));

    /// <summary>The public form.</summary>
    public CommandRecord ToRecord() => new(_digest.ToHash32(), Height, Outcome);
}

/// <summary>
/// The key of a remembered command: its actor and its id. The 128-bit id is kept as two words, because a
/// <see cref="UInt128"/> is aligned to 16 bytes and would pad an (actor, id) tuple to 32 bytes; this key is 24.
/// </summary>
internal readonly struct CommandKey : IEquatable<CommandKey>
{
    private readonly ulong _idHigh, _idLow;

    public CommandKey(AccountId actor, CommandId id)
    {
        Actor = actor;
        _idHigh = (ulong)(id.Value >> 64);
        _idLow = unchecked((ulong)id.Value); // the low half
    }

    public AccountId Actor { get; }

    public CommandId Id => new(new UInt128(_idHigh, _idLow));

    public bool Equals(CommandKey other) => _idLow == other._idLow && _idHigh == other._idHigh && Actor == other.Actor;

    public override bool Equals(object? obj) => obj is CommandKey other && Equals(other);

    // Seeded per process (HashCode and AccountId's hash): nobody may pick command ids that collide in the dictionary.
    public override int GetHashCode() => HashCode.Combine(Actor, _idHigh, _idLow);
}

/// <summary>
/// Everything the rules need, in memory. Changed only by <see cref="LedgerRules.Apply"/>, deterministically,
/// so replaying the chain from height 0 rebuilds exactly this state.
/// </summary>
public sealed class LedgerState(string chainId)
{
    /// <summary>The chain this state belongs to.</summary>
    public string ChainId { get; } = FieldRules.IsChainId(chainId) ? chainId : throw new ArgumentException("bad chain id", nameof(chainId));

    /// <summary>True once height 0 (EstablishChain) is applied.</summary>
    public bool IsEstablished { get; internal set; }

    /// <summary>The municipality's root account.</summary>
    public AccountId Issuer { get; internal set; }

    /// <summary>The key that signs checkpoints.</summary>
    public AccountId OperatorKey { get; internal set; }

    /// <summary>Mints above this need two officers.</summary>
    public Amount MintCosignThreshold { get; internal set; }

    /// <summary>Height the next entry gets.</summary>
    public long NextHeight { get; internal set; }

    /// <summary>Hash of the last entry (zero before the first).</summary>
    public Hash32 HeadHash { get; internal set; } = Hash32.Zero;

    /// <summary>Timestamp of the last entry; entries never go back in time.</summary>
    public long LastTimestampMs { get; internal set; }

    /// <summary>All HM ever minted.</summary>
    public Amount Minted { get; internal set; }

    /// <summary>All HM ever redeemed (burnt).</summary>
    public Amount Redeemed { get; internal set; }

    /// <summary>HM held in job escrow.</summary>
    public Amount Reserved { get; internal set; }

    /// <summary>HM held in participation campaigns (funded, not yet paid out or returned).</summary>
    public Amount CampaignFunds { get; internal set; }

    /// <summary>HM in existence: minted − redeemed. Equals the euros the municipality stands behind.</summary>
    public Amount Supply => Minted - Redeemed;

    internal Dictionary<AccountId, AccountState> AccountsById { get; } = [];

    /// <summary>
    /// The current key of every rotated account, to its account id. An unrotated account's key is its id, found in
    /// <see cref="AccountsById"/>, so it costs no second slot here. Use <see cref="TryGetAccountByKey"/>.
    /// </summary>
    internal Dictionary<AccountId, AccountId> RotatedKeys { get; } = [];

    internal Dictionary<string, Amount> BudgetsById { get; } = new(StringComparer.Ordinal);

    /// <summary>One instance of each budget, category and neighbourhood name; see <see cref="Shared"/>.</summary>
    internal HashSet<string> Names { get; } = new(StringComparer.Ordinal);

    internal Dictionary<JobId, JobState> JobsById { get; } = [];

    internal Dictionary<(AccountId Payer, CommandId Id), PaymentRecord> Payments { get; } = [];

    internal Dictionary<CampaignId, CampaignState> CampaignsById { get; } = [];

    internal Dictionary<(AccountId Merchant, CommandId Id), RedemptionRecord> Redemptions { get; } = [];

    internal Dictionary<CommandKey, StoredCommand> Commands { get; } = [];

    /// <summary>The daily spending limits, by account id (the state's own id instance); only accounts with a limit.</summary>
    internal Dictionary<AccountId, SpendingLimit> SpendingLimitsByAccount { get; } = [];

    /// <summary>Every account with a daily spending limit, and what it paid on the last day it paid.</summary>
    public IReadOnlyDictionary<AccountId, SpendingLimit> SpendingLimits => SpendingLimitsByAccount;

    /// <summary>The account's daily spending limit; zero if it has none.</summary>
    public Amount DailyLimitOf(AccountId account) => SpendingLimitsByAccount.TryGetValue(account, out var limit) ? limit.Daily : Amount.Zero;

    /// <summary>What a limited account paid on the UTC day of <paramref name="timestampMs"/>; zero for an account without a limit.</summary>
    public Amount SpentOnDayOf(AccountId account, long timestampMs) =>
        SpendingLimitsByAccount.TryGetValue(account, out var limit) ? limit.SpentOn(SpendingLimit.DayOf(timestampMs)) : Amount.Zero;

    /// <summary>All accounts.</summary>
    public IReadOnlyDictionary<AccountId, AccountState> Accounts => AccountsById;

    /// <summary>All budget lines and what is left in them.</summary>
    public IReadOnlyDictionary<string, Amount> Budgets => BudgetsById;

    /// <summary>All jobs.</summary>
    public IReadOnlyDictionary<JobId, JobState> Jobs => JobsById;

    /// <summary>All participation campaigns, open and closed.</summary>
    public IReadOnlyDictionary<CampaignId, CampaignState> Campaigns => CampaignsById;

    /// <summary>Redemptions by (shop, command id).</summary>
    public IReadOnlyDictionary<(AccountId Merchant, CommandId Id), RedemptionRecord> RedemptionsById => Redemptions;

    /// <summary>
    /// The account that <paramref name="key"/> signs for now, if any: the account whose <see cref="AccountState.CurrentKey"/>
    /// it is. A retired key (rotated away) signs for none.
    /// </summary>
    internal bool TryGetAccountByKey(AccountId key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out AccountState account)
    {
        if (AccountsById.TryGetValue(key, out account) && account.CurrentKey == key) return true;
        account = null;
        return RotatedKeys.TryGetValue(key, out var id) && AccountsById.TryGetValue(id, out account);
    }

    /// <summary>True if <paramref name="key"/> is the current key of an account.</summary>
    internal bool IsCurrentKey(AccountId key) => TryGetAccountByKey(key, out _);

    /// <summary>
    /// The state's own instance of <paramref name="name"/> (a budget, category or neighbourhood): every job in GMS
    /// holds the same "gms", not a copy decoded from its command. Called by Apply only, so only names on the chain.
    /// </summary>
    internal string Shared(string name)
    {
        if (Names.TryGetValue(name, out var known)) return known;
        Names.Add(name);
        return name;
    }

    /// <summary>Balance of an account, zero if unknown.</summary>
    public Amount BalanceOf(AccountId account) => AccountsById.TryGetValue(account, out var a) ? a.Balance : Amount.Zero;

    /// <summary>What the ledger remembers of a command id, if anything.</summary>
    public CommandRecord? FindCommand(AccountId actor, CommandId id) => Commands.TryGetValue(new CommandKey(actor, id), out var r) ? r.ToRecord() : null;

    /// <summary>
    /// Checks every invariant over the whole state (O(size), for tests, start-up and the verifier):
    /// supply = minted − redeemed ≥ 0; Σ balances + Σ budgets + Σ job reserves + Σ campaign funds = supply; nothing
    /// below zero; no job pays or holds more than slots × reward; refunds never exceed payments;
    /// every rotated account's key leads back to it; every spending limit belongs to an account and is above zero.
    /// Throws <see cref="InvariantViolationException"/> naming the first broken one.
    /// </summary>
    public void CheckInvariants()
    {
        Ensure.That(Minted.Cents >= 0 && Redeemed.Cents >= 0 && Supply.Cents >= 0);
        Amount held = Amount.Zero;
        int rotated = 0;
        foreach (var account in AccountsById.Values)
        {
            Ensure.That(account.Balance.Cents >= 0);
            held += account.Balance;
            if (account.CurrentKey != account.Id) rotated++;
        }
        // Every rotated account's key is in RotatedKeys, pointing at it, and no such key is an account id.
        Ensure.That(rotated == RotatedKeys.Count);
        foreach (var (key, id) in RotatedKeys)
            Ensure.That(!AccountsById.ContainsKey(key) && AccountsById.TryGetValue(id, out var owner) && owner.CurrentKey == key);
        foreach (var budget in BudgetsById.Values)
        {
            Ensure.That(budget.Cents >= 0);
            held += budget;
        }
        Amount reserves = Amount.Zero;
        foreach (var job in JobsById.Values)
        {
            Ensure.That(job.Reserve.Cents >= 0 && job.Paid <= job.Slots && job.Taken <= job.Slots && job.Paid <= job.Taken);
            Ensure.That(job.Open ? job.Reserve + job.Reward * job.Paid == job.Reward * job.Slots : job.Reserve == Amount.Zero);
            reserves += job.Reserve;
        }
        Ensure.That(reserves == Reserved);
        Amount campaigns = Amount.Zero;
        foreach (var campaign in CampaignsById.Values)
        {
            // Everything moved in is either still there or paid out, one reward per token; a closed campaign holds nothing.
            Ensure.That(campaign.Funds.Cents >= 0 && campaign.Paid == campaign.Spent.Count && (!campaign.Closed || campaign.Funds == Amount.Zero));
            Ensure.That(campaign.Closed || campaign.Funds + campaign.Reward * campaign.Paid == campaign.Funded);
            Ensure.That(campaign.RewardsByAccount.Values.Sum() == campaign.Paid && campaign.RewardsByAccount.Values.All(n => n >= 1 && n <= campaign.PerPersonCap));
            campaigns += campaign.Funds;
        }
        Ensure.That(campaigns == CampaignFunds);
        Ensure.That(held + reserves + campaigns == Supply);
        foreach (var payment in Payments.Values)
            Ensure.That(payment.Refunded.Cents >= 0 && payment.Refunded <= payment.Amount);
        // Spent may exceed a limit lowered later that day, but never the largest limit there can be.
        foreach (var (id, limit) in SpendingLimitsByAccount)
            Ensure.That(AccountsById.ContainsKey(id) && limit.Daily.Cents is > 0 and <= Amount.CentsMax && limit.SpentOnDay.Cents is >= 0 and <= Amount.CentsMax);
    }
}
