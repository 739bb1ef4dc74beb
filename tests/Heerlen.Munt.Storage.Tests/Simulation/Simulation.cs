using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage.Chain;

namespace Heerlen.Munt.Storage.Tests.Simulation;

/// <summary>A promise the simulation saw broken: the seed, the step and what broke.</summary>
public sealed class SimulationFailure(string message) : Exception(message);

/// <summary>How hard a simulated run is.</summary>
public sealed record SimulationOptions
{
    /// <summary>Driver steps before the run settles (each step runs one ready item, lets time pass, or acts as a client).</summary>
    public int Steps { get; init; } = 2000;

    public StorageFaults Faults { get; init; } = new();

    /// <summary>Chance per step (out of 1,000) that the process crashes.</summary>
    public int CrashPerMille { get; init; } = 2;

    /// <summary>Chance per step (out of 1,000) that the database goes down for a while.</summary>
    public int OutagePerMille { get; init; } = 1;
}

/// <summary>What a run did, to print and to compare between two runs of one seed.</summary>
public sealed record SimulationReport(int Seed, int Commands, int Sends, int Recorded, int Refused, int UnknownAnswers, int Crashes, int Outages,
    long Entries, long Blocks, long SimulatedMs, string Storage, string Digest)
{
    public override string ToString() =>
        $"seed {Seed}: {Commands} commands, {Sends} sends, {Recorded} recorded, {Refused} refused, {UnknownAnswers} unknown answers, " +
        $"{Crashes} crashes, {Outages} outages; chain {Entries} entries, {Blocks} blocks; {SimulatedMs / 1000.0:0.0} s simulated; storage {Storage}; digest {Digest[..16]}";
}

/// <summary>
/// The deterministic simulation: a real <see cref="Sequencer"/> with its real loader, engine and rules, on a
/// <see cref="SimulatedChainStore"/> that fails, tears, delays and forgets writes, with crashes and database outages,
/// all on one thread driven by one seed (<see cref="SimLoop"/>). Clients send a small town's commands and retry every
/// command whose answer they did not get, with the same envelope. After every step it checks what the system promised:
/// an acknowledged command is durable at the height it was told and stays so; every durable command is stored once;
/// the durable chain replays (hash links, signatures, the rules' decisions, blocks) and its invariants hold; a retry gets
/// the first answer; a refused command is not on the chain. At the end it settles every open command, restarts once
/// more, and compares the writer's state with the replay, account by account.
/// </summary>
public sealed class Simulation
{
    private const string ChainId = "heerlen-munt/sim";
    private const string Budget = "klussen-2026";

    private readonly int _seed;
    private readonly SimulationOptions _options;
    private readonly Random _random;
    private readonly SimLoop _loop;
    private readonly SimulatedChainStore _store;
    private readonly SequencerOptions _sequencerOptions;
    private readonly Observer _observer = new();
    private readonly ChainReplay _replay = new(ChainId, NativeSchnorrVerifier.Instance);
    private readonly Dictionary<string, long> _durableByEnvelope = [];
    private readonly HashSet<(AccountId, CommandId)> _durableIds = [];
    private readonly List<Cmd> _commands = [];
    private readonly List<Cmd> _unanswered = [];
    private readonly List<Cmd> _recorded = [];
    private int _fedEntries, _fedBlocks, _step, _generation, _crashes, _outages, _sends, _unknownAnswers;
    private Sequencer? _sequencer;
    private string _lastFedHash = "";
    private string? _failure;

    // The town: keys from the seed, so the same seed makes the same accounts.
    private readonly SigningKey _issuer, _operator, _officer1, _officer2;
    private readonly SigningKey[] _residents, _merchants;
    private readonly List<Func<Cmd>> _setup;
    private int _setupNext;
    private Cmd? _setupWaiting;
    private readonly List<JobId> _jobs = [];
    private readonly List<(SigningKey Payer, CommandId Id, SigningKey Merchant, long Cents)> _payments = [];

