using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Heerlen.Munt.Verify;

/// <summary>Exit codes (docs/audit.md).</summary>
internal static class ExitCodes
{
    /// <summary>Everything checked out.</summary>
    public const int Verified = 0;

    /// <summary>The chain (or the export file, or the server's proofs) fails a check.</summary>
    public const int Broken = 1;

    /// <summary>Bad usage.</summary>
    public const int Usage = 2;

    /// <summary>The source could not be read at all: nothing was checked.</summary>
    public const int Unavailable = 3;

    /// <summary>History the verifier had already verified was rewritten or forked.</summary>
    public const int Forked = 4;
}

/// <summary><c>munt-verify</c>: checks a chain from export files or a live server, trusting neither.</summary>
internal static class VerifyTool
{
    /// <summary>Runs the tool; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken ct = default)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync($"munt-verify: {e.Dutch}\nmunt-verify: {e.Message}");
            return ExitCodes.Usage;
        }
        var language = options.Language;
        string T(string nl, string en) => language == Language.Dutch ? nl : en;
        try
        {
            if (options.Command == "help")
            {
                await stdout.WriteAsync(Help.Text(language));
                return ExitCodes.Verified;
            }
            return await VerifyAsync(options, stdout, stderr, interactive, ct);
        }
        catch (UsageException e)
        {
            await stderr.WriteLineAsync("munt-verify: " + T(e.Dutch, e.Message));
            return ExitCodes.Usage;
        }
        catch (SourceUnavailableException e)
        {
            return await Unavailable(e.Message, e.Dutch);
        }
        catch (SourceBrokenException e)
        {
            // Damage found before the replay could start (e.g. the first file's header).
            if (options.Json) await stdout.WriteLineAsync(new JsonObject { ["ok"] = false, ["exit_code"] = ExitCodes.Broken, ["failed_at_height"] = e.Height, ["rule"] = e.Rule, ["explanation"] = e.Message }.ToJsonString());
            else await stdout.WriteLineAsync($"{T("FOUT", "BROKEN")}: {e.Rule}: {e.Message}\n{RuleTexts.Of(e.Rule, language)}");
            return ExitCodes.Broken;
        }
        catch (OperationCanceledException)
        {
            return await Unavailable("stopped before the end: nothing was decided", "gestopt voor het einde: er is niets besloten");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Never a stack trace for a person; the type and message say enough to report it.
            return await Unavailable($"an unexpected error stopped the check ({e.GetType().Name}: {e.Message})", $"een onverwachte fout stopte de controle ({e.GetType().Name}: {e.Message})");
        }

        async Task<int> Unavailable(string english, string dutch)
        {
            if (options.Json) await stdout.WriteLineAsync(new JsonObject { ["ok"] = false, ["exit_code"] = ExitCodes.Unavailable, ["rule"] = "unavailable", ["explanation"] = english }.ToJsonString());
            await stderr.WriteLineAsync("munt-verify: " + T(dutch, english));
            return ExitCodes.Unavailable;
        }
    }

    private static async Task<int> VerifyAsync(Options options, TextWriter stdout, TextWriter stderr, bool interactive, CancellationToken ct)
    {
        ISchnorrVerifier verifier = !options.Flag("--managed") && NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        long? asOf = options.Number("--as-of", 1, long.MaxValue);
        if (asOf is not null && options.Command != "stats")
            throw new UsageException("--as-of hoort bij stats: de controle gaat altijd over de hele keten", "--as-of belongs to stats: verification always covers the whole chain");

        using var server = options.Server is { } address ? await ServerSource.ConnectAsync(address, options.AuditorKey(), null, ct) : null;
        IChainSource source = server is not null ? server : FileSource.Open(options.Files);
        string? statePath = options.Flag("--no-state") ? null : options.Value("--state") ?? StateFile.DefaultPath(source.ChainId);
        var remembered = statePath is null ? null : StateFile.Read(statePath);
        if (remembered is not null && remembered.ChainId != source.ChainId)
            throw new UsageException($"{statePath} hoort bij keten {remembered.ChainId}, niet bij {source.ChainId}; kies een ander bestand met --state", $"{statePath} belongs to chain {remembered.ChainId}, not {source.ChainId}; choose another file with --state");

        var summary = new Summary(source, statePath, remembered);
        var required = new List<RequiredBlock>();
        if (remembered is not null)
            required.Add(new RequiredBlock(remembered.BlockNumber, remembered.TreeSize, Hash32.FromHex(remembered.BlockHash), $"you verified on {remembered.VerifiedAtUtc}", Forked: true));
        if (server is not null && remembered is not null)
        {
            var (demand, newer) = await ServerChecks.DemandConsistencyAsync(server, remembered, verifier, ct);
            if (demand is not null) return await Report(options, stdout, summary.Failed(demand));
            summary.ConsistencyProofs++;
            // The chain served next must hold the very checkpoint the proof led to: one history, not two.
            required.Add(new RequiredBlock(newer!.Number, newer.TreeSize, newer.Hash, "the consistency proof led to", Forked: true));
        }
        if (server?.Info.LatestCheckpoint is { } latest && Block.TryDecode(latest.Encoded.Span, out var latestBlock, out _))
            required.Add(new RequiredBlock(latestBlock!.Number, latestBlock.TreeSize, latestBlock.Hash, "the server named as its latest at the start", Forked: false));

        var sampled = new Dictionary<long, Hash32>();
        var sampleHeights = server is not null ? ServerChecks.SampleHeights(server.ExpectedEntries ?? 0) : [];
        var statistics = options.Command == "stats" ? new StatisticsRun(options, asOf) : null;
        var audit = new AuditOptions(verifier, remembered, options.OperatorKey(), (source as FileSource)?.ClaimedOperatorKey,
            (state, command, entry) =>
            {
                if (sampleHeights.Contains(entry.Height)) sampled[entry.Height] = entry.Hash;
                statistics?.Fold(state, command, entry);
            },
            required);

        var result = await WithProgress(options, stderr, interactive, source, audit, ct);
        summary.Result = result;
        if (!result.Report.Ok) return await Report(options, stdout, summary);

        if (server is not null && result.LastBlock is { } last)
        {
            var spot = await ServerChecks.SpotCheckInclusionAsync(server, sampled, last, ct);
            if (spot is not null) return await Report(options, stdout, summary.Failed(spot));
            summary.InclusionProofs = sampled.Keys.Count(h => h < last.TreeSize);
            var served = await ServerSource.Call(() => server.Audit.GetInclusionProofAsync(new Contracts.V1.GetInclusionProofRequest { Height = 0, TreeSize = last.TreeSize }, deadline: ServerSource.Deadline(), cancellationToken: ct).ResponseAsync, ct);
            var note = ServerChecks.CheckNote(source.ChainId, served.Checkpoint, last, verifier, result.Report.State.OperatorKey);
            if (note is not null) return await Report(options, stdout, summary.Failed(note));
            summary.NoteChecked = true;
        }
        if (asOf > result.Report.EntriesVerified)
            return await Report(options, stdout, summary.Failed(new CheckFailure("as_of", result.Report.EntriesVerified,
                $"the chain holds {result.Report.EntriesVerified} entries, fewer than --as-of {asOf}: there are no figures of that height in it", false)));
        if (statePath is not null && result.LastBlock is { } verified && verified.TreeSize >= (remembered?.TreeSize ?? 0))
        {
            StateFile.Write(statePath, RememberedCheckpoint.Of(source.ChainId, result.Report.State.OperatorKey, verified, DateTimeOffset.UtcNow, source.Description));
            summary.StateWritten = true;
        }
        if (statistics is not null)
        {
            // The figures go to stdout (or --out); the verdict on the chain they come from goes to stderr.
            await statistics.WriteAsync(stdout);
            await stderr.WriteLineAsync(summary.Verdict(options.Language));
            return summary.ExitCode;
        }
        return await Report(options, stdout, summary);
    }

    private static async Task<AuditResult> WithProgress(Options options, TextWriter stderr, bool interactive, IChainSource source, AuditOptions audit, CancellationToken ct)
    {
        string label = options.Language == Language.Dutch ? "keten controleren" : "verifying chain";
        if (options.Flag("--quiet") || options.Json || !interactive)
        {
            if (options.Flag("--quiet") || options.Json) return await Auditor.RunAsync(source, audit, null, ct);
            long lastLine = 0;
            var lines = new Progress<AuditProgress>(p =>
            {
                if (p.Elapsed.TotalSeconds - lastLine < 10) return;
                lastLine = (long)p.Elapsed.TotalSeconds;
                stderr.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label}: {p.Entries:N0}{(p.Expected is { } e ? $" / {e:N0}" : "")} entries, {p.Entries / Math.Max(0.001, p.Elapsed.TotalSeconds):N0}/s"));
            });
            return await Auditor.RunAsync(source, audit, lines, ct);
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr) });
        AuditResult? result = null;
        await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(options.Language), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: Math.Max(1, source.ExpectedEntries ?? 1));
                if (source.ExpectedEntries is null) task.IsIndeterminate = true;
                var progress = new SyncProgress(p =>
                {
                    if (p.Expected is { } expected && expected > task.MaxValue) task.MaxValue = expected;
                    task.Value = p.Entries;
                });
                result = await Auditor.RunAsync(source, audit, progress, ct);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result!;
    }

    private static async Task<int> Report(Options options, TextWriter stdout, Summary summary)
    {
        int code = summary.ExitCode;
        if (options.Command == "stats")
        {
            // No figures from a chain that does not verify: they would be worth nothing.
            await stdout.WriteLineAsync(options.Json ? summary.ToJson().ToJsonString() : summary.Verdict(options.Language));
            return code;
        }
        if (options.Json)
        {
            await stdout.WriteLineAsync(summary.ToJson().ToJsonString());
            return code;
        }
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stdout) });
        if (!console.Profile.Capabilities.Interactive) console.Profile.Width = 120; // a file or a pipe: room for a whole key
        console.Write(summary.ToTable(options.Language));
        await stdout.WriteLineAsync(summary.Verdict(options.Language));
        return code;
    }

    /// <summary>A progress sink that runs on the reporting thread (the bar reads it from its own).</summary>
    private sealed class SyncProgress(Action<AuditProgress> report) : IProgress<AuditProgress>
    {
        public void Report(AuditProgress value) => report(value);
    }

    /// <summary>Entries per second, for the progress bar.</summary>
    private sealed class RateColumn(Language language) : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Speed ?? 0:N0} {(language == Language.Dutch ? "regels/s" : "entries/s")}"));
    }
}
