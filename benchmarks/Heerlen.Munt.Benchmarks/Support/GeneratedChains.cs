using Heerlen.Munt.ChainGen;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Chain.Export;

namespace Heerlen.Munt.Benchmarks.Support;

/// <summary>Chains made by <see cref="ChainGenerator"/> (a city's year), in memory or cached as export files.</summary>
internal static class GeneratedChains
{
    /// <summary>Where generated export files are kept between runs (generating a million entries takes minutes).</summary>
    public static string CacheDirectory =>
        Environment.GetEnvironmentVariable("HEERLEN_MUNT_BENCH_CACHE") ?? Path.Combine(Path.GetTempPath(), "heerlen-munt-benchmarks");

    /// <summary>The options for a chain of <paramref name="entries"/>: ChainGen's defaults, fewer residents and shops for small chains.</summary>
    public static ChainGenOptions Options(int entries) => new()
    {
        Entries = entries,
        Seed = 42,
        Residents = Math.Clamp(entries / 50, 100, 20_000),
        Shops = Math.Clamp(entries / 5_000, 10, 200),
    };

    /// <summary>An export file of <paramref name="entries"/> entries, generated once into <see cref="CacheDirectory"/>.</summary>
    public static string File(int entries)
    {
        var options = Options(entries);
        Directory.CreateDirectory(CacheDirectory);
        string path = Path.Combine(CacheDirectory, $"chain-{entries}-seed{options.Seed}-r{options.Residents}-s{options.Shops}.hmx");
        if (System.IO.File.Exists(path)) return path;
        string partial = path + $".{Environment.ProcessId}.partial";
        using (var output = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var result = ChainGenerator.Generate(options, output);
            if (result.UnexpectedOutcomes != 0) throw new InvalidOperationException("the generated chain has outcomes its model did not expect");
        }
        System.IO.File.Move(partial, path, overwrite: true);
        return path;
    }

    /// <summary>A chain of <paramref name="entries"/> in memory: the stored entries, the blocks, and the chain id.</summary>
    public static (string ChainId, byte[][] Entries, Block[] Blocks) InMemory(int entries)
    {
        var buffer = new MemoryStream();
        ChainGenerator.Generate(Options(entries), buffer);
        var stored = new List<byte[]>(entries);
        var blocks = new List<Block>();
        using var reader = new ChainExportReader(new MemoryStream(buffer.ToArray()));
        foreach (var record in reader.Records())
        {
            if (record.EntryBytes is { } bytes) stored.Add(bytes);
            if (record.Block is { } block) blocks.Add(block);
        }
        return (reader.Header.ChainId, [.. stored], [.. blocks]);
    }
}
