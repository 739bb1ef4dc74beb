using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Cli;

// Commands anyone may run: the chain, the job board, a new wallet, checkpoints and proofs.
internal static partial class Commands
{
    private static async Task InfoAsync(Invocation run)
    {
        run.Words(0);
        var info = await run.Client.ChainInfoAsync(refresh: true, ct: run.Ct);
        if (run.Json)
        {
            run.Print(info);
            return;
        }
        var c = info.LatestCheckpoint;
        run.Pairs(
            (run.T("keten", "chain"), info.ChainId),
            (run.T("hoogte", "height"), run.T($"{info.Height} regels", $"{info.Height} entries")),
            (run.T("gestart", "established"), run.YesNo(info.Established)),
            (run.T("uitgever", "issuer"), info.Issuer.Length > 0 ? info.Issuer : "-"),
            (run.T("operatorsleutel", "operator key"), info.OperatorKey),
            (run.T("meetekenen boven", "cosign above"), run.Money(info.MintCosignThresholdCents)),
            (run.T("laatste controlepunt", "latest checkpoint"), c is null ? "-" : run.T(
                $"blok {c.Number}, {c.TreeSize} regels, {Invocation.Time(c.SealedAtMs)}",
                $"block {c.Number}, {c.TreeSize} entries, {Invocation.Time(c.SealedAtMs)}")),
            (run.T("servertijd", "server time"), Invocation.Time(info.ServerTimeMs)));
        if (info.Broken.Length > 0) run.Line(run.T($"LET OP: de keten is kapot en alleen te lezen: {info.Broken}", $"WARNING: the chain is broken and read-only: {info.Broken}"));
    }

    private static async Task JobsAsync(Invocation run)
    {
        run.Words(0);
        var request = new ListJobsRequest { IncludeClosed = run.Args.Switch("--all"), PageSize = 500 };
        if (run.Args.Option("--neighbourhood") is { } n) request.Neighbourhood = Invocation.ParseSlug(n, "--neighbourhood");
        if (run.Args.Option("--category") is { } c) request.Category = Invocation.ParseSlug(c, "--category");
        var reply = await run.Client.CallAsync(o => run.Client.Jobs.ListJobsAsync(request, o), null, run.Ct);
        if (run.Json)
        {
            run.Print(reply);
            return;
        }
        run.Table(
            [run.T("KLUS", "JOB"), run.T("WIJK", "AREA"), run.T("SOORT", "CATEGORY"), run.T("BELONING", "REWARD"), run.T("VRIJ", "FREE"), run.T("TOT", "DEADLINE"), "STATUS"],
            reply.Jobs.Select(j => new[] { j.Job_, j.Neighbourhood, j.Category, run.Money(j.RewardCents), $"{j.FreeSlots}/{j.Slots}", Invocation.Time(j.DeadlineMs), JobState(run, j) }),
            run.T("Geen klussen gevonden.", "No jobs found."));
    }

    private static string JobState(Invocation run, Job job) =>
        !job.Open ? run.T("gestopt", "cancelled")
        : job.DeadlineMs <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() ? run.T("verlopen", "past deadline")
        : job.FreeSlots == 0 ? run.T("vol", "full")
        : "open";

    private static async Task JobAsync(Invocation run)
    {
        var job = Invocation.ParseJob(run.Words(1)[0]);
        var request = new GetJobRequest { Job = job.ToString() };
        // With someone named, ask with their session: an officer then sees every worker, a resident their own work.
        var reply = run.HasActor
            ? await run.Actor.ReadAsync(o => run.Client.Jobs.GetJobAsync(request, o), run.Ct)
            : await run.Client.CallAsync(o => run.Client.Jobs.GetJobAsync(request, o), null, run.Ct);
        if (run.Json)
        {
            run.Print(reply);
            return;
        }
        var j = reply.Job;
        run.Pairs(
            (run.T("klus", "job"), j.Job_),
            (run.T("wijk", "area"), j.Neighbourhood),
            (run.T("soort", "category"), j.Category),
            (run.T("beloning", "reward"), run.Money(j.RewardCents)),
            (run.T("plekken", "slots"), run.T($"{j.Slots}, vrij {j.FreeSlots}, betaald {j.Paid}", $"{j.Slots}, free {j.FreeSlots}, paid {j.Paid}")),
            (run.T("gepubliceerd", "published"), Invocation.Time(j.PublishedAtMs)),
            (run.T("tot", "deadline"), Invocation.Time(j.DeadlineMs)),
            ("status", JobState(run, j)),
            ("budget", j.Budget),
            (run.T("door", "by"), j.Publisher));
        if (reply.Work.Count == 0) return;
        run.Line();
        WorkTable(run, reply.Work, run.T("Nog niemand doet mee.", "Nobody takes part yet."));
    }

    /// <summary>Where workers stand: worker, status, times, evidence, decision.</summary>
    private static void WorkTable(Invocation run, IEnumerable<JobWork> work, string empty) =>
        run.Table(
            [run.T("KLUS", "JOB"), run.T("WERKER", "WORKER"), "STATUS", run.T("GEMELD", "SUBMITTED"), run.T("BELONING", "REWARD"), run.T("FOTO (SHA-256)", "PHOTO (SHA-256)"), run.T("REDEN", "REASON")],
            work.Select(w => new[] { w.Job, w.Worker, WorkStatus(run, w.Status), Invocation.Time(w.SubmittedAtMs), run.Money(w.RewardCents), w.EvidenceHash.Length > 0 ? w.EvidenceHash : "-", w.RejectionMessage.Length > 0 ? w.RejectionMessage : "-" }),
            empty);