    private Simulation(int seed, SimulationOptions options)
    {
        _seed = seed;
        _options = options;
        _random = new Random(seed);
        _loop = new SimLoop(_random);
        _store = new SimulatedChainStore(ChainId, _loop) { Faults = options.Faults };
        _sequencerOptions = new SequencerOptions
        {
            BatchMax = _random.Next(1, 40),
            BatchWait = TimeSpan.FromMilliseconds(_random.Next(0, 3)),
            Blocks = new BlockPolicy(_random.Next(3, 20), _random.Next(200, 2000)),
            Pipelining = _random.Next(2) == 0,
            RetryWait = TimeSpan.FromMilliseconds(100),
            WriterLockWait = TimeSpan.FromMilliseconds(500),
            Scheduler = _loop,
            Randomness = new SeededRandomness(_random),
        };
        _issuer = NewKey();
        _operator = NewKey();
        _officer1 = NewKey();
        _officer2 = NewKey();
        _residents = [.. Enumerable.Range(0, 5).Select(_ => NewKey())];
        _merchants = [.. Enumerable.Range(0, 2).Select(_ => NewKey())];
        _setup =
        [
            () => Make("establish", h => new EstablishChain(_operator.PublicKey, Amount.FromEuros(10_000)) { Header = h }, _issuer),
            () => Make("open", h => new OpenAccount { Header = h }, _officer1),
            () => Make("open", h => new OpenAccount { Header = h }, _officer2),
            () => Make("grant", h => new GrantRole(_officer1.PublicKey, Roles.Officer) { Header = h }, _issuer),
            () => Make("grant", h => new GrantRole(_officer2.PublicKey, Roles.Officer) { Header = h }, _issuer),
            () => Make("mint", h => new MintBudget(Budget, Amount.FromEuros(5_000)) { Header = h }, _officer1),
            .. _residents.Concat(_merchants).Select(k => (Func<Cmd>)(() => Make("open", h => new OpenAccount { Header = h }, k))),
            .. _merchants.Select(k => (Func<Cmd>)(() => Make("admit", h => new AdmitMerchant(k.PublicKey, "centrum") { Header = h }, _officer1))),
        ];
    }

