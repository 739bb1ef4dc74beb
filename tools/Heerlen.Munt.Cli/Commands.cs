namespace Heerlen.Munt.Cli;

/// <summary>Who a command is for; the help text groups by it.</summary>
internal enum Audience
{
    Anyone,
    Resident,
    Shop,
    Officer,
    Auditor,
}

/// <summary>One command: its name, usage line, what it does (Dutch and English), its own options, and its handler.</summary>
internal sealed record CommandSpec(string Name, Audience Audience, string Usage, string Dutch, string English, string[] Options, Func<Invocation, Task> Run);

/// <summary>Every command of <c>munt</c>. The handlers live in partial files by audience.</summary>
internal static partial class Commands
{
    /// <summary>Options every command takes.</summary>
    public static readonly string[] GlobalOptions = ["--server", "--lang", "--data", "--as", "--phrase-file", "--secret-file", "--json"];

    /// <summary>The commands, in the order the help text lists them.</summary>
    public static readonly IReadOnlyList<CommandSpec> All =
    [
        new("info", Audience.Anyone, "info", "gegevens van de keten: id, hoogte, sleutels, laatste controlepunt", "chain info: id, height, keys, latest checkpoint", [], InfoAsync),
        new("jobs", Audience.Anyone, "jobs [--neighbourhood N] [--category C] [--all]", "open klussen (met --all ook gestopte, volle en verlopen)", "open jobs (with --all also cancelled, full and past-deadline ones)", ["--neighbourhood", "--category", "--all"], JobsAsync),
        new("job", Audience.Anyone, "job JOBID", "één klus (een medewerker ziet ook wie meedoet)", "one job (an officer also sees who takes part)", [], JobAsync),
        new("campaigns", Audience.Anyone, "campaigns [--all]", "acties die beloningen geven (met --all ook gesloten)", "campaigns that pay rewards (with --all also closed ones)", ["--all"], CampaignsAsync),
        new("new-wallet", Audience.Anyone, "new-wallet --out FILE", "nieuw account; de twaalf woorden komen in FILE (mode 600)", "new account; its twelve words go to FILE (mode 600)", ["--out"], NewWalletAsync),
        new("checkpoint", Audience.Anyone, "checkpoint [--operator-key HEX]", "het laatste controlepunt en of de handtekening klopt", "the latest checkpoint and whether its signature checks out", ["--operator-key"], CheckpointAsync),
        new("proof", Audience.Anyone, "proof HEIGHT [--hash ENTRYHASH] [--operator-key HEX]", "haalt het bewijs dat regel HEIGHT in de keten staat en controleert het", "fetches the proof that entry HEIGHT is in the chain and checks it", ["--hash", "--operator-key"], ProofAsync),

        new("open", Audience.Resident, "open", "opent het eigen account (u wordt inwoner)", "opens one's own account (as a resident)", [], OpenAsync),
        new("balance", Audience.Resident, "balance", "het saldo", "the balance", [], BalanceAsync),
        new("history", Audience.Resident, "history [--limit N]", "wat er gebeurde, nieuwste eerst", "what happened, newest first", ["--limit"], HistoryAsync),
        new("my-jobs", Audience.Resident, "my-jobs", "de klussen waar u aan meedoet", "the jobs one takes part in", [], MyJobsAsync),
        new("enrol", Audience.Resident, "enrol JOBID", "meedoen met een klus", "take a slot of a job", [], EnrolAsync),
        new("complete", Audience.Resident, "complete JOBID --photo FILE", "de klus klaar melden met een foto", "report a job done with a photo", ["--photo"], CompleteAsync),
        new("pay", Audience.Resident, "pay MERCHANT AMOUNT", "een winkel betalen", "pay a shop", [], PayAsync),
        new("pay-code", Audience.Resident, "pay-code CODE", "de betaalcode van een winkel betalen", "pay a shop's payment code", [], PayCodeAsync),
        new("reward-request", Audience.Resident, "reward-request CAMPAIGN --key-id K --out FILE", "een bon van een actie aanvragen: de code voor de balie (uw geheime deel komt in FILE)", "ask for a campaign's reward voucher: the code for the desk (your secret part goes to FILE)", ["--out", "--key-id"], RewardRequestAsync),
        new("reward-redeem", Audience.Resident, "reward-redeem FILE --blind-signature CODE", "de bon met het antwoord van de balie inleveren: de beloning komt op uw account", "hand in the voucher with the desk's answer: the reward comes to your account", ["--blind-signature"], RewardRedeemAsync),
        new("forget-me", Audience.Resident, "forget-me", "uw persoonsgegevens en foto's wissen", "erase one's personal data and photos", [], ForgetMeAsync),
        new("me", Audience.Resident, "me", "uw account: rollen, sleutel, status", "one's account: roles, key, status", [], MeAsync),

        new("request", Audience.Shop, "request AMOUNT [--wait]", "om betaling vragen: code en QR-inhoud (met --wait: wacht tot betaald)", "ask for payment: code and QR payload (with --wait: wait until paid)", ["--wait"], RequestAsync),
        new("statement", Audience.Shop, "statement [--day YYYY-MM-DD]", "de cijfers van een dag", "the figures of one day", ["--day"], StatementAsync),
        new("refund", Audience.Shop, "refund PAYER PAYMENT_COMMAND_ID AMOUNT", "(een deel van) een betaling terugbetalen", "pay (part of) a payment back", [], RefundAsync),
        new("redeem", Audience.Shop, "redeem AMOUNT", "Heerlen Munt inwisselen voor euro's", "hand in HM for euros", [], RedeemAsync),
        new("redemptions", Audience.Shop, "redemptions", "de inwisselingen en of ze zijn uitbetaald", "the redemptions and whether they were paid out", [], RedemptionsAsync),

        new("mint", Audience.Officer, "mint BUDGET AMOUNT [--cosigner-as NAME | --cosigner-phrase-file FILE]", "geld maken in een budget (boven de grens tekent een tweede medewerker mee)", "mint into a budget line (above the threshold a second officer cosigns)", ["--cosigner-as", "--cosigner-phrase-file"], MintAsync),
        new("publish", Audience.Officer, "publish --budget B --category C --neighbourhood N --reward AMOUNT --slots K --days D [--title T [--description D] [--title-en T] [--description-en D]]", "een klus publiceren (met --title: ook de tekst die mensen lezen, geen persoonsgegevens)", "publish a job (with --title: also the text people read, no personal data)", ["--budget", "--category", "--neighbourhood", "--reward", "--slots", "--days", "--title", "--description", "--title-en", "--description-en"], PublishAsync),
        new("completions", Audience.Officer, "completions [--status submitted|enrolled|approved|rejected]", "klaar gemelde klussen die op een besluit wachten", "completions waiting for a decision", ["--status"], CompletionsAsync),
        new("approve", Audience.Officer, "approve JOBID WORKER", "goedkeuren: de beloning wordt betaald", "approve: the reward is paid", [], ApproveAsync),
        new("reject", Audience.Officer, "reject JOBID WORKER REASON", "afkeuren (evidence-unclear, work-not-done, wrong-location, quality-insufficient, unsafe)", "reject (evidence-unclear, work-not-done, wrong-location, quality-insufficient, unsafe)", [], RejectAsync),
        new("cancel", Audience.Officer, "cancel JOBID", "een klus stoppen; wat gereserveerd is gaat terug naar het budget", "cancel a job; what is reserved returns to the budget", [], CancelAsync),
        new("admit", Audience.Officer, "admit ACCOUNT --neighbourhood N", "een winkel in wijk N laten meedoen", "admit a shop located in neighbourhood N", ["--neighbourhood"], AdmitAsync),
        new("suspend", Audience.Officer, "suspend ACCOUNT", "een winkel schorsen", "suspend a shop", [], SuspendAsync),
        new("grant", Audience.Officer, "grant ACCOUNT ROLE", "een rol geven (officer, auditor, module, …)", "give a role (officer, auditor, module, …)", [], GrantAsync),
        new("revoke", Audience.Officer, "revoke ACCOUNT ROLE", "een rol afnemen", "take a role away", [], RevokeAsync),
        new("freeze", Audience.Officer, "freeze ACCOUNT", "een account bevriezen", "freeze an account", [], FreezeAsync),
        new("unfreeze", Audience.Officer, "unfreeze ACCOUNT", "een account weer vrijgeven", "unfreeze an account", [], UnfreezeAsync),
        new("set-limit", Audience.Officer, "set-limit ACCOUNT AMOUNT|none", "de daglimiet van een account zetten (bijv. een munt-kaart); none: geen limiet", "set an account's daily spending limit (e.g. a munt card); none: no limit", [], SetLimitAsync),
        new("fund-campaign", Audience.Officer, "fund-campaign CAMPAIGN AMOUNT", "geld uit het budget van een actie in de actie zetten", "move money from a campaign's budget line into the campaign", [], FundCampaignAsync),
        new("close-campaign", Audience.Officer, "close-campaign CAMPAIGN", "een actie sluiten; wat over is gaat terug naar het budget", "close a campaign; what is left returns to the budget line", [], CloseCampaignAsync),
        new("settle", Audience.Officer, "settle MERCHANT REDEMPTION_ID BANKREF", "de bankoverschrijving van een inwisseling vastleggen", "record the bank transfer that paid a redemption", [], SettleAsync),

        new("entries", Audience.Auditor, "entries [--from H] [--follow]", "de regels van de keten (met --follow: blijft volgen)", "the chain's entries (with --follow: keeps following)", ["--from", "--follow"], EntriesAsync),
        new("export", Audience.Auditor, "export --out FILE [--from H | --after EARLIER_FILE]", "de keten naar een exportbestand (met --after: verder waar een eerdere export stopte)", "the chain into an export file (with --after: on from where an earlier export ended)", ["--out", "--from", "--after"], ExportAsync),
        new("stats", Audience.Auditor, "stats [--area A] [--period week|month|year] [--from P] [--to P] [--csv]", "anonieme cijfers per wijk en periode", "anonymised figures per area and period", ["--area", "--period", "--from", "--to", "--csv"], StatsAsync),
    ];

    /// <summary>The command with this name, or null.</summary>
    public static CommandSpec? Find(string name) => All.FirstOrDefault(c => c.Name == name);
}
