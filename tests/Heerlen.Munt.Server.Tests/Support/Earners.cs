using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Demo;

namespace Heerlen.Munt.Server.Tests.Support;

/// <summary>Set-up several server tests share: a resident with money, and waiting for an async read model.</summary>
public static class Earners
{
    /// <summary>
    /// A new resident who earned <paramref name="cents"/> for a job (published by the demo's officer, done and approved
    /// for this test); returns once their balance shows it.
    /// </summary>
    public static async Task<MuntActor> EarnerAsync(this ServerFixture fixture, MuntClient client, long cents)
    {
        var officer = client.As(fixture.Demo("officer-anouk"));
        var resident = client.As(Wallet.Create());
        await resident.OpenAccountAsync();
        var (job, _) = await officer.PublishJobAsync(DemoCommunity.Budget, "speeltuin-vegen", "gms", new Amount(cents), 1, DateTimeOffset.UtcNow.AddDays(7));
        await resident.EnrolAsync(job);
        await resident.SubmitCompletionAsync(job, [0xFF, 0xD8, .. Guid.NewGuid().ToByteArray()]);
        var approved = await officer.ApproveAsync(job, resident.Account);
        await Eventually(() => resident.BalanceAsync(), b => b.AsOfHeight >= approved.Height);
        return resident;
    }

    /// <summary>Reads until <paramref name="done"/> says the read model has caught up (at most 30 s).</summary>
    public static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > until) throw new TimeoutException("the read model did not catch up in 30 s");
            await Task.Delay(100);
        }
    }
}