    /// <summary>Runs one seed; throws <see cref="SimulationFailure"/> naming the seed and step if a promise broke.</summary>
    public static SimulationReport Run(int seed, SimulationOptions? options = null)
    {
        var previous = SynchronizationContext.Current;
        var simulation = new Simulation(seed, options ?? new SimulationOptions());
        SynchronizationContext.SetSynchronizationContext(simulation._loop.Context);
        try
        {
            return simulation.Drive();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private SimulationReport Drive()
    {
        Start();
        for (_step = 0; _step < _options.Steps; _step++)
        {
            int roll = _random.Next(1000);
            if (roll < _options.CrashPerMille) Crash();
            else if (roll < _options.CrashPerMille + _options.OutagePerMille && !_store.Down) Outage();
            else if (roll < 250) ActAsClient();
            else if (!_loop.RunOne() && !_loop.FireNextTimer()) _loop.Advance(10);
            Check();
        }
        Settle();
        return Report();
    }

    // ---- the clients ----

    private sealed class Cmd(string kind, byte[] envelope, AccountId actor, CommandId id, bool expired)
    {
        public string Kind { get; } = kind;
        public byte[] Envelope { get; } = envelope;
        public string EnvelopeKey { get; } = Convert.ToHexString(SHA256.HashData(envelope));
        public AccountId Actor { get; } = actor;
        public CommandId Id { get; } = id;
        public bool Expired { get; } = expired;
        public SubmitResult? First { get; set; }
        public int InFlight { get; set; }
        public int Sends { get; set; }
        public override string ToString() => $"{Kind} {Id}";
    }

    private SigningKey NewKey()
    {
        var secret = new byte[32];
        _random.NextBytes(secret);
        return SigningKey.FromSecret(secret);
    }

    private long NowMs => _loop.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private Cmd Make(string kind, Func<CommandHeader, Command> build, SigningKey key, bool expired = false)
    {
        var id = new CommandId(((UInt128)(ulong)_random.NextInt64() << 64) | (ulong)_random.NextInt64());
        // Short lives (1 s to 2 min), so that some retries come after the expiry and must still get the first answer.
        long expires = expired ? NowMs - 1 : NowMs + _random.Next(1_000, 120_000);
        var command = build(new CommandHeader(ChainId, id, key.PublicKey, expires));
        byte[] body = CommandCodec.Encode(command);
        var aux = new byte[32];
        _random.NextBytes(aux);
        byte[] signature = key.Sign(CommandCodec.SigningDigest(body).Span, aux);
        var cmd = new Cmd(kind, SignedCommand.FromParts(body, [new CommandSignature(key.PublicKey, key.PublicKey, signature)]).Envelope, key.PublicKey, id, expired);
        _commands.Add(cmd);
        return cmd;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private void ActAsClient()
    {
        _loop.Advance(_random.Next(0, 6));
        if (_unanswered.Count > 0 && _random.Next(2) == 0)
        {
            Send(Pick(_unanswered)); // a client trying again after it got no answer: the same envelope
            return;
        }
        if (_setupNext < _setup.Count || _setupWaiting is not null)
        {
            if (_setupWaiting is null || _setupWaiting.First is not null)
            {
                if (_setupNext == _setup.Count) { _setupWaiting = null; return; }
                _setupWaiting = _setup[_setupNext++]();
                Send(_setupWaiting);
            }
            return;
        }
        Send(NextTownCommand());
    }

    private Cmd NextTownCommand()
    {
        var resident = Pick(_residents);
        var merchant = Pick(_merchants);
        int roll = _random.Next(100);
        if (roll < 25) return Pay(resident, merchant, expired: false);
        if (roll < 33 || _jobs.Count == 0)
        {
            var job = new JobId(((UInt128)(ulong)_random.NextInt64() << 64) | (ulong)_random.NextInt64());
            _jobs.Add(job);
            return Make("publish", h => new PublishJob(job, Budget, "straatmeubilair", "gms", Amount.FromEuros(_random.Next(5, 21)), (ushort)_random.Next(1, 4), NowMs + 86_400_000) { Header = h }, _officer1);
        }
        if (roll < 46) return Make("enrol", h => new Enrol(Pick(_jobs)) { Header = h }, resident);
        if (roll < 58) return Make("submit", h => new SubmitCompletion(Pick(_jobs), Hash32.Sha256([(byte)_random.Next(256)])) { Header = h }, resident);
        if (roll < 70) return Make("approve", h => new ApproveCompletion(Pick(_jobs), resident.PublicKey) { Header = h }, _officer2);
        if (roll < 76 && _payments.Count > 0)
        {
            var (payer, id, shop, cents) = Pick(_payments);
            return Make("refund", h => new Refund(payer.PublicKey, id, new Amount(_random.Next(1, (int)cents + 2))) { Header = h }, shop);
        }
        if (roll < 82) return Make("redeem", h => new Redeem(new Amount(_random.Next(1, 1500))) { Header = h }, merchant);
        if (roll < 85) return Make("mint", h => new MintBudget(Budget, Amount.FromEuros(100)) { Header = h }, _officer1);
        if (roll < 90) return Pay(resident, merchant, expired: true);
        if (roll < 94 && _commands.FirstOrDefault(c => c.InFlight > 0) is { } sending) return sending; // the same envelope twice at once
        if (_recorded.Count > 0) return Pick(_recorded); // a deliberate duplicate of an answered command
        return Pay(resident, merchant, expired: false);
    }

    private Cmd Pay(SigningKey resident, SigningKey merchant, bool expired)
    {
        long cents = _random.Next(1, 2500);
        var cmd = Make(expired ? "pay_expired" : "pay", h => new Pay(merchant.PublicKey, new Amount(cents), null) { Header = h }, resident, expired);
        _payments.Add((resident, cmd.Id, merchant, cents));
        return cmd;
    }

    private void Send(Cmd cmd)
    {
        if (_sequencer is not { } sequencer)
        {
            if (cmd.InFlight == 0 && !_unanswered.Contains(cmd)) _unanswered.Add(cmd); // the server is down: the client keeps it and tries later
            return;
        }
        _unanswered.Remove(cmd);
        cmd.InFlight++;
        cmd.Sends++;
        _sends++;
        int generation = _generation;
        _loop.Post(async () =>
        {
            try
            {
                var result = await sequencer.SubmitAsync(cmd.Envelope);
                if (generation == _generation) Answered(cmd, result);
            }
            catch (StorageException e)
            {
                if (generation != _generation) return;
                if (e.Code == StorageErrorCode.Unexpected) Fail($"the sequencer failed unexpectedly: {e.Message} {e.InnerException}");
                if (e.Code == StorageErrorCode.ChainBroken) Fail($"the sequencer found its chain broken: {e.Message}");
                cmd.InFlight--;
                _unknownAnswers++;
                if (cmd.First is null && cmd.InFlight == 0 && !_unanswered.Contains(cmd)) _unanswered.Add(cmd);
            }
            catch (Exception e)
            {
                Fail($"the sequencer threw {e.GetType().Name}: {e.Message}");
            }
        });
    }

    private void Answered(Cmd cmd, SubmitResult result)
    {
        cmd.InFlight--;
        _unanswered.Remove(cmd);
        Feed();
        if (result.Height >= 0)
        {
            // Acknowledged: it must be on the disk now, at the height it was told, with this envelope and outcome.
            if (result.Height >= _store.Entries.Count)
                Fail($"{cmd} was acknowledged at height {result.Height} but is not durable (the disk holds {_store.Entries.Count} entries)");
            else
            {
                var stored = _store.Entries[(int)result.Height];
                if (!Entry.TryDecode(stored.Entry, out var entry, out _) || !entry!.Envelope.AsSpan().SequenceEqual(cmd.Envelope) || entry.Outcome != result.Code || stored.Hash != result.EntryHash?.ToHex())
                    Fail($"{cmd} was acknowledged at height {result.Height}, but another entry or outcome is stored there");
            }
        }
        else if (_durableByEnvelope.TryGetValue(cmd.EnvelopeKey, out long height))
            Fail($"{cmd} was refused ({Rejections.Code(result.Code)}) although it is stored at height {height}");

        if (cmd.First is { } first)
        {
            if ((first.Height >= 0 || result.Height >= 0) && (first.Code != result.Code || first.Height != result.Height || first.EntryHash != result.EntryHash))
                Fail($"{cmd} was answered '{Rejections.Code(first.Code)}' at {first.Height} first and '{Rejections.Code(result.Code)}' at {result.Height} when sent again");
            return;
        }
        cmd.First = result;
        if (result.Height >= 0) _recorded.Add(cmd);
        if (cmd.Expired && result.Code != RejectionCode.CommandExpired && result.Height < 0)
            Fail($"{cmd} was sent expired and refused as '{Rejections.Code(result.Code)}', not command_expired");
    }

    // ---- the process: start, crash, outage ----

    private void Start()
    {
        int generation = _generation;
        _loop.Post(async () =>
        {
            try
            {
                var sequencer = await Sequencer.StartAsync(_store, _operator, NativeSchnorrVerifier.Instance, _sequencerOptions, _loop.Clock, observer: _observer);
                if (generation != _generation) return;
                if (sequencer.Broken is { } broken) Fail($"the chain was loaded as broken: {broken}");
                _sequencer = sequencer;
                Feed();
                CompareWithReplay("after a start");
                foreach (var cmd in _unanswered.ToList()) Send(cmd);
            }
            catch (StorageException e) when (e.Code != StorageErrorCode.Unexpected)
            {
                if (generation == _generation) _loop.After(200, Start); // the database is down: try again shortly
            }
            catch (Exception e)
            {
                Fail($"start-up failed: {e.GetType().Name}: {e.Message}");
            }
        });
    }

    private void Crash()
    {
        _crashes++;
        _generation++;
        _loop.Forget();
        _store.Crash();
        _sequencer = null;
        foreach (var cmd in _commands.Where(c => c.InFlight > 0))
        {
            cmd.InFlight = 0;
            if (cmd.First is null && !_unanswered.Contains(cmd)) _unanswered.Add(cmd);
        }
        _store.Down = false; // a restart also brings the database back in this model; outages are separate
        _loop.After(_random.Next(50, 500), Start);
    }

    private void Outage()
    {
        _outages++;
        _store.Down = true;
        int generation = _generation;
        _loop.After(_random.Next(100, 2000), () => _store.Down = false);
    }

    /// <summary>No more faults: every client tries again until it has an answer, then one last clean restart.</summary>
    private void Settle()
    {
        _store.Faults = _options.Faults with { FailBeforeCommit = 0, FailAfterCommit = 0, Tear = 0, Slow = 0, FailRead = 0 };
        _store.Down = false;
        if (_options.Faults.AcknowledgeBeforeDurable) Crash(); // the negative test: a crash right now loses what was acknowledged
        for (int settle = 0; _unanswered.Count > 0 || _commands.Any(c => c.InFlight > 0) || _sequencer is null; settle++)
        {
            if (settle > 200_000) Fail($"{_unanswered.Count} commands still have no answer after settling");
            if (_sequencer is not null && _unanswered.Count > 0 && _random.Next(10) == 0) Send(Pick(_unanswered));
            if (!_loop.RunOne() && !_loop.FireNextTimer()) _loop.Advance(10);
            Check();
        }

        // Quiet for a few seconds: the writer notices a lock lost in an outage and takes it again.
        for (long until = _loop.NowMs + 5_000; _loop.NowMs < until;)
        {
            if (!_loop.RunOne() && !_loop.FireNextTimer()) _loop.Advance(10);
            Check();
        }
        if (!_store.LockHeldByCurrentWriter) Fail("the writer does not hold its lock again after the database came back");
        CompareWithReplay("after settling");
        Check();

        // A clean stop (seals the last block), then a start that loads and checks everything once more.
        var stopping = _sequencer!.DisposeAsync().AsTask();
        for (int i = 0; !stopping.IsCompleted; i++)
        {
            if (i > 100_000) Fail("the sequencer did not stop");
            if (!_loop.RunOne() && !_loop.FireNextTimer()) _loop.Advance(10);
            Check();
        }
        _sequencer = null;
        _generation++;
        Start();
        for (int i = 0; _sequencer is null; i++)
        {
            if (i > 100_000) Fail("the sequencer did not start again");
            if (!_loop.RunOne() && !_loop.FireNextTimer()) _loop.Advance(10);
            Check();
        }
        Check();

        foreach (var cmd in _recorded)
            if (!_durableByEnvelope.TryGetValue(cmd.EnvelopeKey, out long height) || height != cmd.First!.Height)
                Fail($"{cmd}, acknowledged at height {cmd.First!.Height}, is not on the chain there at the end");
        var finish = _replay.Finish();
        if (!finish.Ok) Fail($"the chain does not verify at the end: {finish}");
        if (_fedEntries != _store.Entries.Count || _fedBlocks != _store.Blocks.Count) Fail("not every stored entry and block was checked");
        if (_loop.ForeignPosts > 0) Fail($"{_loop.ForeignPosts} continuations came from other threads: the run is not deterministic");
    }

    // ---- the checks ----

    /// <summary>Checks newly durable entries and blocks in chain order: the replay (links, signatures, rules, blocks, invariants) and uniqueness.</summary>
    private void Feed()
    {
        // What was on the disk must still be there, unchanged.
        if (_fedEntries > _store.Entries.Count || (_fedEntries > 0 && _store.Entries[_fedEntries - 1].Hash != _lastFedHash) || _fedBlocks > _store.Blocks.Count)
        {
            Fail($"the disk lost or changed what it had stored: {_fedEntries} entries were checked, it now holds {_store.Entries.Count}");
            return;
        }
        while (_failure is null)
        {
            if (_fedBlocks < _store.Blocks.Count && _store.Blocks[_fedBlocks].TreeSize <= _replay.Frontier.Size)
            {
                var stored = _store.Blocks[_fedBlocks++];
                if (!Block.TryDecode(stored.Block, out var block, out var problem)) { Fail($"block {stored.Number} does not decode: {problem}"); return; }
                if (_replay.CheckBlock(block!) is { } failure) { Fail($"block {stored.Number}: {failure}"); return; }
                continue;
            }
            if (_fedEntries >= _store.Entries.Count) break;
            var recorded = _store.Entries[_fedEntries++];
            _lastFedHash = recorded.Hash;
            if (_replay.Check(recorded.Entry) is { } broken) { Fail($"the durable chain does not replay at height {recorded.Height}: {broken}"); return; }
            Entry.TryDecode(recorded.Entry, out var entry, out _);
            string key = Convert.ToHexString(SHA256.HashData(entry!.Envelope));
            if (!_durableByEnvelope.TryAdd(key, entry.Height)) Fail($"the command at height {entry.Height} is stored twice (also at {_durableByEnvelope[key]})");
            var header = SignedCommand.Decode(entry.Envelope, ChainId).Command!.Command.Header;
            if (!_durableIds.Add((header.Actor, header.Id))) Fail($"command id {header.Id} of one actor is stored twice (height {entry.Height})");
        }
        try
        {
            _replay.State.CheckInvariants();
        }
        catch (InvariantViolationException e)
        {
            Fail($"an invariant broke: {e.Message}");
        }
    }

    private void Check()
    {
        Feed();
        if (_failure is not null) throw new SimulationFailure(_failure);
    }

    private void Fail(string what) =>
        _failure ??= $"seed {_seed}, step {_step}: {what}. Replay: HM_SIM_SEED={_seed} HM_SIM_STEPS={_options.Steps} dotnet test tests/Heerlen.Munt.Storage.Tests --filter FullyQualifiedName~many_seeds";

    /// <summary>The writer's in-memory state must be the replay's, account by account (called when nothing is in flight).</summary>
    private void CompareWithReplay(string when)
    {
        var live = _observer.State;
        var replayed = _replay.State;
        if (live is null) return;
        var differences = new List<string>();
        if (live.NextHeight != replayed.NextHeight || live.HeadHash != replayed.HeadHash) differences.Add($"height {live.NextHeight} against {replayed.NextHeight}");
        if (live.Minted != replayed.Minted || live.Redeemed != replayed.Redeemed || live.Reserved != replayed.Reserved) differences.Add("totals");
        foreach (var (id, account) in replayed.Accounts)
            if (!live.Accounts.TryGetValue(id, out var other) || other.Balance != account.Balance || other.Roles != account.Roles || other.Frozen != account.Frozen)
                differences.Add($"account {id}");
        if (live.Accounts.Count != replayed.Accounts.Count) differences.Add("number of accounts");
        foreach (var (id, amount) in replayed.Budgets)
            if (live.Budgets.GetValueOrDefault(id) != amount) differences.Add($"budget {id}");
        foreach (var (id, job) in replayed.Jobs)
            if (!live.Jobs.TryGetValue(id, out var other) || other.Reserve != job.Reserve || other.Taken != job.Taken || other.Paid != job.Paid)
                differences.Add($"job {id}");
        if (differences.Count > 0) Fail($"{when}, the writer's state differs from the replay of the disk: {string.Join(", ", differences.Take(5))}");
    }

    private SimulationReport Report()
    {
        CompareWithReplay("at the end");
        if (_failure is not null) throw new SimulationFailure(_failure);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var e in _store.Entries) digest.AppendData(e.Entry);
        foreach (var b in _store.Blocks) digest.AppendData(b.Block);
        digest.AppendData(Encoding.UTF8.GetBytes($"{_loop.NowMs}/{_sends}/{_crashes}/{_outages}/{_unknownAnswers}"));
        return new SimulationReport(_seed, _commands.Count, _sends, _recorded.Count, _commands.Count(c => c.First is { Height: < 0 }), _unknownAnswers,
            _crashes, _outages, _store.Entries.Count, _store.Blocks.Count, _loop.NowMs,
            string.Join(" ", _store.Counts.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")),
            Convert.ToHexStringLower(digest.GetHashAndReset()));
    }

    /// <summary>Keeps the writer's state: the loaded one after a start, the decided one after each batch.</summary>
    private sealed class Observer : IChainObserver
    {
        public LedgerState? State { get; private set; }

        public void LoadStarted() { }

        public void EntryVerified(Entry entry) { }

        public void LoadFinished(LoadedChain loaded) => State = loaded.Replay.State;

        public object? Decided(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, LedgerState state)
        {
            State = state;
            return null;
        }

        public void Committed(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, object? decided) { }
    }
}
