using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Chain;

public class When_entries_accumulate
{
    [Fact]
    public void a_block_is_sealed_after_the_maximum_number_of_entries()
    {
        var c = new Community(policy: new BlockPolicy(EntriesMax: 3, IntervalMs: long.MaxValue));
        for (int i = 0; i < 4; i++) c.NewAccount();
        // 6 set-up entries + 4 accounts = 10 entries: blocks at 3, 6 and 9, one entry waits.
        Assert.Equal([3L, 6L, 9L], c.Engine.Blocks.Select(b => b.TreeSize));
        Assert.Null(c.Engine.Tick(c.NowMs));
    }

    [Fact]
    public void a_block_is_sealed_on_the_tick_after_the_interval_and_not_before()
    {
        var c = new Community(policy: new BlockPolicy(EntriesMax: 1000, IntervalMs: 5_000));
        Assert.Empty(c.Engine.Blocks);
        // The set-up entries were all made at NowMs; the interval counts from the oldest unsealed one.
        Assert.Null(c.Engine.Tick(c.NowMs + 4_999));
        var block = c.Engine.Tick(c.NowMs + 5_000);
        Assert.NotNull(block);
        Assert.Equal(c.Engine.Entries.Count, block.TreeSize);
        Assert.Null(c.Engine.Tick(c.NowMs + 60_000)); // nothing new to seal
        Assert.True(c.Verify().Ok);
    }

    [Fact]
    public void a_block_signed_by_another_key_than_the_operator_named_at_genesis_is_refused()
    {
        var c = new Community();
        var forger = SigningKey.Generate();
        var real = c.Engine.SealBlock(c.NowMs)!;
        var forged = Block.Seal(real.Number, real.FirstHeight, real.TreeSize, real.MerkleRoot, real.PreviousBlockHash, real.SealedAtMs, forger);
        var report = ChainVerifier.Verify(Community.ChainId, c.Engine.Entries.Select(e => e.Encode()), c.Engine.Blocks.SkipLast(1).Append(forged), ManagedSchnorrVerifier.Instance);
        Assert.False(report.Ok);
        Assert.Equal("block", report.Rule);
    }
}

public class When_the_state_is_corrupted_behind_the_rules_back
{
    [Fact]
    public void the_invariant_check_names_the_broken_sum()
    {
        var c = new Community();
        var resident = c.NewEarner(15);
        c.State.AccountsById[resident.PublicKey].Balance += Amount.FromEuros(1); // money from nowhere
        var e = Assert.Throws<InvariantViolationException>(c.State.CheckInvariants);
        Assert.Contains("held + reserves + campaigns == Supply", e.Message);
    }

    [Fact]
    public void a_negative_balance_is_caught()
    {
        var c = new Community();
        var resident = c.NewAccount();
        c.State.AccountsById[resident.PublicKey].Balance = new Amount(-1);
        Assert.Throws<InvariantViolationException>(c.State.CheckInvariants);
    }
}

public class When_the_operator_seals_blocks_out_of_time_order
{
    [Fact]
    public void entries_after_a_block_are_never_dated_before_its_seal()
    {
        var c = new Community();
        c.Engine.SealBlock(c.NowMs + 5_000);
        c.NewAccount(); // submitted at NowMs, earlier than the seal
        Assert.True(c.Engine.Entries[^1].TimestampMs >= c.Engine.Blocks[^1].SealedAtMs);
        var next = c.Engine.SealBlock(c.NowMs)!;
        Assert.True(next.SealedAtMs >= c.Engine.Blocks[^2].SealedAtMs);
        Assert.True(c.Verify().Ok);
    }

    [Fact]
    public void an_engine_whose_operator_key_is_not_the_chains_refuses_to_start_the_chain()
    {
        var c = new Community(established: false);
        var other = SigningKey.Generate();
        var establish = new Heerlen.Munt.Ledger.Commands.EstablishChain(other.PublicKey, Amount.FromEuros(100)) { Header = c.Header(c.Issuer) };
        Assert.Throws<InvalidOperationException>(() => c.Submit(establish, c.Issuer));
        Assert.False(c.State.IsEstablished);
    }
}
