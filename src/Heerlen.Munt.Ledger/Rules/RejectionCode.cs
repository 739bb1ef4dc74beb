namespace Heerlen.Munt.Ledger;

/// <summary>
/// Every "no" the ledger can say: a closed set of stable codes. Codes 1-99 are <b>refusals</b>: the
/// request was malformed or not proven to come from its actor, so nothing is written. Codes from 100
/// are <b>rejections</b>: an authenticated actor asked for something the rules forbid; the decision is
/// recorded on the chain so it can be shown and audited later. Wire values (u16) are part of the
/// chain format: to be versioned with care. <see cref="Rejections"/> has the words for people.
/// </summary>
public enum RejectionCode : ushort
{
    /// <summary>Not a rejection: the command was applied.</summary>
    None = 0,

    // Refusals (not recorded).

    /// <summary>The bytes are not a valid command.</summary>
    MalformedCommand = 1,

    /// <summary>The command is larger than allowed.</summary>
    CommandTooLarge = 2,

    /// <summary>The command's format version is unknown.</summary>
    UnsupportedVersion = 3,

    /// <summary>The command type is unknown.</summary>
    UnknownCommandType = 4,

    /// <summary>The command was made for another chain.</summary>
    WrongChainId = 5,

    /// <summary>A signature does not check out.</summary>
    BadSignature = 6,

    /// <summary>The command's expiry time has passed.</summary>
    CommandExpired = 7,

    /// <summary>A signer has no account.</summary>
    UnknownSigner = 8,

    /// <summary>A signature was made with a key that is not the signer's current key.</summary>
    SignerKeyMismatch = 9,

    /// <summary>The actor did not sign first, or a signature is there that the command cannot use.</summary>
    SignaturesDoNotFit = 10,

    /// <summary>The command id was already used for a different command.</summary>
    CommandIdReused = 11,

    /// <summary>The chain has not been established yet (or is being established twice).</summary>
    ChainNotEstablished = 12,

    /// <summary>The chain was already established; it cannot be established again.</summary>
    ChainAlreadyEstablished = 13,

    /// <summary>A second officer must sign this (a refusal: anyone could strip a co-signature).</summary>
    CosignerRequired = 14,

    /// <summary>The second signer is not another active officer (a refusal: anyone could add a signature).</summary>
    CosignerInvalid = 15,

    // Rejections (recorded on the chain).

    /// <summary>The actor's roles do not allow this.</summary>
    NotPermitted = 100,

    /// <summary>The account already exists.</summary>
    AccountExists = 101,

    /// <summary>The account named in the command does not exist.</summary>
    AccountNotFound = 102,

    /// <summary>The acting account is frozen.</summary>
    AccountFrozen = 103,

    /// <summary>This role cannot be given or taken this way.</summary>
    RoleNotGrantable = 104,

    /// <summary>The account already has the role.</summary>
    RoleAlreadyHeld = 105,

    /// <summary>The account does not have the role.</summary>
    RoleNotHeld = 106,

    /// <summary>The amount is zero or negative.</summary>
    AmountNotPositive = 107,

    /// <summary>The amount is larger than the ledger allows.</summary>
    AmountTooLarge = 108,

    /// <summary>The budget line does not exist.</summary>
    BudgetNotFound = 109,

    /// <summary>The budget line has too little left.</summary>
    BudgetInsufficient = 110,


    /// <summary>A job with this id exists.</summary>
    JobExists = 113,

    /// <summary>The job does not exist.</summary>
    JobNotFound = 114,

    /// <summary>The job is cancelled.</summary>
    JobNotOpen = 115,

    /// <summary>All slots of the job are taken.</summary>
    JobFull = 116,

    /// <summary>The job's deadline has passed.</summary>
    JobDeadlinePassed = 117,

    /// <summary>The deadline lies in the past.</summary>
    DeadlineInPast = 118,

    /// <summary>A job needs at least one slot.</summary>
    SlotsInvalid = 119,

    /// <summary>The resident already has a slot in this job.</summary>
    AlreadyEnrolled = 120,

    /// <summary>The resident has no slot in this job.</summary>
    NotEnrolled = 121,

    /// <summary>No completion was submitted yet.</summary>
    CompletionNotSubmitted = 122,

    /// <summary>The completion was already approved or rejected.</summary>
    CompletionAlreadyDecided = 123,

    /// <summary>An officer may not approve their own work.</summary>
    FourEyesViolation = 124,

    /// <summary>The balance is too low.</summary>
    InsufficientFunds = 125,

    /// <summary>The shop is not (or no longer) affiliated.</summary>
    MerchantNotAffiliated = 126,

    /// <summary>The payment to refund does not exist (at this shop).</summary>
    PaymentNotFound = 127,

    /// <summary>The refund would be more than was paid.</summary>
    RefundExceedsPayment = 128,

    /// <summary>The redemption does not exist.</summary>
    RedemptionNotFound = 129,

    /// <summary>The redemption was already settled.</summary>
    RedemptionAlreadySettled = 130,

    /// <summary>The shop is already admitted.</summary>
    MerchantAlreadyAdmitted = 131,

    /// <summary>The shop is not admitted (or already suspended).</summary>
    MerchantNotAdmitted = 132,

    /// <summary>The new key is already in use.</summary>
    KeyInUse = 133,

    /// <summary>The account is already in that frozen state.</summary>
    FreezeUnchanged = 134,

    /// <summary>The recipient account is frozen.</summary>
    RecipientFrozen = 135,

    /// <summary>The payment would take the payer's payments on this UTC day above the account's daily spending limit.</summary>
    DailyLimitExceeded = 136,

    /// <summary>A daily spending limit below zero (zero means no limit).</summary>
    SpendingLimitNegative = 137,

    /// <summary>The account already has exactly this daily spending limit.</summary>
    SpendingLimitUnchanged = 138,

    /// <summary>A campaign with this id exists.</summary>
    CampaignExists = 139,

    /// <summary>The campaign does not exist.</summary>
    CampaignNotFound = 140,

    /// <summary>The campaign's window has not opened yet.</summary>
    CampaignNotOpenYet = 141,

    /// <summary>The campaign is closed, or its window has ended.</summary>
    CampaignClosed = 142,

    /// <summary>The campaign has too little money left for one more reward.</summary>
    CampaignBudgetExhausted = 143,

    /// <summary>This reward token was already handed in.</summary>
    RewardAlreadyRedeemed = 144,

    /// <summary>The token's signature is not the campaign key's signature of this token for this account.</summary>
    RewardTokenInvalid = 145,

    /// <summary>The account already got as many rewards from this campaign as one person may.</summary>
    RewardCapReached = 146,

    /// <summary>The campaign's public key is not a valid RSA key of 2048 to 4096 bits.</summary>
    CampaignKeyInvalid = 147,

    /// <summary>The campaign's window is empty or has already ended.</summary>
    CampaignWindowInvalid = 148,

    /// <summary>A campaign's per-person cap is at least one.</summary>
    RewardCapInvalid = 149,

    /// <summary>The key was already used by another campaign: each campaign has its own key, retired when it closes.</summary>
    CampaignKeyReused = 150,
}
