namespace Heerlen.Munt.Ledger.Commands;

/// <summary>The command kinds. The numbers are the wire tags of docs/chain-format.md: to be versioned with care.</summary>
public enum CommandType : byte
{
    /// <summary>Height 0 only: the issuer opens the chain and names the operator's checkpoint key.</summary>
    EstablishChain = 1,

    /// <summary>Someone opens their own account (becomes a resident).</summary>
    OpenAccount = 2,

    /// <summary>Give a role to an account.</summary>
    GrantRole = 3,

    /// <summary>Take a role away.</summary>
    RevokeRole = 4,

    /// <summary>Create money into a budget line (two officers above the threshold).</summary>
    MintBudget = 5,

    /// <summary>Publish a job; reserves reward × slots from a budget.</summary>
    PublishJob = 6,

    /// <summary>A resident takes a slot of a job.</summary>
    Enrol = 7,

    /// <summary>The worker says the job is done, with the hash of the evidence.</summary>
    SubmitCompletion = 8,

    /// <summary>An officer (not the worker) approves: the reward moves from the reserve to the worker.</summary>
    ApproveCompletion = 9,

    /// <summary>An officer rejects a completion with a reason; the slot frees up.</summary>
    RejectCompletion = 10,

    /// <summary>An officer cancels a job; what is still reserved returns to the budget.</summary>
    CancelJob = 11,

    /// <summary>A resident pays an affiliated shop.</summary>
    Pay = 12,

    /// <summary>A shop pays (part of) a payment back.</summary>
    Refund = 13,

    /// <summary>A shop hands in HM for euros; the HM are burnt.</summary>
    Redeem = 14,

    /// <summary>An officer records the bank transfer that paid a redemption.</summary>
    SettleRedemption = 15,

    /// <summary>An officer admits a shop (or re-admits a suspended one).</summary>
    AdmitMerchant = 16,

    /// <summary>An officer suspends a shop: it can no longer receive payments.</summary>
    SuspendMerchant = 17,

    /// <summary>Replace an account's key: signed by the old key, or by two officers when it is lost.</summary>
    RotateKey = 18,

    /// <summary>An officer freezes or unfreezes an account.</summary>
    FreezeAccount = 19,

    /// <summary>An officer sets, changes or removes (0) an account's daily spending limit (munt cards).</summary>
    SetSpendingLimit = 20,

    /// <summary>A participation module opens a campaign: reward, window, scope, per-person cap, its blind-signature key.</summary>
    OpenCampaign = 21,

    /// <summary>An officer moves money from the campaign's budget line into the campaign.</summary>
    FundCampaign = 22,

    /// <summary>A resident hands in a reward token (a blind signature of the campaign's key) and gets the reward.</summary>
    RedeemReward = 23,

    /// <summary>The module or an officer closes a campaign: no more rewards; what is left returns to the budget line.</summary>
    CloseCampaign = 24,
}
