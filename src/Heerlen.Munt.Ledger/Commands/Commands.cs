using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Commands;

// Commands are the storage format of the chain (inside each entry): to be versioned with care.
// Each record lists its body fields in wire order; CommandCodec writes and reads them.

/// <summary>The fields every command carries, in wire order after the version byte.</summary>
/// <param name="ChainId">The chain this command is for; a command signed for another chain is refused.</param>
/// <param name="Id">Client-chosen id: a retry with the same id returns the first outcome.</param>
/// <param name="Actor">The account acting; its key signs first.</param>
/// <param name="ExpiresAtMs">Unix milliseconds after which the ledger refuses the command.</param>
public sealed record CommandHeader(string ChainId, CommandId Id, AccountId Actor, long ExpiresAtMs);

/// <summary>A request to change the ledger, made and signed by its actor.</summary>
public abstract record Command
{
    /// <summary>Chain, id, actor and expiry.</summary>
    public required CommandHeader Header { get; init; }

    /// <summary>The wire tag.</summary>
    public abstract CommandType Type { get; }
}

/// <summary>Height 0: the issuer's key opens the chain.</summary>
/// <param name="OperatorKey">x-only key that signs checkpoints (blocks).</param>
/// <param name="MintCosignThreshold">Mints above this need a second officer's signature.</param>
public sealed record EstablishChain(AccountId OperatorKey, Amount MintCosignThreshold) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.EstablishChain;
}

/// <summary>Opens the actor's own account; the actor id must be the signing key.</summary>
public sealed record OpenAccount : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.OpenAccount;
}

/// <summary>Gives <paramref name="Role"/> to <paramref name="Account"/>.</summary>
public sealed record GrantRole(AccountId Account, Roles Role) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.GrantRole;
}

/// <summary>Takes <paramref name="Role"/> from <paramref name="Account"/>.</summary>
public sealed record RevokeRole(AccountId Account, Roles Role) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.RevokeRole;
}

/// <summary>Creates <paramref name="Amount"/> into budget line <paramref name="Budget"/> (created if new).</summary>
public sealed record MintBudget(string Budget, Amount Amount) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.MintBudget;
}

/// <summary>Publishes a job and reserves <c>Reward × Slots</c> from <paramref name="Budget"/>.</summary>
public sealed record PublishJob(JobId Job, string Budget, string Category, string Neighbourhood, Amount Reward, ushort Slots, long DeadlineMs) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.PublishJob;
}

/// <summary>The actor takes a slot of <paramref name="Job"/>.</summary>
public sealed record Enrol(JobId Job) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.Enrol;
}

/// <summary>The actor reports the job done; <paramref name="EvidenceHash"/> is the SHA-256 of the photo kept off-chain.</summary>
public sealed record SubmitCompletion(JobId Job, Hash32 EvidenceHash) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.SubmitCompletion;
}

/// <summary>An officer approves <paramref name="Worker"/>'s completion: the reward is paid.</summary>
public sealed record ApproveCompletion(JobId Job, AccountId Worker) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.ApproveCompletion;
}

/// <summary>An officer rejects <paramref name="Worker"/>'s completion for <paramref name="Reason"/>.</summary>
public sealed record RejectCompletion(JobId Job, AccountId Worker, CompletionRejectionReason Reason) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.RejectCompletion;
}

/// <summary>An officer cancels <paramref name="Job"/>; the unpaid reserve returns to its budget.</summary>
public sealed record CancelJob(JobId Job) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.CancelJob;
}

/// <summary>The actor (a resident) pays <paramref name="Merchant"/>, optionally answering a payment request.</summary>
public sealed record Pay(AccountId Merchant, Amount Amount, PaymentRequestId? Request) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.Pay;
}

/// <summary>The actor (a shop) pays back part or all of <paramref name="Payer"/>'s payment <paramref name="Payment"/>.</summary>
public sealed record Refund(AccountId Payer, CommandId Payment, Amount Amount) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.Refund;
}

/// <summary>The actor (a shop) hands in <paramref name="Amount"/> for euros; the redemption's id is the command id.</summary>
public sealed record Redeem(Amount Amount) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.Redeem;
}

/// <summary>An officer records that <paramref name="Merchant"/>'s redemption was paid by bank transfer <paramref name="BankReference"/>.</summary>
public sealed record SettleRedemption(AccountId Merchant, CommandId Redemption, string BankReference) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.SettleRedemption;
}

/// <summary>
/// An officer admits <paramref name="Merchant"/> as an affiliated shop located in <paramref name="Neighbourhood"/> (a slug,
/// e.g. <c>centrum</c>). A shop's location is business data, not personal data; statistics count spending and redemptions
/// per shop neighbourhood. Re-admitting a suspended shop may move it to another neighbourhood.
/// </summary>
public sealed record AdmitMerchant(AccountId Merchant, string Neighbourhood) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.AdmitMerchant;
}

/// <summary>An officer suspends <paramref name="Merchant"/>: no payments in; refunds and redemptions still work.</summary>
public sealed record SuspendMerchant(AccountId Merchant) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.SuspendMerchant;
}

