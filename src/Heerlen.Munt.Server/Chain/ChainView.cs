using System.Collections.Concurrent;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Storage.Chain;

namespace Heerlen.Munt.Server.Chain;

/// <summary>What the API needs to know about an account, copied out of the ledger state (safe to read from any thread).</summary>
/// <param name="Id">The account id.</param>
/// <param name="CurrentKey">The key that signs for it now.</param>
/// <param name="Roles">Its roles.</param>
/// <param name="Frozen">True while frozen.</param>
/// <param name="MerchantSuspended">True while a suspended shop.</param>
/// <param name="Limit">The daily spending limit and the last day's spending; null (one reference, no copy) for the many without one.</param>
public sealed record AccountSnapshot(AccountId Id, AccountId CurrentKey, Roles Roles, bool Frozen, bool MerchantSuspended, LimitSnapshot? Limit = null);

/// <summary>An account's daily spending limit, copied out of the ledger state.</summary>
/// <param name="Limit">The limit, the UTC day of the last payment, and what was paid that day.</param>
public sealed record LimitSnapshot(SpendingLimit Limit)
{
    /// <summary>What is left to pay on the UTC day of <paramref name="nowMs"/> (never below zero).</summary>
    public long LeftCents(long nowMs) => Math.Max(0, Limit.Daily.Cents - SpentCents(nowMs));

    /// <summary>What was paid on the UTC day of <paramref name="nowMs"/>.</summary>
    public long SpentCents(long nowMs) => Limit.SpentOn(SpendingLimit.DayOf(nowMs)).Cents;
}

/// <summary>A shop's redemption, copied out of the ledger state.</summary>
/// <param name="Id">The Redeem command's id.</param>
/// <param name="AmountCents">HM handed in.</param>
/// <param name="BankReference">The bank transfer that paid it, once settled.</param>
public sealed record RedemptionSnapshot(CommandId Id, long AmountCents, string? BankReference);

/// <summary>A payment that answered a payment request.</summary>
/// <param name="Height">The entry's height.</param>
/// <param name="Payer">Who paid.</param>
/// <param name="Merchant">The shop paid.</param>
/// <param name="AmountCents">How much.</param>
/// <param name="Command">The Pay command's id (a refund names it).</param>
public sealed record RequestPayment(long Height, AccountId Payer, AccountId Merchant, long AmountCents, CommandId Command);

/// <summary>
/// The server's in-memory view of the stored chain, kept exactly in step by the sequencer (as its
/// <see cref="IChainObserver"/>): the Merkle tree for proofs, the checkpoints, the accounts (for sessions and roles),
/// the shops' redemptions, payments answering payment requests, and a signal for streams waiting for new entries.
/// Written only on the sequencer's writer thread; read from any thread.
/// </summary>
public sealed partial class ChainView : IChainObserver
{
    private readonly object _gate = new();
    private MerkleTree _tree = new();
    private MerkleTree? _loading;
    private List<Block> _blocks = [];
    // Replaced whole after a (re)load, so readers never see them half filled.
    private volatile ConcurrentDictionary<AccountId, AccountSnapshot> _accounts = new();
    private volatile ConcurrentDictionary<AccountId, IReadOnlyList<RedemptionSnapshot>> _redemptions = new();
    private volatile ConcurrentDictionary<PaymentRequestId, IReadOnlyList<RequestPayment>> _requestPayments = new();
    private ConcurrentDictionary<PaymentRequestId, IReadOnlyList<RequestPayment>>? _loadingPayments;
    private TaskCompletionSource _changed = NewSignal();
    private long _height;

    /// <summary>The chain id.</summary>
    public string ChainId { get; private set; } = "";

    /// <summary>True once the chain is established.</summary>
    public bool Established { get; private set; }

    /// <summary>The issuer's account.</summary>
    public AccountId Issuer { get; private set; }

    /// <summary>The operator's checkpoint key.</summary>
    public AccountId OperatorKey { get; private set; }

    /// <summary>Mints above this need a cosigner.</summary>
    public long MintCosignThresholdCents { get; private set; }

    /// <summary>Entries stored (and in the Merkle tree).</summary>
    public long Height => Interlocked.Read(ref _height);

    /// <summary>The latest checkpoint, or null before the first block.</summary>
    public Block? LatestBlock
    {
        get
        {
            lock (_gate) return _blocks.Count == 0 ? null : _blocks[^1];
        }
    }

    /// <summary>How many checkpoints are sealed.</summary>
    public long BlockCount
    {
        get
        {
            lock (_gate) return _blocks.Count;
        }
    }

    /// <summary>Up to <paramref name="max"/> checkpoints from number <paramref name="from"/>, in order.</summary>
    public IReadOnlyList<Block> BlocksFrom(long from, int max)
    {
        lock (_gate)
        {
            if (from < 0 || from >= _blocks.Count) return [];
            return _blocks.GetRange((int)from, (int)Math.Min(max, _blocks.Count - from));
        }
    }

