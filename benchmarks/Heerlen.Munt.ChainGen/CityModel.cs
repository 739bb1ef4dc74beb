using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.ChainGen;

/// <summary>A job as the generator tracks it (a mirror of the ledger's JobState, enough to predict every outcome).</summary>
internal sealed class JobModel(JobId id, string budget, long rewardCents, int slots, long deadlineMs)
{
    public JobId Id { get; } = id;

    public string Budget { get; } = budget;

    public long RewardCents { get; } = rewardCents;

    public int Slots { get; } = slots;

    public long DeadlineMs { get; } = deadlineMs;

    public int Taken { get; set; }

    public int Paid { get; set; }

    /// <summary>Resident index → where their work is.</summary>
    public Dictionary<int, WorkStatus> Workers { get; } = [];

    public bool HasUndecidedWork => Workers.Values.Any(s => s is WorkStatus.Enrolled or WorkStatus.Submitted);
}

internal enum WorkStatus
{
    Enrolled,
    Submitted,
    Approved,
    Rejected,
}

/// <summary>A payment that may still be refunded.</summary>
internal sealed class PaymentModel(int resident, CommandId id, int shop, long amountCents)
{
    public int Resident { get; } = resident;

    public CommandId Id { get; } = id;

    public int Shop { get; } = shop;

    public long AmountCents { get; } = amountCents;

    public long RefundedCents { get; set; }
}

/// <summary>A set of small integers with O(1) add, remove and random pick (residents who hold money).</summary>
internal sealed class IndexSet(int capacity)
{
    private readonly List<int> _items = [];
    private readonly int[] _positions = Enumerable.Repeat(-1, capacity).ToArray();

    public int Count => _items.Count;

    public void Add(int item)
    {
        if (_positions[item] >= 0) return;
        _positions[item] = _items.Count;
        _items.Add(item);
    }

    public void Remove(int item)
    {
        int at = _positions[item];
        if (at < 0) return;
        int last = _items[^1];
        _items[at] = last;
        _positions[last] = at;
        _items.RemoveAt(_items.Count - 1);
        _positions[item] = -1;
    }

    public int Pick(Random rng) => _items[rng.Next(_items.Count)];
}
