using System.Diagnostics;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// <c>--memory</c>: the size of the in-memory ledger state (what the sequencer and every start-up hold) per resident and per
/// open job, against the 1 KiB per resident target. Builds a town of residents who each opened an account and were paid
/// for a job (enrolled, reported, approved: one job of 10,000 slots per 10,000 residents), then open jobs nobody has
/// enrolled in yet; every command really signed, verified, decided and applied. The heap is measured after a full,
/// compacting collection between the phases; only the state (and the town's few keys) is alive then.
/// </summary>
internal static class MemoryProbe
{
    private const int Chunk = 10_000;

    public static int Run(int residents, int openJobs, TextWriter output)
    {
        var clock = Stopwatch.StartNew();
        var town = new Town(seed: 6, keepLog: false).Establish();
        long established = HeapBytes();

        for (int start = 0; start < residents; start += Chunk) town.OpenAccounts(ResidentKeys(town, start, residents));
        long opened = HeapBytes();
        for (int start = 0; start < residents; start += Chunk) town.Earn(ResidentKeys(town, start, residents), 2_500);
        long earned = HeapBytes();
        for (int start = 0; start < openJobs; start += Chunk)
        {
            int count = Math.Min(Chunk, openJobs - start);
            town.Run([.. Enumerable.Range(0, count).Select(_ => ((Command)town.PublishJobCommand(new JobId(town.NextId()), 1_500, 3), town.Officer1))]);
        }
        long withJobs = HeapBytes();
        GC.KeepAlive(town);

        var state = town.State;
        double perResident = (earned - established) / (double)residents;
        double perJob = openJobs == 0 ? 0 : (withJobs - earned) / (double)openJobs;
        output.WriteLine($"in-memory ledger state: {residents:N0} residents (account + paid job), {openJobs:N0} open jobs; {state.NextHeight:N0} entries applied in {clock.Elapsed.TotalSeconds:F1} s on {Environment.ProcessorCount} cores");
        output.WriteLine($"  heap after genesis             {established,14:N0} bytes");
        output.WriteLine($"  + accounts opened              {opened - established,14:N0} bytes  {(opened - established) / (double)residents,7:N0} bytes per resident");
        output.WriteLine($"  + each paid for a job          {earned - opened,14:N0} bytes  {(earned - opened) / (double)residents,7:N0} bytes per resident");
        output.WriteLine($"  + open jobs                    {withJobs - earned,14:N0} bytes  {perJob,7:N0} bytes per open job");
        output.WriteLine($"per resident: {perResident:N0} bytes ({perResident / 1024:P0} of the 1 KiB target: {(perResident < 1024 ? "met" : "MISSED")}); per open job: {perJob:N0} bytes");
        output.WriteLine($"(each resident here is also 4 remembered command ids, for retries: open, enrol, report, approval; each open job 1)");
        return 0;
    }

    private static BenchKey[] ResidentKeys(Town town, int start, int residents)
    {
        // Keys are derived from role and index, so the same chunk gives the same keys the second time round.
        return town.NewKeys($"resident-{start}", Math.Min(Chunk, residents - start));
    }

    private static long HeapBytes()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
