using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Load;

/// <summary>The two demo officers whose keys the server wrote to <c>demo-keys.json</c> (the only way to admit shops and pay rewards).</summary>
/// <param name="ChainId">The chain the keys belong to.</param>
/// <param name="First">Mints, publishes, admits and approves.</param>
/// <param name="Second">Cosigns mints above the threshold and approves half the work.</param>
public sealed record DemoOfficers(string ChainId, Wallet First, Wallet Second)
{
    private sealed record KeyFile(string ChainId, List<KeyFileAccount> Accounts);

    private sealed record KeyFileAccount(string Name, string Role, string Account, string Secret);

    /// <summary>Reads <c>DIR/demo-keys.json</c>: officer-anouk and officer-bas, else the first two officers.</summary>
    public static DemoOfficers Read(string dataDirectory)
    {
        string path = Path.Combine(dataDirectory, "demo-keys.json");
        if (!File.Exists(path)) throw new LoadException($"{path} not found: start the server with --demo --data {dataDirectory}, and give the same --data here");
        var file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase })
            ?? throw new LoadException($"{path} is empty");
        var officers = file.Accounts.Where(a => a.Role == "officer").OrderBy(a => a.Name == "officer-anouk" ? 0 : a.Name == "officer-bas" ? 1 : 2).ToList();
        if (officers.Count < 2) throw new LoadException($"{path} names fewer than two officers");
        Wallet Of(KeyFileAccount a) => Wallet.FromSecret(a.Secret, Heerlen.Munt.Ledger.Accounts.AccountId.Parse(a.Account));
        return new DemoOfficers(file.ChainId, Of(officers[0]), Of(officers[1]));
    }
}

/// <summary>A failure of the run itself (not of a measured payment): said in one line, exit code 2.</summary>
public sealed class LoadException(string message) : Exception(message);

/// <summary>
/// Sets the scene with real signed commands, the only way the ledger allows: new shops open their accounts and an
/// officer admits them; a budget is minted (cosigned above the chain's threshold); jobs with many slots are published;
/// every new resident opens an account, enrols, reports the work done, and an officer approves it, which pays the
/// reward. Independent steps run concurrently; each resident's own steps run in order.
/// </summary>
public static class Scene
{
    /// <summary>Slots per published job (a job holds at most 65,535).</summary>
    public const int SlotsPerJob = 250;

    /// <summary>Set-up commands outstanding at once.</summary>
    public const int Concurrency = 64;

    private static readonly string[] Neighbourhoods = ["centrum", "gms", "hoensbroek", "heerlerheide", "welten"];

    /// <summary>What setting the scene did.</summary>
    /// <param name="Commands">Signed commands submitted.</param>
    /// <param name="Took">Wall time.</param>
    /// <param name="Budget">The budget line minted for this run.</param>
    /// <param name="Cosigned">True if the mint needed (and got) a second officer.</param>
    public sealed record Report(int Commands, TimeSpan Took, string Budget, bool Cosigned);

    /// <summary>New keys for residents and shops (nothing is sent).</summary>
    public static Wallet[] NewWallets(int count) =>
        Enumerable.Range(0, count).Select(_ => Wallet.FromSecret(Convert.ToHexString(SigningKey.Generate().ExportSecret()))).ToArray();

    /// <summary>Sets the scene: every resident ends with <paramref name="rewardCents"/> to spend, every shop admitted.</summary>
    public static async Task<Report> SetUpAsync(MuntClient client, DemoOfficers officers, Wallet[] residents, Wallet[] shops, long rewardCents, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var info = await client.ChainInfoAsync(ct: ct);
        if (info.ChainId != officers.ChainId) throw new LoadException($"demo-keys.json is for chain {officers.ChainId}, the server runs {info.ChainId}");
        var first = client.As(officers.First);
        var second = client.As(officers.Second);
        MuntActor Officer(int i) => i % 2 == 0 ? first : second;
        int commands = 0;
        async Task Do(Func<Task> step)
        {
            await step();
            Interlocked.Increment(ref commands);
        }

        // Accounts first (nothing depends on anything yet), with the budget minted alongside.
        string budget = "load-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var mintAmount = new Amount(rewardCents) * residents.Length;
        bool cosign = mintAmount.Cents > info.MintCosignThresholdCents;
        var mint = Do(() => first.MintBudgetAsync(budget, mintAmount, cosign ? officers.Second : null, ct));
        await ForEachAsync(shops.Concat(residents), (w, _) => Do(() => client.As(w).OpenAccountAsync(ct)), ct);
        await mint;

        // Shops admitted, jobs published.
        int jobCount = (residents.Length + SlotsPerJob - 1) / SlotsPerJob;
        var jobs = Enumerable.Range(0, jobCount).Select(_ => JobId.New()).ToArray();
        long deadline = client.ServerNowMs + 86_400_000;
        var admitted = ForEachAsync(shops.Select((s, i) => (s, i)), (x, _) =>
            Do(() => Officer(x.i).AdmitMerchantAsync(x.s.Account, Neighbourhoods[x.i % Neighbourhoods.Length], ct)), ct);
        await ForEachAsync(jobs.Select((j, i) => (j, i)), (x, _) =>
        {
            int slots = Math.Min(SlotsPerJob, residents.Length - (x.i * SlotsPerJob));
            return Do(() => first.DoAsync(h => new PublishJob(x.j, budget, "load-test", Neighbourhoods[x.i % Neighbourhoods.Length], new Amount(rewardCents), (ushort)slots, deadline) { Header = h }, ct: ct));
        }, ct);
        await admitted;

        // Each resident earns the reward: enrol, report the work done, an officer approves (four eyes: never the worker).
        await ForEachAsync(residents.Select((r, i) => (r, i)), async (x, _) =>
        {
            var job = jobs[x.i / SlotsPerJob];
            var me = client.As(x.r);
            await Do(() => me.EnrolAsync(job, ct));
            await Do(() => me.DoAsync(h => new SubmitCompletion(job, Hash32.Sha256(System.Text.Encoding.UTF8.GetBytes("load test work " + x.r.Account))) { Header = h }, ct: ct));
            await Do(() => Officer(x.i).ApproveAsync(job, x.r.Account, ct));
        }, ct);
        return new Report(commands, clock.Elapsed, budget, cosign);
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> body, CancellationToken ct) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = ct }, (item, c) => new ValueTask(body(item, c)));
}
