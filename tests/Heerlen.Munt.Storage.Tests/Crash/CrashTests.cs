using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Projections;
using Heerlen.Munt.Storage.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Heerlen.Munt.Storage.Tests.Crash;

/// <summary>
/// A child process (tests/Heerlen.Munt.Storage.CrashChild) pays under load through a real sequencer and is killed
/// with SIGKILL at random moments, also while PostgreSQL is stopped with <c>-m immediate</c>. Afterwards every
/// payment it acknowledged must be on the chain exactly once at the height it was told, no part of an unacknowledged
/// batch may be visible in the read models, and the stored chain must verify from scratch.
/// Set HM_CRASH_SEED to replay a run; the seed is printed in the test output.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashTests(PostgresFixture postgres, ITestOutputHelper output)
{
    private const string ChainId = "heerlen-munt/crash"; // as in the child
    private const int Workers = 12;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task acknowledged_payments_survive_sigkill_at_random_moments_exactly_once()
    {
        var run = await CrashRun.StartAsync(postgres, output, nameof(acknowledged_payments_survive_sigkill_at_random_moments_exactly_once));

        // The first run is killed in the middle of setting up the community (on an empty database), so that the next
        // run finds part of it done and must get each of those commands back as a retry.
        await using (var first = run.Launch())
        {
            await first.WaitForSetupLinesAsync(run.Random.Next(2, 60), ReadyTimeout);
            await run.KillAsync(first);
        }

        for (int cycle = 0; cycle < 4; cycle++)
        {
            await using var child = run.Launch();
            await child.WaitUntilReadyAsync(ReadyTimeout);
            Assert.True(child.SetupRetries > 0, "every run after the first finds set-up commands on the chain and gets them back as retries");
            await Task.Delay(run.Random.Next(300, 1501));
            await run.KillAsync(child);
        }

        await CheckAsync(run);
    }

    [Fact]
    public async Task acknowledged_payments_survive_postgres_stopped_immediately_mid_load()
    {
        var cluster = postgres.Cluster;
        var run = await CrashRun.StartAsync(postgres, output, nameof(acknowledged_payments_survive_postgres_stopped_immediately_mid_load));
        try
        {
            // 1. PostgreSQL dies under load and comes back; the child carries on by itself, then is killed.
            await using (var child = run.Launch())
            {
                await child.WaitUntilReadyAsync(ReadyTimeout);
                await Task.Delay(run.Random.Next(200, 701));
                await run.StopPostgresAsync();
                await Task.Delay(run.Random.Next(300, 1001));
                int acked = child.AckCount;
                await run.StartPostgresAsync();
                await child.WaitForAcksAsync(acked + 20, RecoveryTimeout);
                Assert.True(child.Errors > 0, "the child should have seen the database go away");
                await Task.Delay(run.Random.Next(200, 701));
                await run.KillAsync(child);
            }

            // 2. The child starts while PostgreSQL is down and gets ready once it is back; then PostgreSQL dies again
            //    under load and the child is killed while it is down, retrying.
            await run.StopPostgresAsync();
            await using (var child = run.Launch())
            {
                await Task.Delay(run.Random.Next(300, 801));
                await run.StartPostgresAsync();
                await child.WaitUntilReadyAsync(ReadyTimeout);
                await Task.Delay(run.Random.Next(200, 701));
                await run.StopPostgresAsync();
                await Task.Delay(run.Random.Next(100, 401));
                await run.KillAsync(child);
                await run.StartPostgresAsync();
            }

            // 3. A last ordinary run on what the crashes left.
            await using (var child = run.Launch())
            {
                await child.WaitUntilReadyAsync(ReadyTimeout);
                await Task.Delay(run.Random.Next(300, 801));
                await run.KillAsync(child);
            }
        }
        finally
        {
            // The cluster is shared by the whole assembly: never leave it stopped.
            if (!cluster.IsRunning) await cluster.RestartAsync();
        }

        await CheckAsync(run);
    }

    private async Task CheckAsync(CrashRun run)
    {
        var clock = Stopwatch.StartNew();
        ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        using var documents = HeerlenStore.Create(run.ConnectionString);
        var store = new ChainStore(documents, ChainId);

        // Start-up checks everything, as a server would.
        var loaded = await ChainLoader.LoadAsync(store, verifier);
        Assert.True(loaded.Intact, loaded.Report.ToString());
        var state = loaded.Report.State;

        // The raw stored entries: contiguous heights from 0, each at stream version height + 1.
        var entries = new List<EntryRecorded>();
        await foreach (var (version, entry) in store.ReadEntriesAsync())
        {
            Assert.Equal(entries.Count, entry.Height);
            Assert.Equal(entries.Count + 1L, version);
            entries.Add(entry);
        }
        Assert.Equal(loaded.StoredEntries, entries.Count);
        Assert.Equal(state.NextHeight, entries.Count);

        // The ledger core's verifier, from the stored bytes alone.
        var verified = await store.VerifyAsync(verifier);
        Assert.True(verified.Ok, verified.ToString());
        Assert.Equal(entries.Count, verified.EntriesVerified);

        // No command is on the chain twice.
        var twice = entries.GroupBy(e => (e.Facts.Actor, e.Facts.CommandId)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"commands stored twice: {string.Join(", ", twice)}");

        // Every acknowledged payment is there, once, at the height the child was told.
        Assert.Empty(run.Problems);
        Assert.NotEmpty(run.Acks);
        Assert.Equal(run.Acks.Count, run.Acks.Select(a => (a.Payer, a.Id)).Distinct().Count());
        foreach (var ack in run.Acks)
        {
            var record = state.FindCommand(ack.Payer, ack.Id);
            Assert.True(record is not null, $"acknowledged payment {ack.Payer} {ack.Id} at {ack.Height} is not on the chain");
            Assert.Equal(ack.Height, record.Value.Height);
            Assert.Equal(RejectionCode.None, record.Value.Outcome);
            var facts = entries[checked((int)ack.Height)].Facts;
            Assert.Equal((ack.Payer.ToString(), ack.Id.ToString(), CommandType.Pay), (facts.Actor, facts.CommandId, facts.Command));
        }
        // Each payer waits for one payment before the next: its acknowledged heights only go up, across runs too.
        foreach (var payer in run.Acks.GroupBy(a => a.Payer))
        {
            var heights = payer.Select(a => a.Height).ToList();
            Assert.Equal(heights.Order(), heights);
        }

        // No partial batch: the merchant's balance, in the state and in the inline read model, is exactly the
        // payments on the chain (1 cent each).
        var merchant = run.Merchant ?? throw new InvalidOperationException("the child never named the merchant");
        var payments = entries.Where(e => e.Facts.Command == CommandType.Pay && e.Facts.Applied).ToList();
        Assert.All(payments, p => Assert.Equal(new[] { new Movement(MovementKind.Payment, p.Facts.Actor, merchant.ToString(), 1) }, p.Facts.Movements));
        Assert.Equal(payments.Count, state.BalanceOf(merchant).Cents);
        await using (var session = documents.QuerySession())
        {
            var balance = await session.LoadAsync<Balance>(merchant.ToString());
            Assert.NotNull(balance);
            Assert.Equal(payments.Count, balance.Cents);
            Assert.Equal(payments[^1].Height, balance.Height);
        }

        // Every payment on the chain was acknowledged, except at most the one each worker had in flight when the
        // child was killed (the kill can come between the commit and the "ack" line).
        int unacknowledged = payments.Count - run.Acks.Count;
        Assert.InRange(unacknowledged, 0, Workers * run.Kills);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"runs {run.Launches}, kills {run.Kills}, postgres stops {run.PostgresStops}, acks {run.Acks.Count}, payments on chain {payments.Count} ({unacknowledged} unacknowledged, in flight at a kill), "
            + $"storage errors seen by the child {run.Errors}, entries {entries.Count}, blocks {verified.BlocksVerified}, check {clock.ElapsedMilliseconds} ms, whole test {run.Elapsed.TotalSeconds:F1} s"));
    }

    /// <summary>One test's run: a fresh database, the seed, and what every child acknowledged.</summary>
    private sealed class CrashRun
    {
        private readonly PostgresFixture postgres;
        private readonly ITestOutputHelper output;
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly long epochMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        private readonly string childSeed;

        private CrashRun(PostgresFixture postgres, ITestOutputHelper output, string connectionString, int seed)
        {
            this.postgres = postgres;
            this.output = output;
            ConnectionString = connectionString;
            Random = new Random(seed);
            childSeed = $"crash-{seed.ToString(CultureInfo.InvariantCulture)}/";
        }

        public string ConnectionString { get; }

        public Random Random { get; }

        public List<Ack> Acks { get; } = [];

        public List<string> Problems { get; } = [];

        public AccountId? Merchant { get; private set; }

        public int Launches { get; private set; }

        public int Kills { get; private set; }

        public int PostgresStops { get; private set; }

        public int Errors { get; private set; }

        public TimeSpan Elapsed => clock.Elapsed;

        public static async Task<CrashRun> StartAsync(PostgresFixture postgres, ITestOutputHelper output, string test)
        {
            string? replay = Environment.GetEnvironmentVariable("HM_CRASH_SEED");
            int seed = replay is null ? Random.Shared.Next() : int.Parse(replay, CultureInfo.InvariantCulture);
            output.WriteLine($"{test}: seed {seed} (replay with HM_CRASH_SEED={seed})");
            if (!postgres.Cluster.IsRunning) await postgres.Cluster.RestartAsync();
            return new CrashRun(postgres, output, await postgres.NewDatabaseAsync("crash"), seed);
        }

        public ChildProcess Launch()
        {
            Launches++;
            return ChildProcess.Start(ConnectionString, childSeed, epochMs, Workers);
        }

        /// <summary>SIGKILL, then takes in every line the child wrote before it died.</summary>
        public async Task KillAsync(ChildProcess child)
        {
            await child.KillAsync();
            Kills++;
            Errors += child.Errors;
            Acks.AddRange(child.Acks);
            Problems.AddRange(child.Problems);
            Merchant ??= child.Merchant;
            if (child.Merchant is { } named && named != Merchant) Problems.Add($"the merchant changed from {Merchant} to {named}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  run {Launches}: {(child.ReadyAfter is { } ready ? $"ready after {ready.TotalMilliseconds:F0} ms" : $"not ready")}, {child.SetupLines} set-up commands answered ({child.SetupRetries} as retries), {child.AckCount} acks, {child.Errors} errors, killed at {Elapsed.TotalSeconds:F1} s"));
        }

        public async Task StopPostgresAsync()
        {
            await postgres.Cluster.StopAsync(immediate: true);
            PostgresStops++;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  postgres stopped (immediate) at {Elapsed.TotalSeconds:F1} s"));
        }

        public async Task StartPostgresAsync()
        {
            await postgres.Cluster.RestartAsync();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  postgres running again at {Elapsed.TotalSeconds:F1} s"));
        }
    }

    /// <summary>An acknowledged payment, as the child printed it.</summary>
    private sealed record Ack(AccountId Payer, CommandId Id, long Height);

    /// <summary>The child process and what it has written so far. Only whole lines count: a kill can cut the last one.</summary>
    private sealed class ChildProcess : IAsyncDisposable
    {
        private readonly Process process;
        private readonly Lock gate = new();
        private readonly List<Ack> acks = [];
        private readonly List<string> problems = [];
        private readonly StringBuilder stderr = new();
        private readonly Queue<string> lastLines = new();
        private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Stopwatch clock = Stopwatch.StartNew();
        private readonly Task reading;
        private int errors;
        private int setupLines;
        private int setupRetries;

        private ChildProcess(Process process)
        {
            this.process = process;
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (gate) stderr.AppendLine(e.Data);
            };
            process.BeginErrorReadLine();
            reading = Task.Run(ReadStdoutAsync);
        }

        public IReadOnlyList<Ack> Acks
        {
            get
            {
                lock (gate) return [.. acks];
            }
        }

        public int AckCount
        {
            get
            {
                lock (gate) return acks.Count;
            }
        }

        public IReadOnlyList<string> Problems
        {
            get
            {
                lock (gate) return [.. problems];
            }
        }

        public int Errors => Volatile.Read(ref errors);

        public int SetupLines => Volatile.Read(ref setupLines);

        public int SetupRetries => Volatile.Read(ref setupRetries);

        public AccountId? Merchant { get; private set; }

        public TimeSpan? ReadyAfter { get; private set; }

        public static ChildProcess Start(string connectionString, string seed, long epochMs, int workers)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardInput = true, // the child exits when this pipe closes, should the test die
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string arg in new[] { ChildPath(), connectionString, seed, epochMs.ToString(CultureInfo.InvariantCulture), workers.ToString(CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(arg);
            return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the crash child"));
        }

        public async Task WaitUntilReadyAsync(TimeSpan timeout)
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(ready.Task, exited, Task.Delay(timeout));
            if (first != ready.Task) throw new Xunit.Sdk.XunitException($"the child {(first == exited ? "exited" : "was not ready in time")}\n{Tail()}");
        }

        public Task WaitForAcksAsync(int count, TimeSpan timeout) => WaitForAsync(() => AckCount >= count, $"{count} acks", timeout);

        public Task WaitForSetupLinesAsync(int count, TimeSpan timeout) => WaitForAsync(() => SetupLines >= count, $"{count} set-up commands", timeout);

        private async Task WaitForAsync(Func<bool> condition, string what, TimeSpan timeout)
        {
            var deadline = Stopwatch.StartNew();
            while (!condition())
            {
                if (process.HasExited || deadline.Elapsed > timeout)
                    throw new Xunit.Sdk.XunitException($"the child did not get to {what} ({AckCount} acks, {SetupLines} set-up commands)\n{Tail()}");
                await Task.Delay(5);
            }
        }

        /// <summary>SIGKILL (Process.Kill on Linux) and read what is left in the pipe.</summary>
        public async Task KillAsync()
        {
            if (process.HasExited) throw new Xunit.Sdk.XunitException($"the child died before it was killed\n{Tail()}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            await reading;
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
            await reading;
            process.Dispose();
        }

        private async Task ReadStdoutAsync()
        {
            var stream = process.StandardOutput.BaseStream;
            var line = new List<byte>(128);
            byte[] buffer = new byte[8192];
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    if (buffer[i] != (byte)'\n')
                    {
                        line.Add(buffer[i]);
                        continue;
                    }
                    Take(Encoding.UTF8.GetString([.. line]));
                    line.Clear();
                }
            }
            // Whatever is left has no newline: cut off by the kill, so it does not count.
        }

        private void Take(string line)
        {
            string[] words = line.Split(' ');
            lock (gate)
            {
                lastLines.Enqueue(line);
                if (lastLines.Count > 20) lastLines.Dequeue();
                switch (words[0])
                {
                    case "ack" when words.Length == 4:
                        acks.Add(new Ack(AccountId.Parse(words[1]), new CommandId(UInt128.Parse(words[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)), long.Parse(words[3], CultureInfo.InvariantCulture)));
                        break;
                    case "err":
                        Interlocked.Increment(ref errors);
                        break;
                    case "setup":
                        Interlocked.Increment(ref setupLines);
                        if (words[^1] is "retry") Interlocked.Increment(ref setupRetries);
                        break;
                    case "merchant" when words.Length == 2:
                        Merchant = AccountId.Parse(words[1]);
                        break;
                    case "ready":
                        ReadyAfter = clock.Elapsed;
                        ready.TrySetResult();
                        break;
                    default:
                        problems.Add(line); // rejected, fatal, or anything unexpected
                        break;
                }
            }
        }

        private string Tail()
        {
            lock (gate) return $"last lines on stdout:\n{string.Join('\n', lastLines)}\nstderr:\n{stderr}";
        }

        private static string ChildPath()
        {
            string? path = typeof(CrashTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "CrashChildPath")?.Value;
            if (string.IsNullOrEmpty(path) || !File.Exists(path))
                throw new InvalidOperationException($"the crash child was not built (looked for '{path}'); the test project builds it through its ProjectReference");
            return path;
        }
    }
}
