using System.Globalization;
using Heerlen.Munt.Server.Tests.Support;
using Xunit.Abstractions;

namespace Heerlen.Munt.Server.Tests.Crash;

/// <summary>The crash harness runs alone: it kills processes at chosen moments, and other tests' load would blur them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "crash";
}

/// <summary>
/// The real server as its own process, on its own throwaway PostgreSQL cluster, under payment load from the load
/// generator's code; the server is killed with SIGKILL and PostgreSQL stopped with <c>-m immediate</c> at random
/// moments, both restarted, and every unanswered payment resent with the same envelope. Afterwards the harness checks
/// the live chain against its own record (<see cref="CrashHarness"/>).
/// By default one crash cycle (CI); <c>HM_CRASH_CYCLES=N</c> runs more, <c>HM_CRASH_SEED=S</c> replays a seed
/// (printed in the output). docs/reliability.md has the figures.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class CrashRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task acknowledged_payments_survive_sigkill_of_the_real_server_and_an_immediate_postgresql_stop_exactly_once()
    {
        int cycles = Environment.GetEnvironmentVariable("HM_CRASH_CYCLES") is { Length: > 0 } text ? int.Parse(text, CultureInfo.InvariantCulture) : 1;
        Assert.InRange(cycles, 1, 10_000);
        int seed = Environment.GetEnvironmentVariable("HM_CRASH_SEED") is { Length: > 0 } replay ? int.Parse(replay, CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"crash harness: {cycles} cycle(s), seed {seed} (replay with HM_CRASH_SEED={seed} HM_CRASH_CYCLES={cycles})");

        await using var harness = await CrashHarness.StartAsync(seed, cycles, output.WriteLine);
        for (int cycle = 1; cycle <= cycles; cycle++)
        {
            // The first cycle has both faults at once; that is the cycle CI runs.
            await harness.CycleAsync(cycle == 1 ? Fault.PostgresStoppedThenServerKilled : harness.PickFault());
        }
        var figures = await harness.CheckAsync();
        output.WriteLine(figures.ToString());
        Assert.Equal(cycles, figures.Cycles);
        Assert.True(figures.ServerKills >= 1 && figures.PostgresStops >= 1, figures.ToString());
    }
}