    /// <summary>The checkpoint with this tree size, or null.</summary>
    public Block? BlockWithTreeSize(long treeSize)
    {
        lock (_gate)
        {
            int lo = 0, hi = _blocks.Count - 1;
            while (lo <= hi)
            {
                int mid = (lo + hi) / 2;
                long size = _blocks[mid].TreeSize;
                if (size == treeSize) return _blocks[mid];
                if (size < treeSize) lo = mid + 1;
                else hi = mid - 1;
            }
            return null;
        }
    }

    /// <summary>The Merkle tree of the stored entries.</summary>
    public MerkleTree Tree
    {
        get
        {
            lock (_gate) return _tree;
        }
    }

    /// <summary>An account, or null.</summary>
    public AccountSnapshot? Account(AccountId id) => _accounts.TryGetValue(id, out var a) ? a : null;

    /// <summary>Every account with a role among <paramref name="roles"/>.</summary>
    public IReadOnlyList<AccountSnapshot> AccountsWith(Roles roles) => _accounts.Values.Where(a => (a.Roles & roles) != 0).ToList();

    /// <summary>A shop's redemptions, oldest first.</summary>
    public IReadOnlyList<RedemptionSnapshot> RedemptionsOf(AccountId merchant) => _redemptions.TryGetValue(merchant, out var r) ? r : [];

    /// <summary>At most this many payments naming one request are remembered (anyone can name any request).</summary>
    public const int PaymentsPerRequestMax = 16;

    /// <summary>The payments that named a payment request, oldest first (anyone may name any request: check shop and amount).</summary>
    public IReadOnlyList<RequestPayment> PaymentsFor(PaymentRequestId request) => _requestPayments.TryGetValue(request, out var p) ? p : [];

    /// <summary>True if keeping this view in step failed (a bug): its answers may be stale, and health says so.</summary>
    public bool Faulted { get; private set; }

    /// <summary>Completes when the next entry or block is stored (or the chain is reloaded).</summary>
    public Task Changed
    {
        get
        {
            lock (_gate) return _changed.Task;
        }
    }

    /// <inheritdoc />
    public void LoadStarted()
    {
        lock (_gate)
        {
            _loading = new MerkleTree();
            _loadingPayments = new();
        }
    }

    /// <inheritdoc />
    public void EntryVerified(Entry entry) => Guard(() =>
    {
        _loading?.Append(entry.Hash);
        if (_loadingPayments is { } payments) NotePayment(entry, payments);
    });

    /// <inheritdoc />
    public void LoadFinished(LoadedChain loaded) => Guard(() =>
    {
        var state = loaded.Replay.State;
        var accounts = new ConcurrentDictionary<AccountId, AccountSnapshot>();
        foreach (var (id, account) in state.Accounts) accounts[id] = Snapshot(id, account, state);
        var redemptions = new ConcurrentDictionary<AccountId, IReadOnlyList<RedemptionSnapshot>>();
        foreach (var group in state.RedemptionsById.GroupBy(r => r.Key.Merchant))
            redemptions[group.Key] = group.Select(r => new RedemptionSnapshot(r.Key.Id, r.Value.Amount.Cents, r.Value.BankReference)).ToList();
        CopyChainFacts(state);
        var book = BookOf(state);
        var campaigns = new ConcurrentDictionary<CampaignId, CampaignSnapshot>();
        foreach (var (id, campaign) in state.Campaigns) campaigns[id] = CampaignSnapshot.Of(campaign);
        lock (_gate)
        {
            _decidedBook = _book = book;
            _accounts = accounts;
            _redemptions = redemptions;
            _campaigns = campaigns;
            _requestPayments = _loadingPayments ?? new();
            _loadingPayments = null;
            _tree = _loading ?? new MerkleTree();
            _loading = null;
            _blocks = loaded.VerifiedBlocks.Where(b => b.TreeSize <= _tree.Size).ToList();
            Interlocked.Exchange(ref _height, _tree.Size);
            Signal();
        }
    });

    /// <summary>What <see cref="Decided"/> copied out of the state for one batch, published by <see cref="Committed"/>.</summary>
    private sealed record BatchCopy(
        IReadOnlyList<AccountSnapshot> Accounts,
        IReadOnlyList<(AccountId Merchant, IReadOnlyList<RedemptionSnapshot> Redemptions)> Redemptions,
        ChainFacts? Chain,
        MerchantBook Book,
        IReadOnlyList<CampaignSnapshot> Campaigns);

    private sealed record ChainFacts(string ChainId, bool Established, AccountId Issuer, AccountId OperatorKey, long MintCosignThresholdCents);