    private static string WorkStatus(Invocation run, string status) => status switch
    {
        "enrolled" => run.T("ingeschreven", "enrolled"),
        "submitted" => run.T("klaar gemeld", "submitted"),
        "approved" => run.T("goedgekeurd", "approved"),
        "rejected" => run.T("afgekeurd", "rejected"),
        _ => status,
    };

    private static Task NewWalletAsync(Invocation run)
    {
        run.Words(0);
        string path = Path.GetFullPath(run.Required("--out"));
        var wallet = Wallet.Create();
        WriteNewSecretFile(path, wallet.Phrase + "\n");
        if (run.Json)
        {
            run.Print(new JsonObject { ["account"] = wallet.Account.ToString(), ["phraseFile"] = path });
            return Task.CompletedTask;
        }
        run.Line(run.T($"Nieuw account: {wallet.Account}", $"New account: {wallet.Account}"));
        run.Line(run.T(
            $"De twaalf woorden staan in {path} (alleen u kunt het lezen). Bewaar ze goed: wie de woorden heeft, heeft het geld.",
            $"The twelve words are in {path} (only you can read it). Keep them safe: whoever has the words has the money."));
        run.Line(run.T($"Open het account met: munt --phrase-file {path} open", $"Open the account with: munt --phrase-file {path} open"));
        return Task.CompletedTask;
    }

    /// <summary>Creates a file only the owner can read (mode 600 from the start, never briefly wider); never overwrites.</summary>
    private static void WriteNewSecretFile(string path, string text)
    {
        if (File.Exists(path)) throw new CliFailure("file_exists", $"{path} bestaat al; kies een ander bestand (er wordt niets overschreven).", $"{path} already exists; choose another file (nothing is overwritten).");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new StreamWriter(path, System.Text.Encoding.UTF8, options);
            file.Write(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliFailure("file_not_written", $"kan {path} niet maken: {e.Message}", $"cannot create {path}: {e.Message}");
        }
    }

    private static async Task CheckpointAsync(Invocation run)
    {
        run.Words(0);
        var key = await OperatorKeyAsync(run);
        var checkpoint = await run.Client.CallAsync(o => run.Client.Audit.GetCheckpointAsync(new GetCheckpointRequest(), o), null, run.Ct);
        bool signed = Receipts.CheckpointIsSigned(checkpoint, key);
        if (run.Json) run.Print(new JsonObject { ["signed"] = signed, ["checkpoint"] = Invocation.Node(checkpoint) });
        else
        {
            run.Pairs(
                (run.T("blok", "block"), checkpoint.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                (run.T("regels", "entries"), run.T($"0 tot en met {checkpoint.TreeSize - 1} ({checkpoint.TreeSize})", $"0 to {checkpoint.TreeSize - 1} ({checkpoint.TreeSize})")),
                ("root", checkpoint.RootHash),
                (run.T("blokhash", "block hash"), checkpoint.BlockHash),
                (run.T("verzegeld", "sealed"), Invocation.Time(checkpoint.SealedAtMs)),
                (run.T("handtekening", "signature"), signed ? run.T("klopt (operatorsleutel)", "checks out (operator key)") : run.T("KLOPT NIET", "DOES NOT CHECK OUT")));
        }
        if (!signed) throw new CliFailure("checkpoint_not_signed", "De handtekening van het controlepunt klopt niet met de operatorsleutel.", "The checkpoint's signature does not check out against the operator key.");
    }

    private static async Task ProofAsync(Invocation run)
    {
        long height = Invocation.ParseNumber(run.Words(1)[0], "HEIGHT", 0, int.MaxValue);
        string? expected = run.Args.Option("--hash")?.ToLowerInvariant();
        var key = await OperatorKeyAsync(run);
        var proof = await run.Client.CallAsync(o => run.Client.Audit.GetInclusionProofAsync(new GetInclusionProofRequest { Height = height }, o), null, run.Ct);
        // Without --hash the entry hash is the server's word; the check still proves that this hash is at this height
        // in a tree whose root the operator signed. With --hash (from a receipt) it proves that very entry.
        string hash = expected ?? proof.EntryHash;
        bool verified = Receipts.EntryIsIncluded(proof, hash, key);
        if (!verified) throw new CliFailure("proof_invalid", $"Het bewijs voor regel {height} klopt niet.", $"The proof for entry {height} does not check out.");
        if (run.Json)
        {
            run.Print(new JsonObject { ["verified"] = true, ["proof"] = Invocation.Node(proof) });
            return;
        }
        var c = proof.Checkpoint;
        run.Line(run.T(
            $"geverifieerd: regel {height} (hash {hash}) zit in controlepunt {c.Number} van {c.TreeSize} regels (root {c.RootHash}), ondertekend met operatorsleutel {Convert.ToHexStringLower(key.Span)}",
            $"verified: entry {height} (hash {hash}) is in checkpoint {c.Number} of {c.TreeSize} entries (root {c.RootHash}), signed with operator key {Convert.ToHexStringLower(key.Span)}"));
    }

    /// <summary>The key checkpoints must be signed with: <c>--operator-key</c> if given (known from elsewhere), else the chain info's.</summary>
    private static async Task<AccountId> OperatorKeyAsync(Invocation run)
    {
        string hex = run.Args.Option("--operator-key") ?? (await run.Client.ChainInfoAsync(refresh: true, ct: run.Ct)).OperatorKey;
        return hex.Length == 64 && hex.All(char.IsAsciiHexDigit)
            ? Receipts.OperatorKey(hex)
            : throw new UsageException($"operatorsleutel '{hex}' is geen 64 hextekens", $"operator key '{hex}' is not 64 hex digits");
    }
}
