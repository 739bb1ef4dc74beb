using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Verify;

/// <summary>What each rule a verifier can report means, in one plain line (Dutch B1 and English).</summary>
internal static class RuleTexts
{
    private static readonly Dictionary<string, (string Dutch, string English)> Texts = new(StringComparer.Ordinal)
    {
        ["entry_format"] = ("Een regel van de keten is beschadigd: de inhoud past niet bij de eigen hash.", "An entry is damaged: its content does not match its own hash."),
        ["height_sequence"] = ("Er ontbreekt een regel, of een regel staat dubbel of op de verkeerde plek.", "An entry is missing, doubled or out of order."),
        ["hash_link"] = ("De regel hangt niet aan de regel ervoor: de geschiedenis is veranderd.", "The entry is not linked to the one before: history was changed."),
        ["time_order"] = ("De tijd in de keten gaat terug.", "Time on the chain goes backwards."),
        ["command_format"] = ("De opdracht in een regel is niet te lezen, of is voor een andere keten.", "The command in an entry cannot be read, or is for another chain."),
        ["signature"] = ("Een handtekening klopt niet.", "A signature does not check out."),
        ["rule_replay"] = ("De regels geven een andere uitkomst dan in de keten staat (bijvoorbeeld een oude of ingetrokken sleutel).", "The rules give another outcome than the chain records (for example an old or revoked key)."),
        ["invariant"] = ("Een vaste regel is gebroken: een saldo onder nul, of geld dat niet optelt.", "An invariant is broken: a balance below zero, or money that does not add up."),
        ["block"] = ("Een controlepunt (blok) klopt niet: de Merkle-wortel, de koppeling of de handtekening van de beheerder.", "A checkpoint (block) is wrong: its Merkle root, its link or the operator's signature."),
        ["block_coverage"] = ("Een controlepunt gaat over regels die ontbreken.", "A checkpoint covers entries that are missing."),
        ["operator_key"] = ("De keten noemt een andere beheerderssleutel dan u opgaf.", "The chain names another operator key than the one you gave."),
        ["remembered_checkpoint"] = ("De geschiedenis tot het controlepunt dat u eerder controleerde is veranderd.", "History up to the checkpoint you verified before was changed."),
        ["consistency_proof"] = ("De server kan niet bewijzen dat de keten een voortzetting is van wat u eerder controleerde.", "The server cannot prove that its chain continues what you verified before."),
        ["inclusion_proof"] = ("Een bewijs van de server leidt niet naar het controlepunt.", "A proof from the server does not lead to the checkpoint."),
        ["checkpoint_note"] = ("De ondertekende notitie bij het controlepunt klopt niet.", "The signed note of the checkpoint is wrong."),
        ["empty_chain"] = ("De bron bevat geen enkele regel: er is niets gecontroleerd.", "The source holds no entries: nothing was checked."),
        ["as_of"] = ("De keten is korter dan de gevraagde hoogte (--as-of).", "The chain is shorter than the height asked for (--as-of)."),
        ["server_answers"] = ("De antwoorden van de server spreken elkaar tegen.", "The server's answers contradict each other."),
    };

    /// <summary>The line for a rule in a language; export-file rules share one line.</summary>
    public static string Of(string rule, Language language)
    {
        if (Texts.TryGetValue(rule, out var text)) return language == Language.Dutch ? text.Dutch : text.English;
        if (rule.StartsWith("export_", StringComparison.Ordinal))
            return language == Language.Dutch
                ? "Het exportbestand is beschadigd of in elkaar gezet uit delen die niet bij elkaar horen."
                : "The export file is damaged, or put together from parts that do not belong together.";
        return rule;
    }
}