    /// <inheritdoc />
    public object? Decided(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, LedgerState state)
    {
        try
        {
            var touched = new HashSet<AccountId>();
            var merchantsRedeeming = new HashSet<AccountId>();
            var campaigns = new HashSet<CampaignId>();
            ChainFacts? chain = null;
            foreach (var recorded in entries)
            {
                var decoded = SignedCommand.Decode(recorded.Entry.Envelope, null).Command?.Command;
                if (decoded is null) continue;
                touched.Add(decoded.Header.Actor);
                switch (decoded)
                {
                    case GrantRole g: touched.Add(g.Account); break;
                    case RevokeRole r: touched.Add(r.Account); break;
                    case AdmitMerchant a: touched.Add(a.Merchant); break;
                    case SuspendMerchant s: touched.Add(s.Merchant); break;
                    case RotateKey k: touched.Add(k.Account); break;
                    case FreezeAccount f: touched.Add(f.Account); break;
                    case SetSpendingLimit l: touched.Add(l.Account); break;
                    case Redeem: merchantsRedeeming.Add(decoded.Header.Actor); break;
                    case SettleRedemption settle: merchantsRedeeming.Add(settle.Merchant); break;
                    case OpenCampaign c: campaigns.Add(c.Campaign); break;
                    case FundCampaign c: campaigns.Add(c.Campaign); break;
                    case RedeemReward c: campaigns.Add(c.Campaign); break;
                    case CloseCampaign c: campaigns.Add(c.Campaign); break;
                    case EstablishChain: chain = new ChainFacts(state.ChainId, state.IsEstablished, state.Issuer, state.OperatorKey, state.MintCosignThreshold.Cents); break;
                }
            }
            var accounts = new List<AccountSnapshot>(touched.Count);
            foreach (var id in touched)
                if (state.Accounts.TryGetValue(id, out var account)) accounts.Add(Snapshot(id, account, state));
            var redemptions = merchantsRedeeming.Select(merchant => (merchant, (IReadOnlyList<RedemptionSnapshot>)state.RedemptionsById
                .Where(r => r.Key.Merchant == merchant)
                .Select(r => new RedemptionSnapshot(r.Key.Id, r.Value.Amount.Cents, r.Value.BankReference)).ToList())).ToList();
            var campaignCopies = campaigns.Where(state.Campaigns.ContainsKey).Select(id => CampaignSnapshot.Of(state.Campaigns[id])).ToList();
            return new BatchCopy(accounts, redemptions, chain, NextBook(entries, state, touched, merchantsRedeeming), campaignCopies);
        }
        catch (Exception)
        {
            Faulted = true;
            return null;
        }
    }

    /// <inheritdoc />
    public void Committed(IReadOnlyList<RecordedEntry> entries, IReadOnlyList<Block> blocks, object? decided) => Guard(() =>
    {
        foreach (var recorded in entries) NotePayment(recorded.Entry, _requestPayments);
        if (decided is BatchCopy copy)
        {
            if (copy.Chain is { } chain)
            {
                ChainId = chain.ChainId;
                Established = chain.Established;
                Issuer = chain.Issuer;
                OperatorKey = chain.OperatorKey;
                MintCosignThresholdCents = chain.MintCosignThresholdCents;
            }
            foreach (var account in copy.Accounts) _accounts[account.Id] = account;
            foreach (var (merchant, list) in copy.Redemptions) _redemptions[merchant] = list;
            foreach (var campaign in copy.Campaigns) _campaigns[campaign.Id] = campaign;
            _book = copy.Book;
        }
        else if (entries.Count > 0)
        {
            Faulted = true; // nothing was copied for this batch: the view is stale until the next load
        }
        lock (_gate)
        {
            foreach (var recorded in entries) _tree.Append(recorded.Entry.Hash);
            _blocks.AddRange(blocks);
            Interlocked.Exchange(ref _height, _tree.Size);
            Signal();
        }
    });

    private static void NotePayment(Entry entry, ConcurrentDictionary<PaymentRequestId, IReadOnlyList<RequestPayment>> payments)
    {
        if (entry.Outcome != RejectionCode.None) return;
        if (SignedCommand.Decode(entry.Envelope, null).Command?.Command is not Pay { Request: { } request } pay) return;
        var payment = new RequestPayment(entry.Height, pay.Header.Actor, pay.Merchant, pay.Amount.Cents, pay.Header.Id);
        payments.AddOrUpdate(request, [payment], (_, list) => list.Count >= PaymentsPerRequestMax ? list : [.. list, payment]);
    }

    /// <summary>
    /// The sequencer calls this view after storing a batch and before answering its callers: a bug here must not stop
    /// the writer. It is logged by health (<see cref="Faulted"/>), and the view is rebuilt on the next reload.
    /// </summary>
    private void Guard(Action update)
    {
        try
        {
            update();
        }
        catch (Exception)
        {
            Faulted = true;
        }
    }

    private void CopyChainFacts(LedgerState state)
    {
        ChainId = state.ChainId;
        Established = state.IsEstablished;
        Issuer = state.Issuer;
        OperatorKey = state.OperatorKey;
        MintCosignThresholdCents = state.MintCosignThreshold.Cents;
    }

    // A payer is always touched (the actor), so what it spent today is copied with every payment.
    private static AccountSnapshot Snapshot(AccountId id, AccountState a, LedgerState state) =>
        new(id, a.CurrentKey, a.Roles, a.Frozen, a.MerchantSuspended, state.SpendingLimits.TryGetValue(id, out var limit) ? new LimitSnapshot(limit) : null);

    private void Signal()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
