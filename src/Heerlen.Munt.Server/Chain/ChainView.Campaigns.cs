using System.Collections.Concurrent;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Server.Chain;

/// <summary>A participation campaign, copied out of the ledger state (safe to read from any thread).</summary>
/// <param name="Id">The campaign id.</param>
/// <param name="Module">The module account that opened it.</param>
/// <param name="Budget">Its budget line.</param>
/// <param name="RewardCents">Paid per token.</param>
/// <param name="OpensAtMs">Rewards from this moment (unix ms).</param>
/// <param name="ClosesAtMs">No rewards from this moment.</param>
/// <param name="Scope">City, district or neighbourhood.</param>
/// <param name="Area">The district or neighbourhood; null for the city.</param>
/// <param name="PerPersonCap">Rewards one account may get.</param>
/// <param name="Sensitive">True: no name on the chain.</param>
/// <param name="Name">Its name slug; null when sensitive.</param>
/// <param name="PublicKey">The RSA key in the chain's encoding.</param>
/// <param name="KeyId">SHA-256 of the key encoding, hex.</param>
/// <param name="ModulusBits">The key's size.</param>
/// <param name="FundsCents">HM in it now.</param>
/// <param name="FundedCents">HM ever moved in.</param>
/// <param name="Paid">Rewards paid.</param>
/// <param name="Closed">True once closed.</param>
/// <param name="OpenedAtMs">When it was opened.</param>
public sealed record CampaignSnapshot(
    CampaignId Id, Ledger.Accounts.AccountId Module, string Budget, long RewardCents, long OpensAtMs, long ClosesAtMs, CampaignScope Scope,
    string? Area, int PerPersonCap, bool Sensitive, string? Name, byte[] PublicKey, string KeyId, int ModulusBits, long FundsCents,
    long FundedCents, int Paid, bool Closed, long OpenedAtMs)
{
    /// <summary>Copies one campaign.</summary>
    public static CampaignSnapshot Of(CampaignState c) => new(
        c.Id, c.Module, c.Budget, c.Reward.Cents, c.OpensAtMs, c.ClosesAtMs, c.Scope, c.Area, c.PerPersonCap, c.Sensitive, c.Name,
        c.Key.Encode(), c.Key.KeyId.ToString(), c.Key.ModulusBits, c.Funds.Cents, c.Funded.Cents, c.Paid, c.Closed, c.OpenedAtMs);
}

public sealed partial class ChainView
{
    private volatile ConcurrentDictionary<CampaignId, CampaignSnapshot> _campaigns = new();

    /// <summary>A campaign, or null.</summary>
    public CampaignSnapshot? Campaign(CampaignId id) => _campaigns.TryGetValue(id, out var c) ? c : null;

    /// <summary>Every campaign.</summary>
    public IReadOnlyList<CampaignSnapshot> Campaigns => [.. _campaigns.Values];
}
