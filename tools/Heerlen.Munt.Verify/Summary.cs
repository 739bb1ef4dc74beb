using System.Globalization;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger;
using Spectre.Console;

namespace Heerlen.Munt.Verify;

/// <summary>Everything the final report says: the table for people, the JSON for machines, the exit code.</summary>
internal sealed class Summary(IChainSource source, string? statePath, RememberedCheckpoint? remembered)
{
    private CheckFailure? _failure;

    /// <summary>The chain check, once run.</summary>
    public AuditResult? Result { get; set; }

    /// <summary>Consistency proofs checked.</summary>
    public int ConsistencyProofs { get; set; }

    /// <summary>Inclusion proofs checked.</summary>
    public int InclusionProofs { get; set; }

    /// <summary>True if the latest checkpoint's signed note was checked.</summary>
    public bool NoteChecked { get; set; }

    /// <summary>True if the state file now remembers the last verified checkpoint.</summary>
    public bool StateWritten { get; set; }

    /// <summary>Marks a failed proof check.</summary>
    public Summary Failed(CheckFailure failure)
    {
        _failure = failure;
        return this;
    }

    private bool Ok => _failure is null && Result is { Report.Ok: true };

    private string Rule => _failure?.Rule ?? Result?.Report.Rule ?? "";

    private long? Height => _failure is not null ? _failure.Height : Result?.Report.FailedAtHeight;

    private string Explanation => _failure?.Explanation ?? Result?.Report.Explanation ?? "";

    /// <summary>0 verified, 1 broken, 4 history rewritten.</summary>
    public int ExitCode => Ok ? ExitCodes.Verified : (_failure?.Forked ?? Result?.Forked ?? false) ? ExitCodes.Forked : ExitCodes.Broken;

    /// <summary>The one line that says it all.</summary>
    public string Verdict(Language language)
    {
        bool nl = language == Language.Dutch;
        if (Ok)
            return nl ? $"GOED: keten gecontroleerd, {Result!.Report.EntriesVerified} regels en {Result.Report.BlocksVerified} controlepunten kloppen."
                      : $"OK: chain verified, {Result!.Report.EntriesVerified} entries and {Result.Report.BlocksVerified} checkpoints check out.";
        string where = Height is { } h ? (nl ? $" bij hoogte {h}" : $" at height {h}") : "";
        string head = ExitCode == ExitCodes.Forked ? (nl ? "GESCHIEDENIS HERSCHREVEN" : "HISTORY REWRITTEN") : (nl ? "FOUT" : "BROKEN");
        return $"{head}{where}: {Rule}: {Explanation}\n{RuleTexts.Of(Rule, language)}";
    }

    /// <summary>The summary table.</summary>
    public Table ToTable(Language language)
    {
        bool nl = language == Language.Dutch;
        var table = new Table().Border(TableBorder.Rounded).AddColumn(nl ? "controle" : "check").AddColumn(nl ? "uitkomst" : "result");
        void Row(string label, string value) => table.AddRow(Markup.Escape(label), Markup.Escape(value));
        Row(nl ? "keten" : "chain", source.ChainId);
        Row(nl ? "bron" : "source", source.Description);
        if (Result is { } r)
        {
            var state = r.Report.State;
            Row(nl ? "regels gecontroleerd" : "entries verified", r.Report.EntriesVerified.ToString("N0", CultureInfo.InvariantCulture));
            Row(nl ? "controlepunten" : "checkpoints", r.LastBlock is { } b
                ? $"{r.Report.BlocksVerified} ({(nl ? "laatste" : "last")} #{b.Number}: {b.TreeSize} {(nl ? "regels" : "entries")}, root {b.MerkleRoot.ToHex()[..16]}…)"
                : "0");
            if (state.IsEstablished)
            {
                Row(nl ? "sleutel beheerder" : "operator key", Convert.ToHexStringLower(state.OperatorKey.Span));
                Row(nl ? "HM in omloop" : "HM in circulation", state.Supply.Format(language));
                Row(nl ? "rekeningen" : "accounts", state.Accounts.Count.ToString(CultureInfo.InvariantCulture));
            }
            Row(nl ? "tijd" : "time", string.Create(CultureInfo.InvariantCulture, $"{r.Elapsed.TotalSeconds:0.00} s ({r.EntriesPerSecond:N0} {(nl ? "regels/s" : "entries/s")})"));
        }
        Row(nl ? "vorig controlepunt" : "previous checkpoint", remembered is null
            ? statePath is null ? (nl ? "niet gebruikt" : "not used") : (nl ? "geen (eerste controle)" : "none (first run)")
            : $"{remembered.TreeSize} {(nl ? "regels, gecontroleerd op" : "entries, verified on")} {remembered.VerifiedAtUtc}");
        if (ConsistencyProofs + InclusionProofs > 0 || NoteChecked)
            Row(nl ? "bewijzen van de server" : "proofs from the server",
                nl ? $"{ConsistencyProofs} consistentie, {InclusionProofs} opname{(NoteChecked ? ", notitie ondertekend" : "")}"
                   : $"{ConsistencyProofs} consistency, {InclusionProofs} inclusion{(NoteChecked ? ", note signed" : "")}");
        if (statePath is not null)
            Row(nl ? "toestandsbestand" : "state file", $"{statePath}{(StateWritten ? (nl ? " (bijgewerkt)" : " (updated)") : "")}");
        return table;
    }

    /// <summary>The machine-readable report (docs/audit.md).</summary>
    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["ok"] = Ok,
            ["exit_code"] = ExitCode,
            ["chain_id"] = source.ChainId,
            ["source"] = source.Description,
            ["failed_at_height"] = Ok ? null : Height,
            ["rule"] = Rule,
            ["explanation"] = Explanation,
        };
        if (Result is { } r)
        {
            json["entries_verified"] = r.Report.EntriesVerified;
            json["blocks_verified"] = r.Report.BlocksVerified;
            json["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 3);
            json["entries_per_second"] = r.EntriesPerSecond;
            if (r.LastBlock is { } b)
                json["checkpoint"] = new JsonObject { ["number"] = b.Number, ["tree_size"] = b.TreeSize, ["root_hash"] = b.MerkleRoot.ToHex(), ["block_hash"] = b.Hash.ToHex() };
            if (r.Report.State.IsEstablished)
            {
                json["operator_key"] = Convert.ToHexStringLower(r.Report.State.OperatorKey.Span);
                json["supply_cents"] = r.Report.State.Supply.Cents;
                json["accounts"] = r.Report.State.Accounts.Count;
            }
        }
        json["previous_checkpoint"] = remembered is null ? null : new JsonObject { ["tree_size"] = remembered.TreeSize, ["root_hash"] = remembered.RootHash, ["verified_at"] = remembered.VerifiedAtUtc };
        json["consistency_proofs"] = ConsistencyProofs;
        json["inclusion_proofs"] = InclusionProofs;
        json["note_checked"] = NoteChecked;
        json["state_file"] = statePath;
        json["state_written"] = StateWritten;
        return json;
    }
}
