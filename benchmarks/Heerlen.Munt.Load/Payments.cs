using Heerlen.Munt.Client;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Load;

/// <summary>One planned payment: who pays which shop how much.</summary>
/// <param name="Payer">Index into the residents.</param>
/// <param name="Shop">Index into the shops.</param>
/// <param name="Cents">Amount.</param>
public readonly record struct PlannedPayment(int Payer, int Shop, long Cents);

/// <summary>
/// The payments of a run, chosen before the scene is set (so the reward can cover the busiest payer: nobody runs out)
/// and signed before the clock starts (so signing is never counted as the server's latency).
/// </summary>
public static class Payments
{
    /// <summary>A random resident pays a random shop 1..<paramref name="maxCents"/> cents, <paramref name="count"/> times.</summary>
    public static PlannedPayment[] Plan(long count, int residents, int shops, long maxCents, int seed)
    {
        var random = new Random(seed);
        var plan = new PlannedPayment[checked((int)count)];
        for (int i = 0; i < plan.Length; i++) plan[i] = new(random.Next(residents), random.Next(shops), random.NextInt64(1, maxCents + 1));
        return plan;
    }

    /// <summary>The most any one resident spends in the plan (at least one cent): the reward each resident earns.</summary>
    public static long MostSpentByOne(PlannedPayment[] plan, int residents)
    {
        var spent = new long[residents];
        foreach (var p in plan) spent[p.Payer] += p.Cents;
        return Math.Max(1, spent.Max());
    }

    /// <summary>Signs every planned payment on all cores; each stays valid for <paramref name="lifetimeMs"/>.</summary>
    public static SignedCommand[] Sign(PlannedPayment[] plan, Wallet[] residents, Wallet[] shops, string chainId, long nowMs, long lifetimeMs)
    {
        var signed = new SignedCommand[plan.Length];
        Parallel.For(0, plan.Length, i =>
        {
            var p = plan[i];
            var payer = residents[p.Payer];
            var pay = new Pay(shops[p.Shop].Account, new Amount(p.Cents), null) { Header = new CommandHeader(chainId, CommandId.New(), payer.Account, nowMs + lifetimeMs) };
            signed[i] = SignedCommand.Create(pay, payer.Key);
        });
        return signed;
    }
}
