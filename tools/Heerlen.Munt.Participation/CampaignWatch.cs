using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;

namespace Heerlen.Munt.Modules;

/// <summary>
/// The desk asks the chain, before it signs, whether its campaign still pays vouchers (the public
/// <c>Participation.GetCampaign</c>). The folder's own window is not enough: an officer may close a campaign early, and
/// a voucher signed after that can never pay, yet it uses up the person's one voucher (found in review). A campaign the
/// chain has closed gets no more vouchers; the key itself is destroyed only by <c>munt-module close</c>, never on one
/// server's word (a test server restored from a backup of the real one would otherwise destroy the real key: found in
/// review). Only an answer from the campaign's own chain with the campaign's own key counts. When the chain cannot be asked (a desk without a network), the desk
/// goes on by its folder's terms and says so: the person in front of it should not be sent away for a network fault.
/// An answer is remembered for a while (<see cref="RememberDefault"/>), so a busy desk asks once in a while, not per person;
/// so is "could not ask", so a desk whose network is down does not make every person wait for the time-out.
/// </summary>
public sealed class CampaignWatch(MuntClient client, TimeSpan? rememberFor = null, TimeProvider? time = null) : IDisposable
{
    /// <summary>How long one answer of the chain is used, unless told otherwise.</summary>
    public static readonly TimeSpan RememberDefault = TimeSpan.FromSeconds(30);

    /// <summary>How long the desk waits for the chain before it goes on without.</summary>
    public static readonly TimeSpan AskFor = TimeSpan.FromSeconds(3);

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly TimeSpan _rememberFor = rememberFor ?? RememberDefault;
    private readonly SemaphoreSlim _asking = new(1, 1);
    private (CampaignStatus Status, string? Warning, DateTimeOffset At)? _known;

    /// <summary>
    /// Throws <see cref="IssueRefusedException"/> when the chain says the campaign pays no more vouchers (closed, or its
    /// window ended). Returns null when the chain says it is open, or a warning for the operator when the
    /// chain could not be asked.
    /// </summary>
    public async Task<string?> CheckAsync(TokenIssuer issuer, CancellationToken ct = default)
    {
        CampaignStatus status;
        await _asking.WaitAsync(ct);
        try
        {
            if (_known is null || _time.GetUtcNow() - _known.Value.At >= _rememberFor)
            {
                var (asked, warning) = await AskAsync(issuer, ct);
                _known = (asked, warning, _time.GetUtcNow());
            }
            if (_known.Value.Warning is { } remembered) return remembered;
            status = _known.Value.Status;
        }
        finally
        {
            _asking.Release();
        }
        switch (status)
        {
            case CampaignStatus.Closed:
                throw new IssueRefusedException("campaign_closed", "Deze actie is gesloten. De balie geeft geen bonnen meer.",
                    "This campaign is closed. The desk gives no more vouchers. (Operator: destroy the key with munt-module close.)");
            case CampaignStatus.Ended:
                throw new IssueRefusedException("campaign_not_open", "Deze actie is nu niet open.", "This campaign is not open now.");
            default:
                return null;
        }
    }

    /// <summary>The campaign's status on its own chain, or why the chain's answer does not count (then the status is unspecified).</summary>
    private async Task<(CampaignStatus Status, string? Warning)> AskAsync(TokenIssuer issuer, CancellationToken ct)
    {
        string not = "; signing by the folder's terms";
        try
        {
            var info = await client.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), client.CallOptionsFor(null, ct, AskFor));
            if (info.ChainId != issuer.Terms.ChainId)
                return (default, $"the server at hand runs chain {info.ChainId}, not this campaign's {issuer.Terms.ChainId}; not asking it{not}");
            var request = new GetCampaignRequest { Campaign = issuer.Terms.Campaign };
            var campaign = await client.Participation.GetCampaignAsync(request, client.CallOptionsFor(null, ct, AskFor));
            // A server that shows another key (a proxy gone wrong, a server swapping keys) is not believed either.
            if (!string.Equals(campaign.KeyId, issuer.Terms.KeyId, StringComparison.OrdinalIgnoreCase))
                return (default, $"the server shows campaign {issuer.Terms.Campaign} with another key ({campaign.KeyId}); not asking it{not}");
            return (campaign.Status, null);
        }
        catch (Grpc.Core.RpcException e) when (!ct.IsCancellationRequested)
        {
            string reason = MuntException.From(e).Reason;
            return (default, reason == "campaign_not_found"
                ? $"the server does not know campaign {issuer.Terms.Campaign} (campaign_not_found): is --server right?{not}"
                : $"could not ask the chain whether campaign {issuer.Terms.Campaign} is still open ({reason}){not}");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _asking.Dispose();
}
