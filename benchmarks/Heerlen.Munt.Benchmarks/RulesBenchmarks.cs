using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Benchmarks.Support;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Benchmarks;

/// <summary>The command types measured by <see cref="RulesBenchmarks"/>.</summary>
public enum RuleCase
{
    OpenAccount,
    PublishJob,
    Enrol,
    SubmitCompletion,
    ApproveCompletion,
    Pay,
}

/// <summary>
/// <see cref="LedgerRules.Decide"/> + <see cref="LedgerRules.Apply"/> per command type, on a town of
/// <see cref="BatchSize"/> residents.
/// </summary>
/// <remarks>
/// Apply changes the state, and a command can be applied once (its id is remembered; a job's slot is taken), so the
/// same command cannot be timed over and over. Instead, <see cref="Setup"/> builds the town and a batch of
/// <see cref="BatchSize"/> distinct, pre-signed commands of one type that are all accepted in order, and records their
/// entries (an entry's hash links to the one before, so the entries are the same whenever the batch runs on the same
/// state). Before every iteration, <see cref="RebuildState"/> applies the town's log onto a fresh state (untimed): the same
/// state each time. One invocation decides and applies the whole batch (<c>OperationsPerInvoke</c>), so the time
/// reported is per command and a batch of a thousand takes milliseconds, far above the timer's resolution; BenchmarkDotNet
/// runs one invocation per iteration when there is an <c>[IterationSetup]</c>. Entries are made beforehand, so this is
/// the rules alone, without the entry hash (see <see cref="HashingBenchmarks"/>).
/// </remarks>
[MemoryDiagnoser]
public class RulesBenchmarks
{
    public const int BatchSize = 1_000;

    private Town _town = null!;
    private int _prefix;
    private (VerifiedCommand Command, Entry Entry)[] _batch = [];
    private LedgerState _state = null!;

    [ParamsAllValues]
    public RuleCase Command { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _town = new Town().Establish();
        var residents = _town.NewKeys("resident", BatchSize);
        var shop = _town.NewKeys("shop", 1);
        if (Command != RuleCase.OpenAccount) _town.OpenAccounts(residents);
        var job = Command is RuleCase.Enrol or RuleCase.SubmitCompletion or RuleCase.ApproveCompletion ? _town.PublishJob(1_500, BatchSize) : default;
        if (Command is RuleCase.SubmitCompletion or RuleCase.ApproveCompletion)
            _town.Run([.. residents.Select(r => ((Command)new Enrol(job) { Header = _town.Header(r) }, r))]);
        if (Command is RuleCase.ApproveCompletion)
            _town.Run([.. residents.Select(r => ((Command)_town.SubmitCommand(job, r), r))]);
        if (Command is RuleCase.Pay)
        {
            _town.OpenShops(shop);
            _town.Earn(residents, 10_000);
        }

        _prefix = _town.Log.Count;
        (Command, BenchKey)[] commands = Command switch
        {
            RuleCase.OpenAccount => [.. residents.Select(r => ((Command)new OpenAccount { Header = _town.Header(r) }, r))],
            RuleCase.PublishJob => [.. residents.Select(_ => ((Command)_town.PublishJobCommand(new JobId(_town.NextId()), 1_500, 3), _town.Officer1))],
            RuleCase.Enrol => [.. residents.Select(r => ((Command)new Enrol(job) { Header = _town.Header(r) }, r))],
            RuleCase.SubmitCompletion => [.. residents.Select(r => ((Command)_town.SubmitCommand(job, r), r))],
            RuleCase.ApproveCompletion => [.. residents.Select(r => ((Command)new ApproveCompletion(job, r.Id) { Header = _town.Header(_town.Officer2) }, _town.Officer2))],
            RuleCase.Pay => [.. residents.Select(r => ((Command)new Pay(shop[0].Id, new Amount(1_250), null) { Header = _town.Header(r) }, r))],
            _ => throw new ArgumentOutOfRangeException(nameof(Command)),
        };
        _town.Run(commands);
        _batch = [.. _town.Log.Skip(_prefix)];
    }

    [IterationSetup]
    public void RebuildState() => _state = _town.Replay(_prefix);

    [Benchmark(OperationsPerInvoke = BatchSize, Description = "Decide + Apply")]
    public long DecideApply()
    {
        foreach (var (command, entry) in _batch)
        {
            Decision decision = LedgerRules.Decide(_state, command, entry.TimestampMs);
            if (!decision.IsAccepted) throw new InvalidOperationException($"{command.Command.Type} was not accepted: {Rejections.Code(decision.Code)}");
            LedgerRules.Apply(_state, command, entry);
        }
        return _state.NextHeight;
    }
}
