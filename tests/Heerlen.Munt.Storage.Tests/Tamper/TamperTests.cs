using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Projections;
using Heerlen.Munt.Storage.Tests.Support;
using Npgsql;
using Xunit;

namespace Heerlen.Munt.Storage.Tests.Tamper;

/// <summary>
/// Someone with access to the database changes the stored chain behind the server's back; on the next start the
/// loader must find where, by which rule, refuse writes, and keep serving reads.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TamperTests(PostgresFixture postgres)
{
    private const string Events = "heerlen_munt.mt_events";
    private static readonly string EntryStream = ChainStreams.Entries(Town.ChainId);
    private static readonly string BlockStream = ChainStreams.Blocks(Town.ChainId);

    [Fact]
    public async Task an_untouched_chain_loads_intact_and_takes_writes()
    {
        await using var t = await StoppedTownAsync();
        await t.Town.StartSequencerAsync();

        var load = t.Town.Sequencer.LastLoad;
        Assert.True(load.Intact, load.ToString());
        Assert.Null(t.Town.Sequencer.Broken);
        Assert.Equal(t.Entries.Count, load.EntriesVerified);
        Assert.Equal(t.Blocks.Count, load.BlocksVerified);
        Assert.Equal(t.Entries.Count, load.StoredEntries);
        await t.Town.NewResidentAsync();
    }

    [Fact]
    public async Task an_entry_with_a_changed_byte_is_found_at_its_height_by_its_own_hash()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[3];
        byte[] bytes = t.Entries[(int)h].Entry.ToArray();
        bytes[bytes.Length / 2] ^= 0x01; // inside the signed command
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(data, '{{entry}}', to_jsonb(@entry::text)) WHERE stream_id = @stream AND version = @version",
            ("entry", Convert.ToBase64String(bytes)), ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h, "entry_format", intactEntries: h);
    }

    [Fact]
    public async Task an_entry_overwritten_with_another_rows_data_is_found_at_its_height()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[2];
        // A copy of the next row: a valid entry with its own hash, facts and hash column, in the wrong place.
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = (SELECT data FROM {Events} WHERE stream_id = @stream AND version = @version + 1) WHERE stream_id = @stream AND version = @version",
            ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h, "height_sequence", intactEntries: h);
    }

    [Fact]
    public async Task an_applied_payment_rewritten_as_rejected_with_a_fresh_hash_is_caught_by_replaying_the_rules()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[1];
        var original = Decode(t.Entries[(int)h].Entry);
        var forged = Entry.Create(h, original.PreviousHash, original.TimestampMs, RejectionCode.InsufficientFunds, original.Envelope);
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(jsonb_set(data, '{{entry}}', to_jsonb(@entry::text)), '{{hash}}', to_jsonb(@hash::text)) WHERE stream_id = @stream AND version = @version",
            ("entry", Convert.ToBase64String(forged.Encode())), ("hash", forged.Hash.ToHex()), ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h, "rule_replay", intactEntries: h);
    }

    [Fact]
    public async Task an_entry_rewritten_with_its_hash_and_facts_still_breaks_the_link_to_the_next_entry()
    {
        await using var t = await StoppedTownAsync();
        // A payment that is not the last entry of a block (else the block's Merkle root catches it first) and can be
        // dated a millisecond earlier without going before the entry or block ahead of it.
        long h = t.PayHeights.First(p =>
        {
            long ts = Decode(t.Entries[(int)p].Entry).TimestampMs - 1;
            return p + 1 < t.Entries.Count
                && ts >= Decode(t.Entries[(int)p - 1].Entry).TimestampMs
                && t.Blocks.All(b => b.TreeSize != p + 1 && (b.TreeSize > p || DecodeBlock(b).SealedAtMs <= ts));
        });
        var original = Decode(t.Entries[(int)h].Entry);
        var forged = Entry.Create(h, original.PreviousHash, original.TimestampMs - 1, original.Outcome, original.Envelope);
        Assert.Equal(1, await SqlAsync(t,
            $"UPDATE {Events} SET data = jsonb_set(jsonb_set(jsonb_set(data, '{{entry}}', to_jsonb(@entry::text)), '{{hash}}', to_jsonb(@hash::text)), '{{facts,timestampMs}}', to_jsonb(@ts::bigint)) WHERE stream_id = @stream AND version = @version",
            ("entry", Convert.ToBase64String(forged.Encode())), ("hash", forged.Hash.ToHex()), ("ts", forged.TimestampMs), ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h + 1, "hash_link", intactEntries: h);
    }

    [Fact]
    public async Task changed_facts_beside_an_intact_entry_are_found_at_that_height()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[4];
        Assert.Equal("200", await ScalarAsync(t, $"SELECT data #>> '{{facts,movements,0,cents}}' FROM {Events} WHERE stream_id = @stream AND version = @version", ("stream", EntryStream), ("version", h + 1)));
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(data, '{{facts,movements,0,cents}}', '20000') WHERE stream_id = @stream AND version = @version",
            ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h, "stored_facts", intactEntries: t.Entries.Count);
    }

    [Fact]
    public async Task a_deleted_entry_is_found_at_its_height()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[2];
        Assert.Equal(1, await SqlAsync(t, $"DELETE FROM {Events} WHERE stream_id = @stream AND version = @version", ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, h, "height_sequence", intactEntries: h);
        Assert.Equal(t.Entries.Count, t.Town.Sequencer.LastLoad.StoredEntries); // the last stored version still counts
    }

    [Fact]
    public async Task an_entry_deleted_at_the_end_of_a_loader_page_is_found_and_what_follows_is_still_read()
    {
        await using var t = await StoppedTownAsync();
        const int page = 8;
        long h = 2 * page - 1; // the last entry of the second page
        Assert.Equal(1, await SqlAsync(t, $"DELETE FROM {Events} WHERE stream_id = @stream AND version = @version", ("stream", EntryStream), ("version", h + 1)));

        var load = await ChainLoader.LoadAsync(t.Town.Store, ManagedSchnorrVerifier.Instance, pageSize: page);
        var read = new List<EntryRecorded>();
        await foreach (var (_, e) in t.Town.Store.ReadEntriesAsync(0, pageSize: page)) read.Add(e);

        Assert.False(load.Intact);
        Assert.Equal(h, load.Report.FailedAtHeight);
        Assert.Equal("height_sequence", load.Report.Rule);
        Assert.Equal(t.Entries.Count, load.StoredEntries);
        Assert.Equal(t.Entries.Where(e => e.Height != h).Select(e => e.Hash), read.Select(e => e.Hash));
    }

    [Fact]
    public async Task two_entries_with_swapped_versions_are_found_at_the_first_of_them()
    {
        await using var t = await StoppedTownAsync();
        long a = t.PayHeights[1], b = t.PayHeights[1] + 3;
        // Three steps: (stream_id, version) is unique and checked row by row.
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET version = -1 WHERE stream_id = @stream AND version = @a", ("stream", EntryStream), ("a", a + 1)));
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET version = @a WHERE stream_id = @stream AND version = @b", ("stream", EntryStream), ("a", a + 1), ("b", b + 1)));
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET version = @b WHERE stream_id = @stream AND version = -1", ("stream", EntryStream), ("b", b + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, a, "height_sequence", intactEntries: a);
    }

    [Fact]
    public async Task a_deleted_block_is_found_where_the_block_after_it_ends()
    {
        await using var t = await StoppedTownAsync();
        Assert.True(t.Blocks.Count >= 4, $"{t.Blocks.Count} blocks");
        Assert.Equal(1, await SqlAsync(t, $"DELETE FROM {Events} WHERE stream_id = @stream AND version = @version", ("stream", BlockStream), ("version", 1 + 1)));

        await t.Town.StartSequencerAsync();

        // Block 2 now comes where block 1 was expected: found when the chain reaches block 2's end.
        await AssertBrokenAsync(t, t.Blocks[2].TreeSize - 1, "block", intactEntries: t.Entries.Count);
    }

    [Fact]
    public async Task a_block_with_a_changed_byte_is_found_where_it_begins()
    {
        await using var t = await StoppedTownAsync();
        const int number = 2;
        byte[] bytes = t.Blocks[number].Block.ToArray();
        bytes[1 + 8 + 8 + 8 + 5] ^= 0x80; // inside the Merkle root
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(data, '{{block}}', to_jsonb(@block::text)) WHERE stream_id = @stream AND version = @version",
            ("block", Convert.ToBase64String(bytes)), ("stream", BlockStream), ("version", number + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, DecodeBlock(t.Blocks[number]).FirstHeight, "block", intactEntries: t.Entries.Count);
        Assert.Contains("hash column", t.Town.Sequencer.Broken!.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_block_with_a_changed_seal_is_found_where_it_ends()
    {
        await using var t = await StoppedTownAsync();
        const int number = 1;
        byte[] bytes = t.Blocks[number].Block.ToArray();
        bytes[^10] ^= 0x01; // inside the operator's signature, which the block hash does not cover
        Assert.Equal(t.Blocks[number].Hash, DecodeBlock(t.Blocks[number] with { Block = bytes }).Hash.ToHex());
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(data, '{{block}}', to_jsonb(@block::text)) WHERE stream_id = @stream AND version = @version",
            ("block", Convert.ToBase64String(bytes)), ("stream", BlockStream), ("version", number + 1)));

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, t.Blocks[number].TreeSize - 1, "block", intactEntries: t.Entries.Count);
        Assert.Contains("seal", t.Town.Sequencer.Broken!.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_last_entries_and_their_block_removed_together_are_found_by_the_stream_record()
    {
        await using var t = await StoppedTownAsync();
        var last = DecodeBlock(t.Blocks[^1]);
        // Remove the last block and every entry it covers: what is left is a shorter chain that verifies on its own.
        Assert.Equal(1, await SqlAsync(t, $"DELETE FROM {Events} WHERE stream_id = @stream AND version = @version", ("stream", BlockStream), ("version", (long)t.Blocks.Count)));
        int removed = await SqlAsync(t, $"DELETE FROM {Events} WHERE stream_id = @stream AND version > @from", ("stream", EntryStream), ("from", last.FirstHeight));
        Assert.Equal(t.Entries.Count - last.FirstHeight, removed);

        await t.Town.StartSequencerAsync();

        await AssertBrokenAsync(t, last.FirstHeight, "stream_length", intactEntries: last.FirstHeight);
    }

    [Fact]
    public async Task a_row_whose_json_no_longer_reads_as_an_entry_leaves_the_server_read_only_instead_of_down()
    {
        await using var t = await StoppedTownAsync();
        long h = t.PayHeights[2];
        Assert.Equal(1, await SqlAsync(t, $"UPDATE {Events} SET data = jsonb_set(data, '{{height}}', to_jsonb('x'::text)) WHERE stream_id = @stream AND version = @version",
            ("stream", EntryStream), ("version", h + 1)));

        await t.Town.StartSequencerAsync();

        var broken = t.Town.Sequencer.Broken;
        Assert.NotNull(broken);
        Assert.True(broken.FailedAtHeight == h && broken.Rule == "entry_format", broken.ToString());
        Assert.Equal(h, t.Town.Sequencer.Height);
        var newcomer = SigningKey.Generate();
        var error = await Assert.ThrowsAsync<StorageException>(() => t.Town.SubmitAsync(new OpenAccount { Header = t.Town.Header(newcomer) }, newcomer));
        Assert.Equal(StorageErrorCode.ChainBroken, error.Code);
    }

    /// <summary>The chain is broken where and how expected, refuses writes, writes nothing, and still serves reads.</summary>
    private static async Task AssertBrokenAsync(Stopped t, long height, string rule, long intactEntries)
    {
        var sequencer = t.Town.Sequencer;
        Assert.False(sequencer.LastLoad.Intact);
        var broken = sequencer.Broken;
        Assert.NotNull(broken);
        Assert.True(height == broken.FailedAtHeight && rule == broken.Rule, $"expected {rule} at height {height}, got {broken}");
        Assert.Equal(broken, sequencer.LastLoad);
        Assert.Equal(broken.FailedAtHeight, sequencer.Height); // nothing at or above the break counts as the chain

        var newcomer = SigningKey.Generate();
        var error = await Assert.ThrowsAsync<StorageException>(() => t.Town.SubmitAsync(new OpenAccount { Header = t.Town.Header(newcomer) }, newcomer));
        Assert.Equal(StorageErrorCode.ChainBroken, error.Code);
        var payment = await Assert.ThrowsAsync<StorageException>(() => t.Town.SubmitAsync(new Pay(t.Shop.PublicKey, new Amount(1), null) { Header = t.Town.Header(t.Payer) }, t.Payer));
        Assert.Equal(StorageErrorCode.ChainBroken, payment.Code);

        // Reads: the read models as they were, and the intact part of the chain.
        await using (var session = t.Town.Documents.QuerySession())
        {
            var balance = await session.LoadAsync<Balance>(t.Shop.PublicKey.ToString());
            Assert.NotNull(balance);
            Assert.Equal(t.ShopCents, balance.Cents);
        }
        var read = new List<EntryRecorded>();
        await foreach (var (_, e) in t.Town.Store.ReadEntriesAsync()) read.Add(e);
        Assert.True(read.Count >= intactEntries);
        for (int i = 0; i < intactEntries; i++)
        {
            Assert.Equal(i, read[i].Height);
            Assert.Equal(t.Entries[i].Entry, read[i].Entry);
        }

        // Nothing was written on top of the broken chain (no entry, no block).
        await t.Town.Sequencer.DisposeAsync();
        Assert.Equal(t.Rows, long.Parse(await ScalarAsync(t, $"SELECT count(*) FROM {Events}"), System.Globalization.CultureInfo.InvariantCulture) + t.RowsRemoved);
        await t.Town.StartSequencerAsync();
    }

    /// <summary>A town with a few dozen entries and several blocks, its sequencer stopped, and what it stored.</summary>
    private async Task<Stopped> StoppedTownAsync()
    {
        var town = await Town.StartAsync(postgres, nameof(TamperTests));
        var shop = await town.NewMerchantAsync();
        var earners = new List<SigningKey>();
        for (int i = 0; i < 4; i++) earners.Add(await town.NewEarnerAsync(20));
        var pays = new List<long>();
        for (int i = 0; i < 8; i++)
        {
            var payer = earners[i % earners.Count];
            pays.Add(Town.Ok(await town.SubmitAsync(new Pay(shop.PublicKey, Amount.FromEuros(2), null) { Header = town.Header(payer) }, payer)).Height);
            await Task.Delay(3); // distinct timestamps, for the re-dated forgery
        }
        var refused = await town.SubmitAsync(new Pay(shop.PublicKey, Amount.FromEuros(500), null) { Header = town.Header(earners[0]) }, earners[0]);
        Assert.Equal(RejectionCode.InsufficientFunds, refused.Code);
        await town.Sequencer.DisposeAsync(); // seals the rest: every entry is in a block

        var entries = new List<EntryRecorded>();
        await foreach (var (version, e) in town.Store.ReadEntriesAsync())
        {
            Assert.Equal(e.Height + 1, version);
            entries.Add(e);
        }
        var blocks = (await town.Store.ReadBlocksAsync()).Select(b => b.Block).ToList();
        var t = new Stopped(town, shop, earners[1], pays, entries, blocks, 16 * 100, entries.Count + blocks.Count);
        Assert.True(entries.Count >= 36, $"{entries.Count} entries");
        Assert.Equal(entries.Count, blocks[^1].TreeSize);
        Assert.Equal(t.Rows, long.Parse(await ScalarAsync(t, $"SELECT count(*) FROM {Events}"), System.Globalization.CultureInfo.InvariantCulture));
        return t;
    }

    private sealed record Stopped(Town Town, SigningKey Shop, SigningKey Payer, List<long> PayHeights, List<EntryRecorded> Entries, List<BlockSealed> Blocks, long ShopCents, long Rows) : IAsyncDisposable
    {
        /// <summary>Rows a test deleted on purpose.</summary>
        public long RowsRemoved { get; set; }

        public ValueTask DisposeAsync() => Town.DisposeAsync();
    }

    private static Entry Decode(byte[] bytes) => Entry.TryDecode(bytes, out var entry, out string problem) ? entry! : throw new InvalidOperationException(problem);

    private static Block DecodeBlock(BlockSealed stored) => Block.TryDecode(stored.Block, out var block, out string problem) ? block! : throw new InvalidOperationException(problem);

    private static async Task<int> SqlAsync(Stopped t, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(t.Town.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        int rows = await command.ExecuteNonQueryAsync();
        if (sql.StartsWith("DELETE", StringComparison.Ordinal)) t.RowsRemoved += rows;
        return rows;
    }

    private static async Task<string> ScalarAsync(Stopped t, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(t.Town.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }
}
