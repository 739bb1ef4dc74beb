using System.Runtime.CompilerServices;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Tests.State;

public class When_the_state_keeps_records_compactly
{
    private static Hash32 SomeHash(byte seed) => new([.. Enumerable.Range(0, Hash32.Size).Select(i => unchecked((byte)(seed * 31 + i * 7)))]);

    [Fact]
    public void an_inline_hash_gives_back_exactly_the_bytes_it_was_given()
    {
        foreach (var hash in new[] { Hash32.Zero, SomeHash(1), SomeHash(200), new Hash32(Enumerable.Repeat((byte)0xff, Hash32.Size).ToArray()) })
            Assert.Equal(hash, new InlineHash32(hash).ToHash32());
    }

    [Fact]
    public void inline_hashes_are_equal_only_when_every_byte_is()
    {
        byte[] bytes = SomeHash(3).Span.ToArray();
        var hash = new InlineHash32(new Hash32(bytes));
        for (int i = 0; i < Hash32.Size; i++)
        {
            byte[] changed = (byte[])bytes.Clone();
            changed[i] ^= 1;
            Assert.NotEqual(hash, new InlineHash32(new Hash32(changed)));
        }
        Assert.Equal(hash, new InlineHash32(new Hash32(bytes)));
    }

    [Theory]
    [InlineData(0L, RejectionCode.None)]
    [InlineData(1L, RejectionCode.InsufficientFunds)]
    [InlineData(123_456_789L, RejectionCode.KeyInUse)]
    [InlineData((1L << 48) - 1, (RejectionCode)ushort.MaxValue)]
    public void a_stored_command_gives_back_its_digest_height_and_outcome(long height, RejectionCode outcome)
    {
        var stored = new StoredCommand(SomeHash(5), height, outcome);

        Assert.Equal(new CommandRecord(SomeHash(5), height, outcome), stored.ToRecord());
        Assert.True(stored.HasDigest(SomeHash(5)));
        Assert.False(stored.HasDigest(SomeHash(6)));
    }

    [Fact]
    public void a_height_beyond_48_bits_or_below_zero_is_a_broken_invariant()
    {
        Assert.Throws<InvariantViolationException>(() => new StoredCommand(SomeHash(1), 1L << 48, RejectionCode.None));
        Assert.Throws<InvariantViolationException>(() => new StoredCommand(SomeHash(1), -1, RejectionCode.None));
    }

    [Fact]
    public void a_command_key_gives_back_its_actor_and_id_and_tells_ids_apart_by_either_half()
    {
        var actor = SigningKey.Generate().PublicKey;
        var id = new CommandId(new UInt128(0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210));
        var key = new CommandKey(actor, id);

        Assert.Equal(actor, key.Actor);
        Assert.Equal(id, key.Id);
        Assert.Equal(key, new CommandKey(new AccountId(actor.Span), id));
        Assert.Equal(key.GetHashCode(), new CommandKey(new AccountId(actor.Span), id).GetHashCode());
        Assert.NotEqual(key, new CommandKey(actor, new CommandId(new UInt128(0x0123_4567_89ab_cdef, 0))));
        Assert.NotEqual(key, new CommandKey(actor, new CommandId(new UInt128(0, 0xfedc_ba98_7654_3210))));
        Assert.NotEqual(key, new CommandKey(SigningKey.Generate().PublicKey, id));
    }

    // The memory target (docs/performance.md, issue 6) counts on these sizes (64-bit): a remembered command is a 72-byte
    // dictionary entry (8 bytes of hash and link, a 24-byte key, a 40-byte record).
    [Fact]
    public void the_remembered_command_key_and_record_are_the_sizes_the_memory_budget_counts_on()
    {
        Assert.Equal(32, Unsafe.SizeOf<InlineHash32>());
        Assert.Equal(24, Unsafe.SizeOf<CommandKey>());
        Assert.Equal(40, Unsafe.SizeOf<StoredCommand>());
    }

    [Fact]
    public void an_enrolment_and_an_account_are_the_sizes_the_memory_budget_counts_on()
    {
        Assert.Equal(56, HeapSize(() => new Enrolment()));
        var id = SigningKey.Generate().PublicKey;
        Assert.Equal(88, HeapSize(() => new AccountState(id, Roles.Resident)));
    }

    // Only accounts with a limit carry one, as a value in a side dictionary: 24 bytes, no object of its own.
    [Fact]
    public void a_spending_limit_is_a_24_byte_value_and_an_account_did_not_grow_for_it()
    {
        Assert.Equal(24, Unsafe.SizeOf<SpendingLimit>());
        Assert.False(typeof(SpendingLimit).IsClass);
    }

    [Theory]
    [InlineData(0L, 0L)]
    [InlineData(86_399_999L, 0L)]
    [InlineData(86_400_000L, 1L)]
    [InlineData(-1L, -1L)]
    [InlineData(-86_400_000L, -1L)]
    [InlineData(-86_400_001L, -2L)]
    [InlineData(1_780_012_800_000L, 20_602L)]
    public void the_utc_day_of_a_timestamp_rounds_down_also_before_1970(long timestampMs, long day)
    {
        Assert.Equal(day, SpendingLimit.DayOf(timestampMs));
    }

    /// <summary>Bytes <paramref name="make"/> allocates on this thread (its second run: the first may allocate for the JIT).</summary>
    private static long HeapSize(Func<object> make)
    {
        GC.KeepAlive(make());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var made = make();
        long after = GC.GetAllocatedBytesForCurrentThread();
        GC.KeepAlive(made);
        return after - before;
    }
}
