using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger;

/// <summary>
/// The rules of Heerlen Munt. <see cref="Decide"/> reads the state and never changes it; <see cref="Apply"/>
/// changes it deterministically from an entry. Neither does I/O or reads a clock: time comes from the entry.
/// </summary>
public static partial class LedgerRules
{
    /// <summary>
    /// Decides a verified command at <paramref name="timestampMs"/> (the time its entry will carry).
    /// Returns a refusal (nothing written), a duplicate (the first outcome), a rejection (written), or acceptance.
    /// </summary>
    public static Decision Decide(LedgerState state, VerifiedCommand verified, long timestampMs)
    {
        var signed = verified.Signed;
        Command command = signed.Command;
        if (command.Header.ChainId != state.ChainId) return new(RejectionCode.WrongChainId);
        if (!state.IsEstablished)
        {
            if (command is not EstablishChain establish || !IsSelfSigned(signed)) return new(RejectionCode.ChainNotEstablished);
            return timestampMs > command.Header.ExpiresAtMs ? new(RejectionCode.CommandExpired) : DecideEstablish(establish);
        }

        // A retry of exactly what is on the chain gets its first outcome, even after expiry or a key rotation:
        // the content was authenticated when it was recorded, and answering again reveals nothing new.
        bool seen = state.Commands.TryGetValue(new CommandKey(command.Header.Actor, command.Header.Id), out var earlier);
        if (seen && earlier.HasDigest(signed.Digest)) return new(earlier.Outcome, earlier.Height);
        if (command is EstablishChain) return new(RejectionCode.ChainAlreadyEstablished);
        if (timestampMs > command.Header.ExpiresAtMs) return new(RejectionCode.CommandExpired);

        RejectionCode auth = Authenticate(state, signed);
        if (auth == RejectionCode.None) auth = CheckSignerSet(state, signed);
        if (auth != RejectionCode.None) return new(auth);
        if (seen) return new(RejectionCode.CommandIdReused);

        if (command is OpenAccount) return DecideOpenAccount(state, command);
        if (state.AccountsById[command.Header.Actor].Frozen) return new(RejectionCode.AccountFrozen);
        return new(DecideBusiness(state, signed, timestampMs));
    }

    private static bool IsSelfSigned(SignedCommand signed) =>
        signed.Signatures.Count == 1 && signed.Signatures[0].Signer == signed.Command.Header.Actor && signed.Signatures[0].PublicKey == signed.Command.Header.Actor;

    private static Decision DecideEstablish(EstablishChain c) =>
        c.MintCosignThreshold.Cents < 0 || c.OperatorKey.IsEmpty || !NBitcoin.Secp256k1.ECXOnlyPubKey.TryCreate(c.OperatorKey.Span, out _)
            ? new(RejectionCode.MalformedCommand)
            : Decision.Accept;

    /// <summary>The actor signs first; every signer exists and signed with its current key; a second signer only where the command uses one.</summary>
    private static RejectionCode Authenticate(LedgerState state, SignedCommand signed)
    {
        Command command = signed.Command;
        var signatures = signed.Signatures;
        if (signatures[0].Signer != command.Header.Actor) return RejectionCode.SignaturesDoNotFit;
        if (signatures.Count == 2 && (signatures[1].Signer == signatures[0].Signer || command is not (MintBudget or RotateKey)))
            return RejectionCode.SignaturesDoNotFit;
        if (command is OpenAccount)
        {
            // Opening proves possession of the key the id is made from. If the account exists, its current key must sign.
            if (signatures.Count != 1) return RejectionCode.SignaturesDoNotFit;
            if (!state.AccountsById.TryGetValue(command.Header.Actor, out var existing))
                return signatures[0].PublicKey == command.Header.Actor ? RejectionCode.None : RejectionCode.SignerKeyMismatch;
            return existing.CurrentKey == signatures[0].PublicKey ? RejectionCode.None : RejectionCode.SignerKeyMismatch;
        }
        foreach (var signature in signatures)
        {
            if (!state.AccountsById.TryGetValue(signature.Signer, out var account)) return RejectionCode.UnknownSigner;
            if (account.CurrentKey != signature.PublicKey) return RejectionCode.SignerKeyMismatch;
        }
        return RejectionCode.None;
    }

