using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger;

/// <summary>
/// A participation campaign as the ledger keeps it: its terms, the money in it, and which tokens were handed in and by
/// whom (how many times), so a token pays once and an account at most the cap. Never who got a token: the module that
/// issues tokens keeps that, and only it.
/// </summary>
public sealed class CampaignState
{
    internal CampaignState(OpenCampaign opened, AccountId module, string budget, string? area, string? name, RsaBlindPublicKey key, long openedAtMs)
    {
        Id = opened.Campaign;
        Module = module;
        Budget = budget;
        Reward = opened.Reward;
        OpensAtMs = opened.OpensAtMs;
        ClosesAtMs = opened.ClosesAtMs;
        Scope = opened.Scope;
        Area = area;
        PerPersonCap = opened.PerPersonCap;
        Sensitive = opened.Sensitive;
        Name = name;
        Key = key;
        OpenedAtMs = openedAtMs;
    }

    /// <summary>The campaign id.</summary>
    public CampaignId Id { get; }

    /// <summary>The module account that opened it and signs its tokens.</summary>
    public AccountId Module { get; }

    /// <summary>The budget line it is funded from and returns to.</summary>
    public string Budget { get; }

    /// <summary>Paid per token.</summary>
    public Amount Reward { get; }

    /// <summary>No reward before this moment (unix ms).</summary>
    public long OpensAtMs { get; }

    /// <summary>No reward from this moment on (unix ms).</summary>
    public long ClosesAtMs { get; }

    /// <summary>City, district or neighbourhood.</summary>
    public CampaignScope Scope { get; }

    /// <summary>The district or neighbourhood; null for the city.</summary>
    public string? Area { get; }

    /// <summary>Rewards one account may get.</summary>
    public int PerPersonCap { get; }

    /// <summary>True: no name on the chain.</summary>
    public bool Sensitive { get; }

    /// <summary>The name slug; null for a sensitive campaign.</summary>
    public string? Name { get; }

    /// <summary>The campaign's RSA key (RFC 9474); retired when the campaign closes.</summary>
    public RsaBlindPublicKey Key { get; }

    /// <summary>When it was opened (entry timestamp, unix ms).</summary>
    public long OpenedAtMs { get; }

    /// <summary>HM in the campaign, not yet paid out.</summary>
    public Amount Funds { get; internal set; }

    /// <summary>All HM ever moved in by officers.</summary>
    public Amount Funded { get; internal set; }

    /// <summary>Rewards paid.</summary>
    public int Paid { get; internal set; }

    /// <summary>True once closed (by CloseCampaign); the window's end alone stops rewards but keeps the money until then.</summary>
    public bool Closed { get; internal set; }

    /// <summary>True if a reward can be paid at <paramref name="timestampMs"/> (money aside).</summary>
    public bool IsOpenAt(long timestampMs) => !Closed && timestampMs >= OpensAtMs && timestampMs < ClosesAtMs;

    // The tokens handed in, each as SHA-256(account ‖ serial) kept inline (32 bytes), and how many rewards each account got.
    // By account and serial, not serial alone: a serial seen on the chain in someone's rejected hand-in cannot be used by
    // anyone else to make their own token first and so spoil the owner's (found in review), and a token pays only the
    // account inside its signed message anyway.
    internal HashSet<InlineHash32> Spent { get; } = [];

    internal Dictionary<AccountId, int> RewardsByAccount { get; } = [];

    /// <summary>True if <paramref name="account"/>'s token with <paramref name="serial"/> was handed in.</summary>
    public bool IsRedeemed(AccountId account, Hash32 serial) => Spent.Contains(TokenKey(account, serial));

    /// <summary>How the ledger remembers a token handed in: SHA-256 of the account's 32 key bytes and the serial.</summary>
    internal static InlineHash32 TokenKey(AccountId account, Hash32 serial)
    {
        Span<byte> both = stackalloc byte[64];
        account.Span.CopyTo(both);
        serial.Span.CopyTo(both[32..]);
        return new InlineHash32(Hash32.Sha256(both));
    }

    /// <summary>How many rewards <paramref name="account"/> got from this campaign.</summary>
    public int RewardsOf(AccountId account) => RewardsByAccount.GetValueOrDefault(account);
}
