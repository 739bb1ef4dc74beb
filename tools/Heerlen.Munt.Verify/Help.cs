using Heerlen.Munt.Ledger;

namespace Heerlen.Munt.Verify;

/// <summary>The help text.</summary>
internal static class Help
{
    /// <summary>In the chosen language.</summary>
    public static string Text(Language language) => language == Language.Dutch ? Dutch : English;

    private const string English = """
        munt-verify: checks a Heerlen Munt chain without trusting whoever kept it.

        usage:
          munt-verify FILE [FILE...]                 an export, then its incremental exports in order
          munt-verify --server URL --secret-file F   a live server, read as an auditor (or --phrase-file F, or --as NAME [--data DIR])
          munt-verify stats ... [--period week|month|year] [--as-of HEIGHT] [--k 10] [--format csv|json] [--out FILE]
                                                     CBS figures from the verified chain, small cells withheld

        options:
          --state FILE        where the last verified checkpoint is remembered (default ~/.local/state/heerlen-munt/verify-CHAIN.json)
          --no-state          do not read or write a state file
          --operator-key HEX  the operator key you know from elsewhere; the chain must name it
          --as-of HEIGHT      stats: the figures of the chain as it was with HEIGHT entries (the whole chain is still verified)
          --json              one JSON object on stdout instead of the table
          --quiet             no progress bar
          --managed           use the managed signature checker instead of libsecp256k1
          --lang nl|en        language of the report (default nl)

        exit codes: 0 verified, 1 a check failed, 2 bad usage, 3 could not read the source, 4 history you verified before was rewritten.
        See docs/audit.md.

        """;

    private const string Dutch = """
        munt-verify: controleert een keten van Heerlen Munt zonder de beheerder te vertrouwen.

        gebruik:
          munt-verify BESTAND [BESTAND...]           een export, daarna de aanvullende exports op volgorde
          munt-verify --server URL --secret-file F   een draaiende server, gelezen als auditor (of --phrase-file F, of --as NAAM [--data MAP])
          munt-verify stats ... [--period week|month|year] [--as-of HOOGTE] [--k 10] [--format csv|json] [--out BESTAND]
                                                     cijfers voor het CBS uit de gecontroleerde keten, kleine aantallen weggelaten

        opties:
          --state BESTAND     waar het laatst gecontroleerde controlepunt wordt onthouden (standaard ~/.local/state/heerlen-munt/verify-KETEN.json)
          --no-state          geen toestandsbestand lezen of schrijven
          --operator-key HEX  de sleutel van de beheerder die u van elders kent; de keten moet die noemen
          --as-of HOOGTE      stats: de cijfers van de keten zoals die was met HOOGTE regels (de hele keten wordt wel gecontroleerd)
          --json              één JSON-object op stdout in plaats van de tabel
          --quiet             geen voortgangsbalk
          --managed           handtekeningen controleren zonder libsecp256k1
          --lang nl|en        taal van het verslag (standaard nl)

        afsluitcodes: 0 gecontroleerd, 1 een controle faalt, 2 verkeerd gebruik, 3 bron niet te lezen, 4 eerder gecontroleerde geschiedenis is herschreven.
        Zie docs/audit.md.

        """;
}