    /// <summary>
    /// Everything that depends on who signed is checked here and refused, never recorded: anyone who sees an
    /// envelope in flight can add or strip a second signature, and must not be able to get a rejection
    /// recorded under the author's command id.
    /// </summary>
    private static RejectionCode CheckSignerSet(LedgerState state, SignedCommand signed)
    {
        bool cosigned = signed.Signatures.Count == 2;
        switch (signed.Command)
        {
            case MintBudget mint:
                if (cosigned && !IsActiveOfficer(state, signed.Signatures[1].Signer)) return RejectionCode.CosignerInvalid;
                if (!cosigned && mint.Amount > state.MintCosignThreshold) return RejectionCode.CosignerRequired;
                break;
            case RotateKey rotate:
                // Alone, an account rotates only its own key; with a second signature it is a recovery by two officers.
                if (!cosigned && rotate.Account != rotate.Header.Actor) return RejectionCode.CosignerRequired;
                if (cosigned && !(IsActiveOfficer(state, signed.Command.Header.Actor) && IsActiveOfficer(state, signed.Signatures[1].Signer)))
                    return RejectionCode.CosignerInvalid;
                break;
        }
        return RejectionCode.None;
    }

    private static Decision DecideOpenAccount(LedgerState state, Command command)
    {
        AccountId id = command.Header.Actor;
        if (state.AccountsById.ContainsKey(id)) return new(RejectionCode.AccountExists);
        if (state.IsCurrentKey(id)) return new(RejectionCode.KeyInUse); // another account rotated to this key
        return Decision.Accept;
    }

    private static RejectionCode DecideBusiness(LedgerState state, SignedCommand signed, long timestampMs)
    {
        Command command = signed.Command;
        AccountState actor = state.AccountsById[command.Header.Actor];
        return command switch
        {
            GrantRole c => DecideGrant(state, actor, c.Account, c.Role, grant: true),
            RevokeRole c => DecideGrant(state, actor, c.Account, c.Role, grant: false),
            MintBudget c => DecideMint(state, actor, c),
            PublishJob c => DecidePublish(state, actor, c, timestampMs),
            Enrol c => DecideEnrol(state, actor, c, timestampMs),
            SubmitCompletion c => DecideSubmit(state, c),
            ApproveCompletion c => DecideApprove(state, actor, c),
            RejectCompletion c => DecideReject(state, actor, c),
            CancelJob c => DecideCancel(state, actor, c),
            Pay c => DecidePay(state, actor, c, timestampMs),
            Refund c => DecideRefund(state, actor, c),
            Redeem c => DecideRedeem(actor, c),
            SettleRedemption c => DecideSettle(state, actor, c),
            AdmitMerchant c => DecideAdmit(state, actor, c.Merchant, admit: true),
            SuspendMerchant c => DecideAdmit(state, actor, c.Merchant, admit: false),
            RotateKey c => DecideRotate(state, signed, c),
            FreezeAccount c => DecideFreeze(state, actor, c),
            SetSpendingLimit c => DecideSpendingLimit(state, actor, c),
            OpenCampaign c => DecideOpenCampaign(state, actor, c, timestampMs),
            FundCampaign c => DecideFundCampaign(state, actor, c, timestampMs),
            RedeemReward c => DecideRedeemReward(state, actor, c, timestampMs),
            CloseCampaign c => DecideCloseCampaign(state, actor, c),
            _ => throw new InvariantViolationException($"no rule for {command.GetType().Name}"),
        };
    }

    private static bool Has(AccountState account, Roles role) => (account.Roles & role) != 0;

    private static bool IsActiveOfficer(LedgerState state, Accounts.AccountId id) =>
        state.AccountsById.TryGetValue(id, out var account) && Has(account, Roles.Officer) && !account.Frozen;

    private static RejectionCode CheckAmount(Amount amount) =>
        amount.Cents <= 0 ? RejectionCode.AmountNotPositive
        : amount.Cents > Amount.CentsMax ? RejectionCode.AmountTooLarge
        : RejectionCode.None;

    private static RejectionCode DecideGrant(LedgerState state, AccountState actor, AccountId target, Roles role, bool grant)
    {
        Roles mayGrant = role switch
        {
            Roles.Officer or Roles.Auditor or Roles.Module => Roles.Issuer,
            Roles.Resident => Roles.Issuer | Roles.Officer,
            _ => Roles.None, // issuer is fixed at genesis; merchants are admitted, not granted
        };
        if (mayGrant == Roles.None) return RejectionCode.RoleNotGrantable;
        if ((actor.Roles & mayGrant) == 0) return RejectionCode.NotPermitted;
        if (!state.AccountsById.TryGetValue(target, out var account)) return RejectionCode.AccountNotFound;
        if (grant && Has(account, role)) return RejectionCode.RoleAlreadyHeld;
        if (!grant && !Has(account, role)) return RejectionCode.RoleNotHeld;
        return RejectionCode.None;
    }

