using System.Globalization;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Tests.Properties;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Facts;

public class When_random_commands_are_described_as_facts
{
    private static readonly Dictionary<CommandType, MovementKind> KindOf = new()
    {
        [CommandType.MintBudget] = MovementKind.Mint,
        [CommandType.PublishJob] = MovementKind.Reserve,
        [CommandType.CancelJob] = MovementKind.Release,
        [CommandType.ApproveCompletion] = MovementKind.Reward,
        [CommandType.Pay] = MovementKind.Payment,
        [CommandType.Refund] = MovementKind.Refund,
        [CommandType.Redeem] = MovementKind.Redemption,
        [CommandType.FundCampaign] = MovementKind.CampaignFunding,
        [CommandType.RedeemReward] = MovementKind.ParticipationReward,
        [CommandType.CloseCampaign] = MovementKind.CampaignRelease,
    };

    [Property(MaxTest = 60, EndSize = 120)]
    public Property the_movements_folded_into_pots_are_exactly_the_ledgers_balances_budgets_reserves_and_supply_after_every_step() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            var tail = new FactsTail(script.Community.Engine);
            var pots = new Pots();
            var pickedUp = new Memory();
            string? problem = FoldNew(tail, pots, pickedUp) ?? Compare(pots, tail.State, script.State);
            for (int i = 0; problem is null && i < steps.Length; i++)
            {
                script.Play(steps[i]);
                problem = FoldNew(tail, pots, pickedUp) ?? Compare(pots, tail.State, script.State);
                if (problem is not null) problem = $"after step {i} {steps[i]}: {problem}";
            }
            return (problem is null).Label(problem ?? "ok");
        });

    [Property(MaxTest = 40, EndSize = 120)]
    public Property the_statistics_agree_with_the_ledger_and_do_not_depend_on_batches_or_repeats() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            foreach (var step in steps) script.Play(step);
            var tail = new FactsTail(script.Community.Engine);
            var facts = tail.CatchUp();
            var book = new StatisticsBook();
            foreach (var f in facts) book.Fold(f);
            var once = StoredStatistics.Of(book);

            string? problem = AgreesWithLedger(book, facts, tail.State);
            foreach (var f in facts.AsEnumerable().Reverse()) book.Fold(f);
            problem ??= StoredStatistics.DifferenceBetween(once, StoredStatistics.Of(book)) is { } d ? "folding everything again changed " + d : null;
            int stride = Math.Max(1, facts.Count / 10); // every height is tried in the two-week scenario; here a spread
            foreach (int split in Enumerable.Range(0, facts.Count + 1).Where(h => h % stride == 0 || h == facts.Count))
            {
                if (problem is not null) break;
                var store = new Dictionary<string, string>(StringComparer.Ordinal);
                StoredStatistics.FoldBatch(store, facts.Take(split));
                StoredStatistics.FoldBatch(store, facts.Skip(Math.Max(0, split - 3))); // the second batch repeats a few entries
                if (StoredStatistics.DifferenceBetween(once, store) is { } diff) problem = $"split at {split}: {diff}";
            }
            return (problem is null).Label(problem ?? "ok");
        });

    [Property(MaxTest = 40, EndSize = 120)]
    public Property the_facts_a_durable_engine_records_inline_are_the_facts_a_replay_of_its_chain_derives() =>
        Prop.ForAll(RandomScript.Scripts, steps =>
        {
            var script = new RandomScript();
            foreach (var step in steps) script.Play(step);
            var replayed = new FactsTail(script.Community.Engine).CatchUp();
            var original = script.Community.Engine.Entries;
            var durable = new LedgerEngine(Community.ChainId, script.Community.Operator, NativeSchnorrVerifier.Instance, new BlockPolicy(EntriesMax: 8, IntervalMs: 60_000), durable: true);
            var recorded = new List<RecordedEntry>();
            foreach (var entry in original)
            {
                durable.Submit(entry.Envelope, entry.TimestampMs);
                recorded.AddRange(durable.TakeRecorded().Entries); // one batch per command, as a sequencer with a tiny batch would
            }
            if (recorded.Count != original.Count) return false.Label($"{recorded.Count} entries recorded again, {original.Count} on the chain");
            for (int i = 0; i < recorded.Count; i++)
            {
                if (recorded[i].Entry.Hash != original[i].Hash) return false.Label($"entry {i} differs when recorded again");
                if (!recorded[i].Facts.SameAs(replayed[i])) return false.Label($"entry {i}: inline {recorded[i].Facts}, replayed {replayed[i]}");
            }
            return true.Label("ok");
        });

    /// <summary>What the test remembers of earlier entries, to check the facts that depend on them.</summary>
    private sealed class Memory
    {
        public HashSet<string> PickedUp { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, long> FirstEarned { get; } = new(StringComparer.Ordinal);

        public Dictionary<(string Worker, string Neighbourhood), long> FirstEarnedIn { get; } = [];

        public Dictionary<string, string> Area { get; } = new(StringComparer.Ordinal);
    }

    private static string? FoldNew(FactsTail tail, Pots pots, Memory pickedUp)
    {
        while (tail.Next() is { } f)
        {
            pots.Add(f);
            string? problem = CheckOne(f, tail.State, pickedUp);
            if (problem is not null) return $"entry {f.Height} ({f.Command}, {Rejections.Code(f.Outcome)}): {problem}";
        }
        return null;
    }

    private static string? CheckOne(EntryFacts f, LedgerState after, Memory memory)
    {
        var pickedUp = memory.PickedUp;
        if (CheckHistory(f, after, memory) is { } history) return history;
        if (f.Height != after.NextHeight - 1 || f.TimestampMs != after.LastTimestampMs) return "height or time differs from the entry";
        if (f.Applied != (f.Outcome == RejectionCode.None)) return "Applied does not follow the outcome";
        if (!f.Applied && f.Movements.Length > 0) return "a rejected entry moves money";
        if (f.Movements.Length > 1) return "more than one movement";
        foreach (var m in f.Movements)
        {
            if (m.Cents <= 0) return $"movement of {m.Cents} cents";
            if (m.From == m.To) return $"movement from {m.From} to itself";
            if (!KindOf.TryGetValue(f.Command, out var kind) || kind != m.Kind) return $"a {m.Kind} movement on a {f.Command}";
        }
        if (f.Applied && f.Command is CommandType.MintBudget or CommandType.PublishJob or CommandType.ApproveCompletion or CommandType.Pay or CommandType.Refund or CommandType.Redeem or CommandType.FundCampaign or CommandType.RedeemReward && f.Movements.Length != 1)
            return "an applied money command without its movement";
        if (f.SettledCents != 0 && !(f.Applied && f.Command == CommandType.SettleRedemption && f.SettledCents > 0)) return $"{f.SettledCents} cents settled";
        if (f.Applied && f.Command == CommandType.SettleRedemption && f.SettledCents <= 0) return "a settlement of nothing";
        if (f.SupplyAfterCents != after.Supply.Cents) return string.Create(CultureInfo.InvariantCulture, $"supply after is {f.SupplyAfterCents}, the ledger says {after.Supply.Cents}");
        if (f.Job is { } described)
        {
            var onLedger = after.Jobs.FirstOrDefault(j => j.Key.ToString() == described.Id).Value;
            if (onLedger is null) return $"facts of job {described.Id}, which is not on the ledger";
            if (described with { FirstPickUp = false } != new JobFacts(described.Id, onLedger.Neighbourhood, onLedger.Category, onLedger.PublishedAtMs, onLedger.Reward.Cents, onLedger.Slots, onLedger.DeadlineMs, false))
                return $"job facts {described} differ from the job on the ledger";
        }
        if (f.Command == CommandType.Enrol && f.Job is { } job)
        {
            bool first = f.Applied && !pickedUp.Contains(job.Id);
            if (job.FirstPickUp != first) return $"FirstPickUp is {job.FirstPickUp}, expected {first}";
            if (f.Applied) pickedUp.Add(job.Id);
        }
        else if (f.Job is { FirstPickUp: true }) return "FirstPickUp on a command that is not an enrolment";
        if (JsonSerializer.Deserialize<EntryFacts>(JsonSerializer.Serialize(f)) is not { } back || !back.SameAs(f)) return "the facts do not survive a JSON round trip";
        return null;
    }

    /// <summary>The facts that come from earlier entries: first earnings, the payer's area, the shop's neighbourhood.</summary>
    private static string? CheckHistory(EntryFacts f, LedgerState after, Memory memory)
    {
        bool approval = f.Applied && f.Command == CommandType.ApproveCompletion;
        if (!approval && (f.FirstEarnedAtMs is not null || f.FirstEarnedHereAtMs is not null)) return "first earnings on an entry that pays no reward";
        if (approval)
        {
            string worker = f.Subject!, here = f.Job!.Neighbourhood;
            long? first = memory.FirstEarned.TryGetValue(worker, out long a) ? a : null;
            long? firstHere = memory.FirstEarnedIn.TryGetValue((worker, here), out long b) ? b : null;
            if (f.FirstEarnedAtMs != first || f.FirstEarnedHereAtMs != firstHere)
                return $"first earned {f.FirstEarnedAtMs}/{f.FirstEarnedHereAtMs}, expected {first}/{firstHere}";
            memory.FirstEarned.TryAdd(worker, f.TimestampMs);
            memory.FirstEarnedIn.TryAdd((worker, here), f.TimestampMs);
            memory.Area[worker] = here;
        }
        bool pay = f.Applied && f.Command == CommandType.Pay;
        string? area = pay ? memory.Area.GetValueOrDefault(f.Actor) : null;
        if (f.PayerArea != area) return $"payer area {f.PayerArea}, expected {area}";
        bool shopMoney = f.Applied && f.Command is CommandType.Pay or CommandType.Refund or CommandType.Redeem;
        string? shop = f.Command == CommandType.Pay ? f.Subject : f.Actor;
        string? shopIn = shopMoney ? after.Accounts.First(p => p.Key.ToString() == shop).Value.MerchantNeighbourhood : null;
        if (f.ShopNeighbourhood != shopIn) return $"shop neighbourhood {f.ShopNeighbourhood}, expected {shopIn}";
        if (shopMoney && shopIn is null) return "a shop without a neighbourhood moved money";
        return null;
    }

    private static string? Compare(Pots pots, LedgerState replayed, LedgerState live)
    {
        if (pots.Total != 0) return $"the pots add up to {pots.Total}, not 0";
        return pots.DifferenceFrom(replayed) ?? pots.DifferenceFrom(live);
    }

    /// <summary>City-wide sums over all periods of each kind against what the ledger itself counts.</summary>
    private static string? AgreesWithLedger(StatisticsBook book, List<EntryFacts> facts, LedgerState state)
    {
        foreach (var kind in new[] { PeriodKind.Week, PeriodKind.Month, PeriodKind.Year })
        {
            if (AgreesWithLedger(book, facts, state, kind) is { } problem) return $"{kind}: {problem}";
        }
        return null;
    }

    private static string? AgreesWithLedger(StatisticsBook book, List<EntryFacts> facts, LedgerState state, PeriodKind kind)
    {
        var buckets = book.Buckets.Values.Where(b => b.Kind == kind).ToList();
        var city = buckets.Where(b => b.Area == StatisticsFold.City).OrderBy(b => b.Period, StringComparer.Ordinal).ToList();
        var areas = buckets.Where(b => b.Area != StatisticsFold.City).ToList();
        var applied = facts.Where(f => f.Applied).ToList();
        var bucketsOf = applied.ToDictionary(f => f.Height, f => StatisticsFold.BucketIds(f).ToArray());
        long Sum(Func<PeriodFigures, long> figure) => city.Sum(figure);
        long Payments(Func<EntryFacts, bool> which) => applied.Where(f => f.Command == CommandType.Pay && which(f)).Sum(f => f.Movements[0].Cents);
        var checks = new (string What, long Book, long Ledger)[]
        {
            ("minted", Sum(b => b.MintedCents), state.Minted.Cents),
            ("redeemed", Sum(b => b.RedeemedCents), state.Redeemed.Cents),
            ("published", Sum(b => b.JobsPublished), state.Jobs.Count),
            ("completed", Sum(b => b.JobsCompleted), state.Jobs.Values.Sum(j => (long)j.Paid)),
            ("paid", Sum(b => b.PaidCents), state.Jobs.Values.Sum(j => j.Paid * j.Reward.Cents)),
            ("taken − rejected", Sum(b => b.JobsTaken - b.JobsRejected), state.Jobs.Values.Sum(j => (long)j.Taken)),
            ("cancelled", Sum(b => b.JobsCancelled), state.Jobs.Values.Count(j => !j.Open)),
            ("first pick-ups", Sum(b => b.PickUpMinutes.Count), state.Jobs.Values.Count(j => j.Participants.Count > 0)),
            ("spent", Sum(b => b.SpentCents), Payments(_ => true)),
            ("refunded", Sum(b => b.RefundedCents), applied.Where(f => f.Command == CommandType.Refund).Sum(f => f.Movements[0].Cents)),
            ("outstanding at the end", city.Count == 0 ? 0 : city[^1].OutstandingCents, state.Supply.Cents),
            ("paid in neighbourhoods", areas.Sum(b => b.PaidCents), Sum(b => b.PaidCents)),
            ("published in neighbourhoods", areas.Sum(b => b.JobsPublished), Sum(b => b.JobsPublished)),
            ("spent at shops in neighbourhoods", areas.Sum(b => b.SpentCents), Sum(b => b.SpentCents)),
            ("refunded in neighbourhoods", areas.Sum(b => b.RefundedCents), Sum(b => b.RefundedCents)),
            ("redeemed in neighbourhoods", areas.Sum(b => b.RedeemedCents), Sum(b => b.RedeemedCents)),
            ("spent by residents of neighbourhoods", areas.Sum(b => b.SpentByResidentsCents), Payments(f => f.PayerArea is not null)),
            ("spent inside neighbourhoods", areas.Sum(b => b.SpentInsideCents), Payments(f => f.PayerArea is not null && f.PayerArea == f.ShopNeighbourhood)),
            ("money kept city-wide", areas.Sum(b => b.MintedCents + b.OutstandingCents), 0),
        };
        foreach (var (what, inBook, inLedger) in checks)
            if (inBook != inLedger) return string.Create(CultureInfo.InvariantCulture, $"{what}: {inBook} in the statistics, {inLedger} in the ledger");
        var everPaid = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bucket in city)
        {
            // In the city, a new earner is one never paid before the period: the new earners of all periods are each earner once.
            if (bucket.NewEarners.Any(everPaid.Contains)) return $"bucket {bucket.Id} counts an earner of an earlier period as new";
            if (bucket.Earners.Except(bucket.NewEarners).Any(e => !everPaid.Contains(e))) return $"bucket {bucket.Id} counts a first-time earner as a repeat";
            everPaid.UnionWith(bucket.Earners);
        }
        foreach (var bucket in buckets)
        {
            if (bucket.Id != bucket.Area + "/" + bucket.Period) return $"bucket {bucket.Id} is filed as {bucket.Area} / {bucket.Period}";
            if (!bucket.NewEarners.All(bucket.Earners.Contains)) return $"bucket {bucket.Id} has new earners who did not earn";
            var ids = applied.Where(f => bucketsOf[f.Height].Contains(bucket.Id)).ToList();
            if (ids.Count == 0 || bucket.LastHeight != ids[^1].Height) return $"bucket {bucket.Id} last height {bucket.LastHeight}";
            if (bucket.Area == StatisticsFold.City && bucket.OutstandingCents != ids[^1].SupplyAfterCents) return $"bucket {bucket.Id} outstanding";
            var earners = ids.Where(f => f.Command == CommandType.ApproveCompletion && (bucket.Area == StatisticsFold.City || f.Job!.Neighbourhood == bucket.Area))
                .Select(f => StatisticsFold.Member(f.Subject!)).Distinct().Order(StringComparer.Ordinal);
            if (!bucket.Earners.SequenceEqual(earners)) return $"bucket {bucket.Id} earners";
        }
        return null;
    }
}
