using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Tests.Support;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Chain;

[Collection(PostgresCollection.Name)]
public sealed class SequencerTests(PostgresFixture postgres)
{
    [Fact]
    public async Task a_chain_written_through_the_sequencer_survives_a_restart_and_verifies()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var shop = await town.NewMerchantAsync();
        var resident = await town.NewEarnerAsync(15);
        var paid = Town.Ok(await town.SubmitAsync(new Pay(shop.PublicKey, Amount.FromEuros(4), null) { Header = town.Header(resident) }, resident));
        long height = town.Sequencer.Height;

        await town.RestartAsync();

        Assert.True(town.Sequencer.LastLoad.Intact, town.Sequencer.LastLoad.ToString());
        Assert.Equal(height, town.Sequencer.Height);
        var state = await Reload(town);
        Assert.Equal(Amount.FromEuros(11), state.BalanceOf(resident.PublicKey));
        Assert.Equal(Amount.FromEuros(4), state.BalanceOf(shop.PublicKey));
        var stored = await town.Store.ReadEntryAsync(paid.Height);
        Assert.Equal(paid.EntryHash!.Value.ToHex(), stored!.Hash);
        var verified = await town.VerifyStoredAsync();
        Assert.True(verified.Ok, verified.ToString());
        Assert.Equal(height, verified.EntriesVerified);
    }

    [Fact]
    public async Task the_chain_continues_after_a_restart_with_the_next_height_and_link()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var first = SigningKey.Generate();
        var before = Town.Ok(await town.SubmitAsync(new OpenAccount { Header = town.Header(first) }, first));
        await town.RestartAsync();
        var second = SigningKey.Generate();
        var after = Town.Ok(await town.SubmitAsync(new OpenAccount { Header = town.Header(second) }, second));
        Assert.Equal(before.Height + 1, after.Height);
        var report = await town.VerifyStoredAsync();
        Assert.True(report.Ok, report.ToString());
        Assert.True(report.BlocksVerified >= 1, "a restart seals what the last run left unsealed");
    }

    [Fact]
    public async Task a_retry_after_a_restart_gets_the_original_outcome_and_is_not_stored_twice()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var shop = await town.NewMerchantAsync();
        var resident = await town.NewEarnerAsync(15);
        byte[] pay = Town.Sign(new Pay(shop.PublicKey, Amount.FromEuros(2), null) { Header = town.Header(resident) }, resident);
        var first = Town.Ok(await town.Sequencer.SubmitAsync(pay));
        long height = town.Sequencer.Height;

        await town.RestartAsync();
        var retry = await town.Sequencer.SubmitAsync(pay);

        Assert.True(retry.IsRetry);
        Assert.Equal(first.Height, retry.Height);
        Assert.Equal(first.EntryHash, retry.EntryHash);
        Assert.Equal(height, town.Sequencer.Height);
        Assert.Equal(Amount.FromEuros(13), (await Reload(town)).BalanceOf(resident.PublicKey));
    }

    [Fact]
    public async Task a_refused_command_is_answered_at_once_and_never_stored()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        long height = town.Sequencer.Height;
        var stranger = SigningKey.Generate();
        // Signed by someone else than the actor it names: refused before the sequencer.
        byte[] forged = SignedCommand.Create(new MintBudget(Town.Budget, Amount.FromEuros(1)) { Header = town.Header(town.Officer1) }, stranger, actorAccount: town.Officer1.PublicKey).Envelope;
        var result = await town.Sequencer.SubmitAsync(forged);
        Assert.False(result.Applied);
        Assert.Equal(-1, result.Height);
        Assert.Equal(height, town.Sequencer.Height);
        Assert.Equal(height, (await town.VerifyStoredAsync()).EntriesVerified);
    }

    [Fact]
    public async Task a_rule_rejection_is_recorded_and_stored_with_its_code()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var shop = await town.NewMerchantAsync();
        var poor = await town.NewResidentAsync();
        var result = await town.SubmitAsync(new Pay(shop.PublicKey, Amount.FromEuros(1), null) { Header = town.Header(poor) }, poor);
        Assert.Equal(RejectionCode.InsufficientFunds, result.Code);
        var stored = await town.Store.ReadEntryAsync(result.Height);
        Assert.Equal(RejectionCode.InsufficientFunds, stored!.Facts.Outcome);
        Assert.Empty(stored.Facts.Movements);
    }

    [Fact]
    public async Task a_second_writer_with_a_stale_view_is_refused_cleanly_and_the_chain_does_not_fork()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        // A second server on the same database, started while the first one is running, without the writer lock
        // (as if it were lost): the expected stream version alone must keep the chain from forking.
        await using var second = await Sequencer.StartAsync(town.Store, town.Operator, ManagedSchnorrVerifier.Instance, town.Options with { ExclusiveWriter = false });
        await town.NewResidentAsync();
        long height = town.Sequencer.Height;

        var late = SigningKey.Generate();
        var error = await Assert.ThrowsAsync<StorageException>(() => second.SubmitAsync(Town.Sign(new OpenAccount { Header = town.Header(late) }, late)));

        Assert.Equal(StorageErrorCode.ConcurrentWriter, error.Code);
        var report = await town.VerifyStoredAsync();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(height, report.EntriesVerified);
        Assert.Null(report.State.Accounts.GetValueOrDefault(late.PublicKey));
        // The second writer reloads and, from then on, continues the one chain (same command: a safe retry).
        var retried = Town.Ok(await second.SubmitAsync(Town.Sign(new OpenAccount { Header = town.Header(late) }, late)));
        Assert.Equal(height, retried.Height);
    }

    [Fact]
    public async Task group_commit_under_load_from_many_threads_keeps_order_and_acknowledges_each_command_exactly_once()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests), new SequencerOptions { BatchMax = 64, BatchWait = TimeSpan.FromMilliseconds(2), Blocks = new BlockPolicy(100, 60_000) });
        var shop = await town.NewMerchantAsync();
        var payers = new List<SigningKey>();
        for (int i = 0; i < 8; i++) payers.Add(await town.NewEarnerAsync(50));
        long start = town.Sequencer.Height;

        const int perPayer = 40;
        var results = await Task.WhenAll(payers.Select(payer => Task.Run(async () =>
        {
            var mine = new List<(CommandId Id, SubmitResult Result)>();
            for (int i = 0; i < perPayer; i++)
            {
                var id = CommandId.New();
                var r = await town.SubmitAsync(new Pay(shop.PublicKey, new Amount(100), null) { Header = town.Header(payer, id) }, payer);
                mine.Add((id, r));
            }
            return mine;
        })));

        var all = results.SelectMany(r => r).ToList();
        Assert.All(all, x => Assert.True(x.Result.Applied));
        Assert.Equal(all.Count, all.Select(x => x.Result.Height).Distinct().Count());
        Assert.Equal(Enumerable.Range((int)start, all.Count).Select(h => (long)h), all.Select(x => x.Result.Height).Order());
        // Each payer's own payments are in the order the payer sent them.
        foreach (var mine in results) Assert.Equal(mine.Select(x => x.Result.Height).Order(), mine.Select(x => x.Result.Height));

        await town.RestartAsync();
        var state = await Reload(town);
        Assert.True(town.Sequencer.LastLoad.Intact);
        Assert.Equal(new Amount(8 * perPayer * 100), state.BalanceOf(shop.PublicKey));
        foreach (var (id, r) in all)
            Assert.Equal(r.Height, state.FindCommand(state.Accounts.Keys.Single(k => k == FindPayer(payers, results, id)), id)!.Value.Height);
    }

    [Fact]
    public async Task a_burst_is_checked_in_parallel_and_sequenced_in_the_order_given_with_bad_ones_refused()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var shop = await town.NewMerchantAsync();
        var payer = await town.NewEarnerAsync(15);
        var envelopes = new List<byte[]>();
        for (int i = 0; i < 30; i++) envelopes.Add(Town.Sign(new Pay(shop.PublicKey, new Amount(1 + i), null) { Header = town.Header(payer) }, payer));
        envelopes[7] = envelopes[7][..^1].Append((byte)(envelopes[7][^1] ^ 1)).ToArray(); // a broken signature
        envelopes[11] = [1, 2, 3]; // not an envelope at all

        var results = await Task.WhenAll(town.Sequencer.SubmitMany(envelopes));

        Assert.Equal(RejectionCode.BadSignature, results[7].Code);
        Assert.NotEqual(RejectionCode.None, results[11].Code);
        var applied = results.Where(r => r.Applied).ToList();
        Assert.Equal(28, applied.Count);
        Assert.Equal(applied.Select(r => r.Height).Order(), applied.Select(r => r.Height));
        var state = (await ChainLoader.LoadAsync(town.Store, ManagedSchnorrVerifier.Instance)).Report.State;
        long expected = Enumerable.Range(0, 30).Where(i => i is not 7 and not 11).Sum(i => 1L + i);
        Assert.Equal(new Amount(expected), state.BalanceOf(shop.PublicKey));
    }

    [Fact]
    public async Task with_pipelining_the_next_batch_is_decided_while_one_is_stored_and_readers_see_only_stored_batches_in_order()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests), new SequencerOptions { BatchMax = 8, BatchWait = TimeSpan.FromMilliseconds(1), Blocks = new BlockPolicy(64, 60_000), Pipelining = true });
        var shop = await town.NewMerchantAsync();
        var payers = new List<SigningKey>();
        for (int i = 0; i < 4; i++) payers.Add(await town.NewEarnerAsync(20));
        var observer = new OrderObserver(() => town.Sequencer.Height);
        town.Observer = observer;
        await town.RestartAsync();
        var envelopes = Enumerable.Range(0, 400).Select(i => Town.Sign(new Pay(shop.PublicKey, new Amount(1), null) { Header = town.Header(payers[i % 4]) }, payers[i % 4])).ToList();

        var results = await Task.WhenAll(town.Sequencer.SubmitMany(envelopes));

        Assert.All(results, r => Assert.True(r.Applied));
        Assert.Equal(results.Select(r => r.Height).Order(), results.Select(r => r.Height));
        Assert.Null(observer.Problem);
        Assert.True(observer.Overlapped > 0, "no batch was decided while another was being stored");
        var loaded = await ChainLoader.LoadAsync(town.Store, ManagedSchnorrVerifier.Instance);
        Assert.True(loaded.Intact);
        Assert.Equal(town.Sequencer.Height, loaded.StoredEntries);
        Assert.Equal(observer.CommittedUpTo, loaded.StoredEntries);
        foreach (var r in results) Assert.Equal(r.EntryHash, Hash32.FromHex((await town.Store.ReadEntryAsync(r.Height))!.Hash));
    }

    /// <summary>Checks what the sequencer tells an observer: batches committed in the order decided, each after it was stored.</summary>
    private sealed class OrderObserver(Func<long> storedHeight) : IChainObserver
    {
        private readonly Queue<(long First, long End)> _decided = new();

        public long CommittedUpTo { get; private set; } = -1;

        public int Overlapped { get; private set; }

        public string? Problem { get; private set; }

        public void LoadStarted() => _decided.Clear();

        public void EntryVerified(Entry entry)
        {
        }

        public void LoadFinished(LoadedChain loaded) => CommittedUpTo = loaded.StoredEntries;

        public object? Decided(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, LedgerState state)
        {
            if (_decided.Count > 0) Overlapped++;
            var range = entries.Count == 0 ? (state.NextHeight, state.NextHeight) : (entries[0].Entry.Height, entries[^1].Entry.Height + 1);
            if (range.Item2 != state.NextHeight) Problem ??= $"decided up to {range.Item2}, state at {state.NextHeight}";
            _decided.Enqueue(range);
            return range;
        }

        public void Committed(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, object? decided)
        {
            var expected = _decided.Count > 0 ? _decided.Dequeue() : default;
            if (decided is not ValueTuple<long, long> boxed || boxed != expected) Problem ??= $"committed {decided}, expected {expected}";
            else if (expected is var range && entries.Count > 0 && range.First != CommittedUpTo) Problem ??= $"committed from {range.First}, but {CommittedUpTo} were committed";
            else if (storedHeight() < expected.End) Problem ??= $"committed up to {expected.End} before the sequencer counted it stored ({storedHeight()})";
            else CommittedUpTo = expected.End;
        }
    }

    [Fact]
    public async Task a_batch_holding_a_command_the_server_cannot_sign_for_still_answers_every_caller()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests), new SequencerOptions { BatchWait = TimeSpan.FromMilliseconds(200) }, establish: false);
        var strangerOperator = SigningKey.Generate();
        var wrong = town.SubmitAsync(new EstablishChain(strangerOperator.PublicKey, Amount.FromEuros(10)) { Header = town.Header(town.Issuer) }, town.Issuer);
        var right = town.SubmitAsync(new EstablishChain(town.Operator.PublicKey, Amount.FromEuros(10)) { Header = town.Header(town.Issuer) }, town.Issuer);
        var resident = SigningKey.Generate();
        var open = town.SubmitAsync(new OpenAccount { Header = town.Header(resident) }, resident);

        var error = await Assert.ThrowsAsync<StorageException>(() => wrong.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StorageErrorCode.Unexpected, error.Code);
        Assert.Equal(0, Town.Ok(await right.WaitAsync(TimeSpan.FromSeconds(10))).Height);
        Assert.Equal(1, Town.Ok(await open.WaitAsync(TimeSpan.FromSeconds(10))).Height);
    }

    [Fact]
    public async Task a_second_server_on_the_same_chain_is_refused_at_start_while_the_first_one_writes()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            Sequencer.StartAsync(town.Store, town.Operator, ManagedSchnorrVerifier.Instance, town.Options with { WriterLockWait = TimeSpan.FromMilliseconds(300) }));

        Assert.Equal(StorageErrorCode.ConcurrentWriter, error.Code);
        Assert.Contains("another server is writing", error.Detail);
        await town.Sequencer.DisposeAsync();
        // Once the first one stops, the lock is free and the next server takes over the same chain.
        await using var next = await Sequencer.StartAsync(town.Store, town.Operator, ManagedSchnorrVerifier.Instance, town.Options);
        Assert.True(next.LastLoad.Intact);
    }

    [Fact]
    public async Task a_writer_whose_lock_session_was_killed_takes_the_lock_again_and_keeps_others_out()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        await using (var connection = new Npgsql.NpgsqlConnection(town.ConnectionString))
        {
            await connection.OpenAsync();
            await using var kill = new Npgsql.NpgsqlCommand(
                "select count(pg_terminate_backend(pid)) from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())", connection);
            Assert.Equal(1L, (long)(await kill.ExecuteScalarAsync())!);
        }
        await Task.Delay(1_200); // the writer checks its lock at most once a second

        var resident = await town.NewResidentAsync(); // the writer notices, takes the lock again, and writes

        var error = await Assert.ThrowsAsync<StorageException>(() =>
            Sequencer.StartAsync(town.Store, town.Operator, ManagedSchnorrVerifier.Instance, town.Options with { WriterLockWait = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal(StorageErrorCode.ConcurrentWriter, error.Code);
        var report = await town.VerifyStoredAsync();
        Assert.True(report.Ok, report.ToString());
        Assert.NotNull(report.State.Accounts.GetValueOrDefault(resident.PublicKey));
    }

    [Fact]
    public async Task the_projection_rebuilder_refuses_while_a_writer_or_a_read_model_daemon_runs()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var whileWriting = await Assert.ThrowsAsync<StorageException>(() => Heerlen.Munt.Storage.Projections.ProjectionRebuilder.RebuildAsync(town.Documents, Town.ChainId, "balances"));
        Assert.Contains("writing the chain", whileWriting.Detail);

        await town.Sequencer.DisposeAsync();
        await using (var daemon = await Heerlen.Munt.Storage.Projections.ReadModelDaemon.StartAsync(town.Documents))
        {
            var whileFolding = await Assert.ThrowsAsync<StorageException>(() => Heerlen.Munt.Storage.Projections.ProjectionRebuilder.RebuildAsync(town.Documents, Town.ChainId, "statistics"));
            Assert.Contains("read models", whileFolding.Detail);
        }
        Assert.Equal(town.Sequencer.Height, await Heerlen.Munt.Storage.Projections.ProjectionRebuilder.RebuildAsync(town.Documents, Town.ChainId, "statistics"));
    }

    [Fact]
    public async Task a_database_that_holds_another_chain_is_refused_at_start()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests));
        var other = new ChainStore(town.Documents, "heerlen-munt/other");

        var error = await Assert.ThrowsAsync<StorageException>(() => Sequencer.StartAsync(other, town.Operator, ManagedSchnorrVerifier.Instance));

        Assert.Contains(Town.ChainId, error.Detail);
    }

    [Fact]
    public async Task stopping_answers_every_queued_command_and_seals_the_last_block()
    {
        await using var town = await Town.StartAsync(postgres, nameof(SequencerTests), new SequencerOptions { Blocks = new BlockPolicy(1000, 3_600_000) });
        var residents = Enumerable.Range(0, 50).Select(_ => SigningKey.Generate()).ToList();
        var pending = residents.Select(r => town.SubmitAsync(new OpenAccount { Header = town.Header(r) }, r)).ToList();

        await town.Sequencer.DisposeAsync();

        foreach (var p in pending)
        {
            Assert.True(p.IsCompleted);
            try
            {
                Town.Ok(await p);
            }
            catch (StorageException e)
            {
                Assert.Equal(StorageErrorCode.ShuttingDown, e.Code);
            }
        }
        var report = await town.VerifyStoredAsync();
        Assert.True(report.Ok, report.ToString());
        Assert.Equal(report.EntriesVerified, (await town.Store.ReadBlocksAsync()).Select(b => b.Block.TreeSize).Last());
        await town.StartSequencerAsync(); // for DisposeAsync of the town
    }

    private static Heerlen.Munt.Ledger.Accounts.AccountId FindPayer(List<SigningKey> payers, List<(CommandId Id, SubmitResult Result)>[] results, CommandId id)
    {
        for (int p = 0; p < payers.Count; p++)
            if (results[p].Any(x => x.Id == id)) return payers[p].PublicKey;
        throw new InvalidOperationException("unknown command");
    }

    private static async Task<LedgerState> Reload(Town town) => (await ChainLoader.LoadAsync(town.Store, ManagedSchnorrVerifier.Instance)).Report.State;
}