    private static RejectionCode DecideMint(LedgerState state, AccountState actor, MintBudget c)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        RejectionCode amount = CheckAmount(c.Amount);
        if (amount != RejectionCode.None) return amount;
        if (state.Minted.Cents > long.MaxValue - c.Amount.Cents) return RejectionCode.AmountTooLarge;
        return RejectionCode.None;
    }

    private static RejectionCode DecidePublish(LedgerState state, AccountState actor, PublishJob c, long timestampMs)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (state.JobsById.ContainsKey(c.Job)) return RejectionCode.JobExists;
        if (!state.BudgetsById.TryGetValue(c.Budget, out Amount budget)) return RejectionCode.BudgetNotFound;
        if (c.Slots == 0) return RejectionCode.SlotsInvalid;
        RejectionCode amount = CheckAmount(c.Reward);
        if (amount != RejectionCode.None) return amount;
        if (c.DeadlineMs <= timestampMs) return RejectionCode.DeadlineInPast;
        // Cannot overflow: CentsMax × 65535 is far below long.MaxValue.
        if (budget < c.Reward * c.Slots) return RejectionCode.BudgetInsufficient;
        return RejectionCode.None;
    }

    private static RejectionCode DecideEnrol(LedgerState state, AccountState actor, Enrol c, long timestampMs)
    {
        if (!Has(actor, Roles.Resident)) return RejectionCode.NotPermitted;
        if (!state.JobsById.TryGetValue(c.Job, out var job)) return RejectionCode.JobNotFound;
        if (!job.Open) return RejectionCode.JobNotOpen;
        if (timestampMs > job.DeadlineMs) return RejectionCode.JobDeadlinePassed;
        if (job.TryGetEnrolment(c.Header.Actor, out var enrolment) && enrolment.Status != EnrolmentStatus.Rejected)
            return RejectionCode.AlreadyEnrolled;
        if (job.Taken >= job.Slots) return RejectionCode.JobFull;
        return RejectionCode.None;
    }

    private static RejectionCode DecideSubmit(LedgerState state, SubmitCompletion c)
    {
        if (!state.JobsById.TryGetValue(c.Job, out var job)) return RejectionCode.JobNotFound;
        if (!job.Open) return RejectionCode.JobNotOpen;
        if (!job.TryGetEnrolment(c.Header.Actor, out var enrolment) || enrolment.Status == EnrolmentStatus.Rejected)
            return RejectionCode.NotEnrolled;
        // A worker may resubmit (a better photo) until an officer decides.
        return enrolment.Status == EnrolmentStatus.Approved ? RejectionCode.CompletionAlreadyDecided : RejectionCode.None;
    }

    private static RejectionCode DecideCompletion(LedgerState state, AccountState actor, AccountId officer, JobId jobId, AccountId worker)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.JobsById.TryGetValue(jobId, out var job)) return RejectionCode.JobNotFound;
        if (!job.Open) return RejectionCode.JobNotOpen;
        if (worker == officer) return RejectionCode.FourEyesViolation;
        if (!job.TryGetEnrolment(worker, out var enrolment)) return RejectionCode.NotEnrolled;
        return enrolment.Status switch
        {
            EnrolmentStatus.Enrolled => RejectionCode.CompletionNotSubmitted,
            EnrolmentStatus.Submitted => RejectionCode.None,
            _ => RejectionCode.CompletionAlreadyDecided,
        };
    }

    private static RejectionCode DecideApprove(LedgerState state, AccountState actor, ApproveCompletion c)
    {
        RejectionCode code = DecideCompletion(state, actor, c.Header.Actor, c.Job, c.Worker);
        if (code != RejectionCode.None) return code;
        return state.AccountsById[c.Worker].Frozen ? RejectionCode.RecipientFrozen : RejectionCode.None;
    }

    private static RejectionCode DecideReject(LedgerState state, AccountState actor, RejectCompletion c) =>
        DecideCompletion(state, actor, c.Header.Actor, c.Job, c.Worker);

    private static RejectionCode DecideCancel(LedgerState state, AccountState actor, CancelJob c)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.JobsById.TryGetValue(c.Job, out var job)) return RejectionCode.JobNotFound;
        return job.Open ? RejectionCode.None : RejectionCode.JobNotOpen;
    }

    private static RejectionCode DecidePay(LedgerState state, AccountState actor, Pay c, long timestampMs)
    {
        if (!Has(actor, Roles.Resident)) return RejectionCode.NotPermitted;
        RejectionCode amount = CheckAmount(c.Amount);
        if (amount != RejectionCode.None) return amount;
        if (c.Merchant == c.Header.Actor) return RejectionCode.NotPermitted;
        if (!state.AccountsById.TryGetValue(c.Merchant, out var merchant)) return RejectionCode.MerchantNotAffiliated;
        if (merchant.Frozen) return RejectionCode.RecipientFrozen;
        if (!merchant.IsAffiliatedMerchant) return RejectionCode.MerchantNotAffiliated;
        if (actor.Balance < c.Amount) return RejectionCode.InsufficientFunds;
        // Last, so daily_limit_exceeded always means "a smaller amount, or tomorrow, would work" (docs/chain-format.md).
        // Cannot overflow: what was spent on a day never passes the largest limit, CentsMax, and neither does the amount.
        if (state.SpendingLimitsByAccount.TryGetValue(actor.Id, out var limit)
            && limit.SpentOn(SpendingLimit.DayOf(timestampMs)) + c.Amount > limit.Daily) return RejectionCode.DailyLimitExceeded;
        return RejectionCode.None;
    }

    private static RejectionCode DecideRefund(LedgerState state, AccountState actor, Refund c)
    {
        if (!Has(actor, Roles.Merchant)) return RejectionCode.NotPermitted;
        RejectionCode amount = CheckAmount(c.Amount);
        if (amount != RejectionCode.None) return amount;
        if (!state.Payments.TryGetValue((c.Payer, c.Payment), out var payment) || payment.Merchant != c.Header.Actor)
            return RejectionCode.PaymentNotFound;
        if (c.Amount > payment.Amount - payment.Refunded) return RejectionCode.RefundExceedsPayment;
        if (state.AccountsById[c.Payer].Frozen) return RejectionCode.RecipientFrozen;
        return actor.Balance < c.Amount ? RejectionCode.InsufficientFunds : RejectionCode.None;
    }

    private static RejectionCode DecideRedeem(AccountState actor, Redeem c)
    {
        if (!Has(actor, Roles.Merchant)) return RejectionCode.NotPermitted;
        RejectionCode amount = CheckAmount(c.Amount);
        if (amount != RejectionCode.None) return amount;
        return actor.Balance < c.Amount ? RejectionCode.InsufficientFunds : RejectionCode.None;
    }

    private static RejectionCode DecideSettle(LedgerState state, AccountState actor, SettleRedemption c)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.Redemptions.TryGetValue((c.Merchant, c.Redemption), out var redemption)) return RejectionCode.RedemptionNotFound;
        return redemption.BankReference is null ? RejectionCode.None : RejectionCode.RedemptionAlreadySettled;
    }

    private static RejectionCode DecideAdmit(LedgerState state, AccountState actor, AccountId merchant, bool admit)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.AccountsById.TryGetValue(merchant, out var account)) return RejectionCode.AccountNotFound;
        bool admitted = Has(account, Roles.Merchant) && !account.MerchantSuspended;
        if (admit) return admitted ? RejectionCode.MerchantAlreadyAdmitted : RejectionCode.None;
        return admitted ? RejectionCode.None : RejectionCode.MerchantNotAdmitted;
    }

    private static RejectionCode DecideRotate(LedgerState state, SignedCommand signed, RotateKey c)
    {
        // Who signed was checked (and refused if wrong) in CheckSignerSet.
        if (!state.AccountsById.TryGetValue(c.Account, out var account)) return RejectionCode.AccountNotFound;
        // Officers recover residents, shops and each other, never the municipality's root key.
        if (signed.Signatures.Count == 2 && Has(account, Roles.Issuer)) return RejectionCode.NotPermitted;
        // In use: the current key of any account, or any account id (even one rotated away: ids never change).
        if (state.IsCurrentKey(c.NewKey) || state.AccountsById.ContainsKey(c.NewKey)) return RejectionCode.KeyInUse;
        return RejectionCode.None;
    }

    private static RejectionCode DecideFreeze(LedgerState state, AccountState actor, FreezeAccount c)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.AccountsById.TryGetValue(c.Account, out var account)) return RejectionCode.AccountNotFound;
        if (Has(account, Roles.Issuer)) return RejectionCode.NotPermitted;
        return account.Frozen == c.Frozen ? RejectionCode.FreezeUnchanged : RejectionCode.None;
    }

    private static RejectionCode DecideSpendingLimit(LedgerState state, AccountState actor, SetSpendingLimit c)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.AccountsById.ContainsKey(c.Account)) return RejectionCode.AccountNotFound;
        if (c.DailyLimit.Cents < 0) return RejectionCode.SpendingLimitNegative;
        if (c.DailyLimit.Cents > Amount.CentsMax) return RejectionCode.AmountTooLarge;
        // Like freeze_unchanged: a command that would change nothing is recorded as such, so the officer sees it did nothing.
        return state.DailyLimitOf(c.Account) == c.DailyLimit ? RejectionCode.SpendingLimitUnchanged : RejectionCode.None;
    }

    private static RejectionCode DecideOpenCampaign(LedgerState state, AccountState actor, OpenCampaign c, long timestampMs)
    {
        if (!Has(actor, Roles.Module)) return RejectionCode.NotPermitted;
        if (state.CampaignsById.ContainsKey(c.Campaign)) return RejectionCode.CampaignExists;
        if (!state.BudgetsById.ContainsKey(c.Budget)) return RejectionCode.BudgetNotFound;
        RejectionCode amount = CheckAmount(c.Reward);
        if (amount != RejectionCode.None) return amount;
        // Bounded, so every time in it is an exact number in JavaScript too (below 2^53) and nobody opens a campaign for ever.
        if (c.OpensAtMs < 0 || c.ClosesAtMs <= c.OpensAtMs || c.ClosesAtMs <= timestampMs
            || c.ClosesAtMs - timestampMs > Participation.RewardToken.CampaignWindowMaxMs) return RejectionCode.CampaignWindowInvalid;
        if (c.PerPersonCap == 0) return RejectionCode.RewardCapInvalid;
        if (!Participation.RewardToken.TryDecodeKey(c.Key, out var key) || Participation.RewardToken.CampaignKeyProblem(key) is not null)
            return RejectionCode.CampaignKeyInvalid;
        // Its own key: a retired key stays retired. (Campaigns are few; a scan costs nothing next to the key checks.)
        foreach (var other in state.CampaignsById.Values)
            if (other.Key.Equals(key)) return RejectionCode.CampaignKeyReused;
        return RejectionCode.None;
    }

    private static RejectionCode DecideFundCampaign(LedgerState state, AccountState actor, FundCampaign c, long timestampMs)
    {
        if (!Has(actor, Roles.Officer)) return RejectionCode.NotPermitted;
        if (!state.CampaignsById.TryGetValue(c.Campaign, out var campaign)) return RejectionCode.CampaignNotFound;
        if (campaign.Closed || timestampMs >= campaign.ClosesAtMs) return RejectionCode.CampaignClosed;
        RejectionCode amount = CheckAmount(c.Amount);
        if (amount != RejectionCode.None) return amount;
        return state.BudgetsById[campaign.Budget] < c.Amount ? RejectionCode.BudgetInsufficient : RejectionCode.None;
    }

    private static RejectionCode DecideRedeemReward(LedgerState state, AccountState actor, RedeemReward c, long timestampMs)
    {
        if (!Has(actor, Roles.Resident)) return RejectionCode.NotPermitted;
        if (!state.CampaignsById.TryGetValue(c.Campaign, out var campaign)) return RejectionCode.CampaignNotFound;
        if (campaign.Closed || timestampMs >= campaign.ClosesAtMs) return RejectionCode.CampaignClosed;
        if (timestampMs < campaign.OpensAtMs) return RejectionCode.CampaignNotOpenYet;
        // The signature first, so that every later "no" is about a genuine token for this account.
        if (!Participation.RewardToken.Verify(campaign.Key, state.ChainId, c.Campaign, actor.Id, c.Serial, c.Signature))
            return RejectionCode.RewardTokenInvalid;
        if (campaign.IsRedeemed(actor.Id, c.Serial)) return RejectionCode.RewardAlreadyRedeemed;
        if (campaign.RewardsOf(actor.Id) >= campaign.PerPersonCap) return RejectionCode.RewardCapReached;
        // Last: the token is still good, and pays as soon as an officer adds money (the reason says so).
        return campaign.Funds < campaign.Reward ? RejectionCode.CampaignBudgetExhausted : RejectionCode.None;
    }

    private static RejectionCode DecideCloseCampaign(LedgerState state, AccountState actor, CloseCampaign c)
    {
        if (!state.CampaignsById.TryGetValue(c.Campaign, out var campaign))
            return Has(actor, Roles.Officer) || Has(actor, Roles.Module) ? RejectionCode.CampaignNotFound : RejectionCode.NotPermitted;
        if (!Has(actor, Roles.Officer) && !(Has(actor, Roles.Module) && campaign.Module == actor.Id)) return RejectionCode.NotPermitted;
        return campaign.Closed ? RejectionCode.CampaignClosed : RejectionCode.None;
    }
}
