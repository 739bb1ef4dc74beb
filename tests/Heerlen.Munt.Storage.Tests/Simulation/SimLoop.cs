using System.Security.Cryptography;

namespace Heerlen.Munt.Storage.Tests.Simulation;

/// <summary>
/// The simulation's whole world of time and work: one thread, one list of ready work, one clock. Every task the
/// sequencer starts (<see cref="TaskScheduler"/>), every continuation it awaits (<see cref="SynchronizationContext"/>)
/// and every timer it sets (<see cref="TimeProvider"/>) lands here; the driver picks which ready item runs next with
/// the seeded random, and moves the clock only when nothing is ready. So a seed fixes everything that happens.
/// </summary>
public sealed class SimLoop : TaskScheduler
{
    private static readonly DateTimeOffset Epoch = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private readonly List<Action> _ready = [];
    private readonly List<SimTimer> _timers = [];
    private readonly Thread _thread = Thread.CurrentThread;
    private long _timerOrder;

    public SimLoop(Random random)
    {
        Random = random;
        Context = new LoopContext(this);
        Clock = new SimClock(this);
    }

    /// <summary>The seeded source of every choice.</summary>
    public Random Random { get; }

    /// <summary>Posts continuations to the ready list.</summary>
    public SynchronizationContext Context { get; }

    /// <summary>The simulated clock; starts at 2026-11-30 08:00 UTC.</summary>
    public SimClock Clock { get; }

    /// <summary>Simulated milliseconds since the start.</summary>
    public long NowMs { get; private set; }

    /// <summary>Work posted from another thread: must stay zero, or the run is not deterministic.</summary>
    public int ForeignPosts { get; private set; }

    public int ReadyCount => _ready.Count;

    public bool HasTimers => _timers.Count > 0;

    /// <summary>Queues work as the sequencer's code would (from the loop's thread).</summary>
    public void Post(Action work)
    {
        if (Thread.CurrentThread != _thread) ForeignPosts++;
        lock (_ready) _ready.Add(work);
    }

    /// <summary>Runs one ready item, picked by the seed; false if none is ready.</summary>
    public bool RunOne()
    {
        Action work;
        lock (_ready)
        {
            if (_ready.Count == 0) return false;
            int i = Random.Next(_ready.Count);
            work = _ready[i];
            _ready.RemoveAt(i);
        }
        work();
        return true;
    }

    /// <summary>Moves the clock to the earliest timer and fires it; false if there is none.</summary>
    public bool FireNextTimer()
    {
        if (_timers.Count == 0) return false;
        var next = _timers.MinBy(t => (t.DueMs, t.Order))!;
        NowMs = Math.Max(NowMs, next.DueMs);
        next.Fire();
        return true;
    }

    /// <summary>Lets time pass without anything happening (a quiet moment).</summary>
    public void Advance(long ms)
    {
        long until = NowMs + ms;
        while (_timers.Count > 0 && _timers.Min(t => t.DueMs) <= until) FireNextTimer();
        NowMs = Math.Max(NowMs, until);
    }

    /// <summary>A crash: every ready item and every timer of the dead process is gone.</summary>
    public void Forget()
    {
        lock (_ready) _ready.Clear();
        _timers.Clear();
    }

    /// <summary>Runs <paramref name="action"/> after <paramref name="delayMs"/> simulated milliseconds.</summary>
    public void After(long delayMs, Action action)
    {
        SimTimer? timer = null;
        timer = new SimTimer(this, _ => { timer!.Dispose(); action(); }, null);
        timer.Change(TimeSpan.FromMilliseconds(delayMs), Timeout.InfiniteTimeSpan);
    }

    protected override void QueueTask(Task task) => Post(() => TryExecuteTask(task));

    protected override bool TryExecuteTaskInline(Task task, bool taskWasPreviouslyQueued) =>
        Thread.CurrentThread == _thread && !taskWasPreviouslyQueued && TryExecuteTask(task);

    protected override IEnumerable<Task>? GetScheduledTasks() => null;

    private sealed class LoopContext(SimLoop loop) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) => loop.Post(() => d(state));

        public override void Send(SendOrPostCallback d, object? state) => throw new NotSupportedException("the simulation never blocks");

        public override SynchronizationContext CreateCopy() => this;
    }

    /// <summary>The loop's clock, for the sequencer (<see cref="TimeProvider"/>).</summary>
    public sealed class SimClock(SimLoop loop) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => Epoch.AddMilliseconds(loop.NowMs);

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => loop.NowMs;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new SimTimer(loop, callback, state);
            timer.Change(dueTime, period);
            return timer;
        }
    }

    private sealed class SimTimer(SimLoop loop, TimerCallback callback, object? state) : ITimer
    {
        private long _periodMs = -1;

        public long DueMs { get; private set; }

        public long Order { get; private set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            loop._timers.Remove(this);
            _periodMs = period == Timeout.InfiniteTimeSpan ? -1 : (long)period.TotalMilliseconds;
            if (dueTime == Timeout.InfiniteTimeSpan) return true;
            DueMs = loop.NowMs + Math.Max(0, (long)Math.Ceiling(dueTime.TotalMilliseconds));
            Order = loop._timerOrder++;
            loop._timers.Add(this);
            return true;
        }

        public void Fire()
        {
            loop._timers.Remove(this);
            if (_periodMs > 0) Change(TimeSpan.FromMilliseconds(_periodMs), TimeSpan.FromMilliseconds(_periodMs));
            callback(state);
        }

        public void Dispose() => loop._timers.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>Seeded bytes where the code asks for randomness (block signatures' aux_rand), so a run replays byte for byte.</summary>
public sealed class SeededRandomness(Random random) : RandomNumberGenerator
{
    public override void GetBytes(byte[] data) => random.NextBytes(data);

    public override void GetBytes(Span<byte> data) => random.NextBytes(data);
}
