using Google.Protobuf;
using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using LedgerCampaignId = Heerlen.Munt.Ledger.Commands.CampaignId;
using LedgerScope = Heerlen.Munt.Ledger.Commands.CampaignScope;

namespace Heerlen.Munt.Server.Services;

/// <summary>
/// Participation campaigns (service <c>heerlen.munt.v1.Participation</c>): what the chain says about each, from the
/// <see cref="ChainView"/>. Public: the terms and key are on the chain already, and a resident's app needs the key
/// before it can blind a token. A sensitive campaign has no name here either. The issuing of tokens is not here: a
/// participation module does it (docs/participation.md), and the server never sees who got one.
/// </summary>
public sealed class ParticipationApi(MuntRuntime runtime, Sessions sessions, TimeProvider time) : Participation.ParticipationBase
{
    /// <summary>Those who read the whole chain anyway (LedgerApi's chain readers): they see a sensitive campaign's module, budget line and area.</summary>
    private const Roles ChainReaders = Roles.Auditor | Roles.Officer | Roles.Issuer;

    /// <inheritdoc />
    public override Task<ListCampaignsResponse> ListCampaigns(ListCampaignsRequest request, ServerCallContext context)
    {
        bool full = ReadsTheChain(context);
        long height = runtime.View.Height;
        long now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var reply = new ListCampaignsResponse { AsOfHeight = height };
        foreach (var c in runtime.View.Campaigns.Where(c => request.IncludeClosed || !c.Closed).OrderByDescending(c => c.OpenedAtMs).ThenBy(c => c.Id.Value))
            reply.Campaigns.Add(ToMessage(c, now, full));
        return Task.FromResult(reply);
    }

    /// <inheritdoc />
    public override Task<Campaign> GetCampaign(GetCampaignRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        if (!LedgerCampaignId.TryParse(request.Campaign, out var id)) throw ApiErrors.Error("invalid_id", language, "a campaign id is 32 hex digits");
        bool full = ReadsTheChain(context);
        var campaign = runtime.View.Campaign(id) ?? throw ApiErrors.Error("campaign_not_found", language);
        return Task.FromResult(ToMessage(campaign, time.GetUtcNow().ToUnixTimeMilliseconds(), full));
    }

    /// <summary>
    /// Whether the caller's session is a chain reader's. These reads stay public: a session that is expired or no longer
    /// the account's key gets the public view, as a caller without one does, never an error.
    /// </summary>
    private bool ReadsTheChain(ServerCallContext context)
    {
        try
        {
            return sessions.Identify(context).Has(ChainReaders);
        }
        catch (RpcException)
        {
            return false;
        }
    }

    /// <summary>
    /// A campaign as its message, with its status at <paramref name="nowMs"/>. A sensitive campaign leaves out its module,
    /// budget line and area (found in review): a budget line called "wmo-panel" or a module run by one organisation would
    /// say what the campaign is about. They are on the chain, for officers and auditors: with <paramref name="full"/> (the
    /// caller is one of them) they are shown, so an officer funding it sees which budget line pays.
    /// </summary>
    public static Campaign ToMessage(CampaignSnapshot c, long nowMs, bool full) => new()
    {
        Campaign_ = c.Id.ToString(),
        Module = c.Sensitive && !full ? "" : c.Module.ToString(),
        Budget = c.Sensitive && !full ? "" : c.Budget,
        RewardCents = c.RewardCents,
        OpensAtMs = c.OpensAtMs,
        ClosesAtMs = c.ClosesAtMs,
        Scope = c.Scope switch
        {
            LedgerScope.City => CampaignScope.City,
            LedgerScope.District => CampaignScope.District,
            LedgerScope.Neighbourhood => CampaignScope.Neighbourhood,
            _ => CampaignScope.Unspecified,
        },
        Area = c.Sensitive && !full ? "" : c.Area ?? "",
        PerPersonCap = c.PerPersonCap,
        Sensitive = c.Sensitive,
        Name = c.Name ?? "",
        PublicKey = ByteString.CopyFrom(c.PublicKey),
        KeyId = c.KeyId,
        ModulusBits = c.ModulusBits,
        FundsCents = c.FundsCents,
        FundedCents = c.FundedCents,
        RewardsPaid = c.Paid,
        RewardsLeft = c.FundsCents / c.RewardCents,
        OpenedAtMs = c.OpenedAtMs,
        Status = c.Closed ? CampaignStatus.Closed
            : nowMs >= c.ClosesAtMs ? CampaignStatus.Ended
            : nowMs < c.OpensAtMs ? CampaignStatus.NotOpenYet
            : CampaignStatus.Open,
    };
}
