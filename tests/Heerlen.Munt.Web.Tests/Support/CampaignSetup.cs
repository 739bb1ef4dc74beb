using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Modules;
using Heerlen.Munt.Server.Demo;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Web.Tests.Support;

/// <summary>
/// A participation campaign opened as a module would (the reference module's <see cref="TokenIssuer"/> for the key and
/// the desk's folder, the SDK for the command): a new module account, granted by the issuer, opens a city-wide campaign
/// on the demo budget line with a fresh 2048-bit key and a cap of one per person.
/// </summary>
public static class CampaignSetup
{
    /// <summary>
    /// Opens a campaign named <paramref name="name"/> (sensitive, without a name, when null) paying
    /// <paramref name="reward"/>, open from a minute ago until <paramref name="closes"/>; the desk's folder is
    /// <paramref name="folder"/> (the caller deletes it).
    /// </summary>
    public static async Task<(TokenIssuer Issuer, CampaignId Campaign)> OpenAsync(WebServer server, string folder, string? name, Amount reward, DateTimeOffset closes)
    {
        var module = Wallet.Create();
        await server.Client.As(module).OpenAccountAsync();
        await server.Client.As(server.Wallet("issuer")).GrantRoleAsync(module.Account, Roles.Module);
        var chain = await server.Client.ChainInfoAsync();
        var campaign = CampaignId.New();
        var opens = DateTimeOffset.UtcNow.AddMinutes(-1);
        var (issuer, key) = TokenIssuer.Create(folder, chain.ChainId, campaign, opens.ToUnixTimeMilliseconds(), closes.ToUnixTimeMilliseconds(), perPersonCap: 1, bits: 2048);
        await server.Client.As(module).OpenCampaignAsync(campaign, DemoCommunity.Budget, reward, opens, closes, CampaignScope.City, null, 1, sensitive: name is null, name, key);
        return (issuer, campaign);
    }

    /// <summary>A fresh folder name under the temporary directory for a desk.</summary>
    public static string NewFolder(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));
}