/// <summary>Gives <paramref name="Account"/> the new key <paramref name="NewKey"/>; its id stays the same.</summary>
public sealed record RotateKey(AccountId Account, AccountId NewKey) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.RotateKey;
}

/// <summary>An officer freezes (<paramref name="Frozen"/> true) or unfreezes an account.</summary>
public sealed record FreezeAccount(AccountId Account, bool Frozen) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.FreezeAccount;
}

/// <summary>
/// An officer sets <paramref name="Account"/>'s daily spending limit to <paramref name="DailyLimit"/> (euro-cents paid per UTC
/// calendar day; zero removes the limit). Meant for munt cards: a printed key under a short PIN, so a lost card can cost at
/// most one day's limit before it is blocked. Decoded as any i64: a negative limit is a recorded rejection, not malformed.
/// </summary>
public sealed record SetSpendingLimit(AccountId Account, Amount DailyLimit) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.SetSpendingLimit;
}

/// <summary>
/// A participation module (the actor, role module) opens campaign <paramref name="Campaign"/>, funded later from budget
/// line <paramref name="Budget"/> by an officer (<see cref="FundCampaign"/>): the module sets the terms, only an officer
/// moves money, and only the issuer makes an account a module. Each token signed blindly by <paramref name="Key"/> (RFC 9474,
/// <see cref="Participation.RewardToken"/>) pays <paramref name="Reward"/> once, between <paramref name="OpensAtMs"/> and
/// <paramref name="ClosesAtMs"/>, at most <paramref name="PerPersonCap"/> times to one account.
/// A <paramref name="Sensitive"/> campaign has no name on the chain (<paramref name="Name"/> is null): taking part in it
/// can itself say something about a person, so the chain shows only its opaque id.
/// </summary>
/// <param name="Campaign">Random 128-bit id.</param>
/// <param name="Budget">The budget line that funds it and gets the rest back when it closes.</param>
/// <param name="Reward">Paid per token.</param>
/// <param name="OpensAtMs">No reward before this moment (unix ms).</param>
/// <param name="ClosesAtMs">No reward from this moment on (unix ms); after it, the campaign can only be closed.</param>
/// <param name="Scope">City, district or neighbourhood (who the module may give tokens to).</param>
/// <param name="Area">The district's or neighbourhood's slug; null for the city.</param>
/// <param name="PerPersonCap">Rewards one account may get from this campaign (at least 1).</param>
/// <param name="Sensitive">True: no name on the chain.</param>
/// <param name="Name">A slug naming the campaign (e.g. <c>stemmen-heeft-zin-2026</c>); null exactly when sensitive.</param>
/// <param name="Key">The campaign's RSA public key, as <see cref="Crypto.RsaBlindPublicKey.Encode"/> writes it; checked by the rules.</param>
public sealed record OpenCampaign(
    CampaignId Campaign, string Budget, Amount Reward, long OpensAtMs, long ClosesAtMs, CampaignScope Scope, string? Area,
    ushort PerPersonCap, bool Sensitive, string? Name, byte[] Key) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.OpenCampaign;
}

/// <summary>An officer moves <paramref name="Amount"/> from the campaign's budget line into campaign <paramref name="Campaign"/>.</summary>
public sealed record FundCampaign(CampaignId Campaign, Amount Amount) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.FundCampaign;
}

/// <summary>
/// The actor (a resident) hands in a reward token of campaign <paramref name="Campaign"/>: a random
/// <paramref name="Serial"/> and the campaign key's RSA signature of <see cref="Participation.RewardToken.Message"/>
/// (chain, campaign, the actor's account, serial). The reward goes to the actor. Because the actor's account is in
/// the signed message, a token seen on the chain cannot be redeemed by anyone else.
/// </summary>
public sealed record RedeemReward(CampaignId Campaign, Hash32 Serial, byte[] Signature) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.RedeemReward;
}

/// <summary>The campaign's module or an officer closes <paramref name="Campaign"/>: no more rewards, its key is retired, the rest returns to its budget line.</summary>
public sealed record CloseCampaign(CampaignId Campaign) : Command
{
    /// <inheritdoc />
    public override CommandType Type => CommandType.CloseCampaign;
}

/// <summary>Who a campaign is for. Wire values: to be versioned with care.</summary>
public enum CampaignScope : byte
{
    /// <summary>The whole municipality (no area).</summary>
    City = 1,

    /// <summary>One district (stadsdeel), named by a slug.</summary>
    District = 2,

    /// <summary>One neighbourhood (wijk or buurt), named by a slug.</summary>
    Neighbourhood = 3,
}

/// <summary>Why an officer rejected a completion. Wire values: to be versioned with care.</summary>
public enum CompletionRejectionReason : byte
{
    /// <summary>The photo does not show the work.</summary>
    EvidenceUnclear = 1,

    /// <summary>The work was not (fully) done.</summary>
    WorkNotDone = 2,

    /// <summary>The work was done at the wrong place.</summary>
    WrongLocation = 3,

    /// <summary>The work does not meet the job's description.</summary>
    QualityInsufficient = 4,

    /// <summary>The work was unsafe.</summary>
    Unsafe = 5,
}
