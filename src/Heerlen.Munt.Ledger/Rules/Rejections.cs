namespace Heerlen.Munt.Ledger;

/// <summary>The words behind each <see cref="RejectionCode"/>: a stable snake_case code and a reason in plain Dutch (B1) and English.</summary>
public static class Rejections
{
    private static readonly Dictionary<RejectionCode, (string Code, string Dutch, string English)> Texts = new()
    {
        [RejectionCode.None] = ("ok", "Gelukt.", "Done."),
        [RejectionCode.MalformedCommand] = ("malformed_command", "Het verzoek is niet goed opgebouwd. Probeer het opnieuw met de app.", "The request is not built correctly. Try again with the app."),
        [RejectionCode.CommandTooLarge] = ("command_too_large", "Het verzoek is te groot.", "The request is too large."),
        [RejectionCode.UnsupportedVersion] = ("unsupported_version", "Uw app is te oud of te nieuw voor deze munt. Werk de app bij.", "Your app is too old or too new for this ledger. Update the app."),
        [RejectionCode.UnknownCommandType] = ("unknown_command_type", "Dit soort verzoek kennen we niet. Werk de app bij.", "We do not know this kind of request. Update the app."),
        [RejectionCode.WrongChainId] = ("wrong_chain_id", "Dit verzoek is voor een andere munt bedoeld.", "This request is meant for another ledger."),
        [RejectionCode.BadSignature] = ("bad_signature", "De handtekening klopt niet. Er is niets gedaan.", "The signature is not valid. Nothing was done."),
        [RejectionCode.CommandExpired] = ("command_expired", "Het verzoek is verlopen. Probeer het opnieuw.", "The request has expired. Please try again."),
        [RejectionCode.UnknownSigner] = ("unknown_signer", "Dit account bestaat niet.", "This account does not exist."),
        [RejectionCode.SignerKeyMismatch] = ("signer_key_mismatch", "Dit verzoek is getekend met een oude of verkeerde sleutel.", "This request was signed with an old or wrong key."),
        [RejectionCode.SignaturesDoNotFit] = ("signatures_do_not_fit", "De handtekeningen passen niet bij dit verzoek.", "The signatures do not fit this request."),
        [RejectionCode.CommandIdReused] = ("command_id_reused", "Dit verzoeknummer is al gebruikt voor iets anders.", "This request id was already used for something else."),
        [RejectionCode.ChainNotEstablished] = ("chain_not_established", "De munt is nog niet gestart.", "The ledger has not been started yet."),
        [RejectionCode.ChainAlreadyEstablished] = ("chain_already_established", "De munt is al gestart.", "The ledger has already been started."),
        [RejectionCode.NotPermitted] = ("not_permitted", "U mag dit niet doen met dit account.", "This account is not allowed to do this."),
        [RejectionCode.AccountExists] = ("account_exists", "Dit account bestaat al.", "This account already exists."),
        [RejectionCode.AccountNotFound] = ("account_not_found", "Dit account bestaat niet.", "This account does not exist."),
        [RejectionCode.AccountFrozen] = ("account_frozen", "Uw account is bevroren. Neem contact op met de gemeente.", "Your account is frozen. Please contact the municipality."),
        [RejectionCode.RoleNotGrantable] = ("role_not_grantable", "Deze rol kan niet zo worden gegeven of afgenomen.", "This role cannot be given or taken this way."),
        [RejectionCode.RoleAlreadyHeld] = ("role_already_held", "Het account heeft deze rol al.", "The account already has this role."),
        [RejectionCode.RoleNotHeld] = ("role_not_held", "Het account heeft deze rol niet.", "The account does not have this role."),
        [RejectionCode.AmountNotPositive] = ("amount_not_positive", "Het bedrag moet meer dan nul zijn.", "The amount must be more than zero."),
        [RejectionCode.AmountTooLarge] = ("amount_too_large", "Het bedrag is te groot.", "The amount is too large."),
        [RejectionCode.BudgetNotFound] = ("budget_not_found", "Dit budget bestaat niet.", "This budget does not exist."),
        [RejectionCode.BudgetInsufficient] = ("budget_insufficient", "Er is niet genoeg geld meer in dit budget.", "There is not enough money left in this budget."),
        [RejectionCode.CosignerRequired] = ("cosigner_required", "Hier moet een tweede medewerker voor meetekenen.", "A second officer must sign for this."),
        [RejectionCode.CosignerInvalid] = ("cosigner_invalid", "De tweede handtekening moet van een andere medewerker zijn.", "The second signature must be from another officer."),
        [RejectionCode.JobExists] = ("job_exists", "Deze klus bestaat al.", "This job already exists."),
        [RejectionCode.JobNotFound] = ("job_not_found", "Deze klus bestaat niet.", "This job does not exist."),
        [RejectionCode.JobNotOpen] = ("job_not_open", "Deze klus is gestopt.", "This job has been cancelled."),
        [RejectionCode.JobFull] = ("job_full", "Deze klus is al vol. Kies een andere klus.", "This job is full. Choose another job."),
        [RejectionCode.JobDeadlinePassed] = ("job_deadline_passed", "De tijd voor deze klus is voorbij.", "The time for this job is over."),
        [RejectionCode.DeadlineInPast] = ("deadline_in_past", "De einddatum ligt in het verleden.", "The deadline is in the past."),
        [RejectionCode.SlotsInvalid] = ("slots_invalid", "Een klus heeft minstens één plek nodig.", "A job needs at least one place."),
        [RejectionCode.AlreadyEnrolled] = ("already_enrolled", "U doet al mee met deze klus.", "You already take part in this job."),
        [RejectionCode.NotEnrolled] = ("not_enrolled", "Deze persoon doet niet mee met deze klus.", "This person does not take part in this job."),
        [RejectionCode.CompletionNotSubmitted] = ("completion_not_submitted", "De klus is nog niet als klaar gemeld.", "The job has not been reported as done yet."),
        [RejectionCode.CompletionAlreadyDecided] = ("completion_already_decided", "Over deze klus is al beslist.", "This job has already been decided on."),
        [RejectionCode.FourEyesViolation] = ("four_eyes_violation", "U mag uw eigen werk niet goedkeuren.", "You may not approve your own work."),
        [RejectionCode.InsufficientFunds] = ("insufficient_funds", "U heeft niet genoeg Heerlen Munt.", "You do not have enough Heerlen Munt."),
        [RejectionCode.MerchantNotAffiliated] = ("merchant_not_affiliated", "Deze winkel doet niet (meer) mee. U kunt hier niet betalen met Heerlen Munt.", "This shop does not (or no longer) take part. You cannot pay here with Heerlen Munt."),
        [RejectionCode.PaymentNotFound] = ("payment_not_found", "Deze betaling bestaat niet bij deze winkel.", "This payment does not exist at this shop."),
        [RejectionCode.RefundExceedsPayment] = ("refund_exceeds_payment", "U kunt niet meer terugbetalen dan er betaald is.", "You cannot refund more than was paid."),
        [RejectionCode.RedemptionNotFound] = ("redemption_not_found", "Deze inwisseling bestaat niet.", "This redemption does not exist."),
        [RejectionCode.RedemptionAlreadySettled] = ("redemption_already_settled", "Deze inwisseling is al uitbetaald.", "This redemption has already been paid out."),
        [RejectionCode.MerchantAlreadyAdmitted] = ("merchant_already_admitted", "Deze winkel doet al mee.", "This shop already takes part."),
        [RejectionCode.MerchantNotAdmitted] = ("merchant_not_admitted", "Deze winkel doet niet mee of is al geschorst.", "This shop does not take part or is already suspended."),
        [RejectionCode.KeyInUse] = ("key_in_use", "Deze sleutel is al in gebruik.", "This key is already in use."),
        [RejectionCode.FreezeUnchanged] = ("freeze_unchanged", "Het account staat al zo.", "The account is already in that state."),
        [RejectionCode.RecipientFrozen] = ("recipient_frozen", "Het account van de ontvanger is bevroren.", "The recipient's account is frozen."),
        [RejectionCode.DailyLimitExceeded] = ("daily_limit_exceeded", "Dit is meer dan u vandaag met dit account mag betalen. Er is een daglimiet. Betaal minder, of probeer het morgen opnieuw.", "This is more than this account may pay today: it has a daily limit. Pay less, or try again tomorrow."),
        [RejectionCode.SpendingLimitNegative] = ("spending_limit_negative", "Een daglimiet kan niet negatief zijn. Kies 0 voor geen limiet.", "A daily limit cannot be negative. Use 0 for no limit."),
        [RejectionCode.SpendingLimitUnchanged] = ("spending_limit_unchanged", "Het account heeft deze daglimiet al.", "The account already has this daily limit."),
        [RejectionCode.CampaignExists] = ("campaign_exists", "Deze actie bestaat al.", "This campaign already exists."),
        [RejectionCode.CampaignNotFound] = ("campaign_not_found", "Deze actie bestaat niet.", "This campaign does not exist."),
        [RejectionCode.CampaignNotOpenYet] = ("campaign_not_open_yet", "Deze actie is nog niet begonnen. Probeer het later opnieuw.", "This campaign has not started yet. Try again later."),
        [RejectionCode.CampaignClosed] = ("campaign_closed", "Deze actie is voorbij. U kunt geen beloning meer krijgen.", "This campaign has ended. No more rewards can be paid."),
        [RejectionCode.CampaignBudgetExhausted] = ("campaign_budget_exhausted", "Het geld voor deze actie is op. Uw bon is niet gebruikt. Bewaar hem: als de gemeente geld bijlegt, kunt u het opnieuw proberen.", "The money for this campaign has run out. Your voucher was not used. Keep it: if the municipality adds money, you can try again."),
        [RejectionCode.RewardAlreadyRedeemed] = ("reward_already_redeemed", "Deze bon is al gebruikt. Elke bon geeft maar één keer een beloning.", "This voucher has already been used. Each voucher pays only once."),
        [RejectionCode.RewardTokenInvalid] = ("reward_token_invalid", "Deze bon is niet echt, is voor een andere actie of voor een ander account.", "This voucher is not genuine, or it is for another campaign or another account."),
        [RejectionCode.RewardCapReached] = ("reward_cap_reached", "U heeft al zo vaak een beloning van deze actie gekregen als mag.", "You have already had as many rewards from this campaign as allowed."),
        [RejectionCode.CampaignKeyInvalid] = ("campaign_key_invalid", "De sleutel van deze actie is geen geldige RSA-sleutel van 2048 tot 4096 bits.", "The campaign's key is not a valid RSA key of 2048 to 4096 bits."),
        [RejectionCode.CampaignWindowInvalid] = ("campaign_window_invalid", "De einddatum van de actie moet na de begindatum en in de toekomst liggen.", "The campaign must end after it starts, and in the future."),
        [RejectionCode.CampaignKeyReused] = ("campaign_key_reused", "Deze sleutel is al door een andere actie gebruikt. Elke actie krijgt een eigen, nieuwe sleutel.", "This key was already used by another campaign. Every campaign gets its own new key."),
        [RejectionCode.RewardCapInvalid] = ("reward_cap_invalid", "Iemand moet minstens één beloning kunnen krijgen.", "A person must be able to get at least one reward."),
    };

    /// <summary>The stable snake_case code, e.g. <c>insufficient_funds</c>.</summary>
    public static string Code(RejectionCode code) => Lookup(code).Code;

    /// <summary>The reason for people, in plain Dutch (B1) or English.</summary>
    public static string Reason(RejectionCode code, Language language) =>
        language == Language.Dutch ? Lookup(code).Dutch : Lookup(code).English;

    /// <summary>True for codes 1-99: nothing is written to the chain.</summary>
    public static bool IsRefusal(RejectionCode code) => code is > RejectionCode.None and < RejectionCode.NotPermitted;

    /// <summary>Every code that exists, for tests and documentation.</summary>
    public static IEnumerable<RejectionCode> All => Enum.GetValues<RejectionCode>();

    private static (string Code, string Dutch, string English) Lookup(RejectionCode code) =>
        Texts.TryGetValue(code, out var text) ? text : throw new ArgumentOutOfRangeException(nameof(code), code, "a rejection code without words is a bug");
}
