using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Cli;

// Participation campaigns (docs/participation.md): anyone lists them, a resident asks for and hands in a voucher, an
// officer funds and closes. The desk's side is munt-module (tools/Heerlen.Munt.Participation).
internal static partial class Commands
{
    private static async Task CampaignsAsync(Invocation run)
    {
        run.Words(0);
        var list = await run.Client.CallAsync(o => run.Client.Participation.ListCampaignsAsync(new ListCampaignsRequest { IncludeClosed = run.Args.Switch("--all") }, o), null, run.Ct);
        if (run.Json)
        {
            run.Print(list);
            return;
        }
        run.Table(
            [run.T("actie", "campaign"), run.T("naam", "name"), run.T("beloning", "reward"), run.T("over", "left"), run.T("betaald", "paid"), run.T("tot", "until"), "status"],
            list.Campaigns.Select(c => new[]
            {
                c.Campaign_, c.Sensitive ? run.T("(gevoelig)", "(sensitive)") : c.Name, run.Money(c.RewardCents), c.RewardsLeft.ToString(System.Globalization.CultureInfo.InvariantCulture),
                c.RewardsPaid.ToString(System.Globalization.CultureInfo.InvariantCulture), Invocation.Time(c.ClosesAtMs), StatusWord(run, c.Status),
            }),
            run.T("Er zijn geen acties.", "There are no campaigns."));
    }

    private static string StatusWord(Invocation run, CampaignStatus status) => status switch
    {
        CampaignStatus.NotOpenYet => run.T("nog niet open", "not open yet"),
        CampaignStatus.Open => run.T("open", "open"),
        CampaignStatus.Ended => run.T("afgelopen", "ended"),
        CampaignStatus.Closed => run.T("gesloten", "closed"),
        _ => "?",
    };

    private static CampaignId ParseCampaign(string text) =>
        CampaignId.TryParse(text, out var id) ? id : throw new UsageException($"'{text}' is geen actienummer (32 hexadecimale tekens)", $"'{text}' is not a campaign id (32 hex digits)");

    private static async Task RewardRequestAsync(Invocation run)
    {
        var campaign = ParseCampaign(run.Words(1)[0]);
        string path = Path.GetFullPath(run.Required("--out"));
        var pending = await run.Actor.RequestRewardAsync(campaign, run.Required("--key-id"), run.Ct);
        // The serial and the unwrapping number stay with the resident, in a file only they can read.
        WriteNewSecretFile(path, pending.ToJson() + "\n");
        string code = RewardTokens.DeskCode(pending.BlindedMessage);
        if (run.Json)
        {
            run.Print(new JsonObject { ["campaign"] = campaign.ToString(), ["blindedMessage"] = code, ["pendingFile"] = path });
            return;
        }
        run.Line(run.T("Laat deze code zien aan de balie:", "Show this code at the desk:"));
        run.Line(code);
        run.Line(run.T($"Lever de bon daarna in met: munt reward-redeem {path} --blind-signature ANTWOORD", $"Then hand the voucher in with: munt reward-redeem {path} --blind-signature ANSWER"));
        run.Line(run.T("Wacht daarmee een paar uur of een dag: wie direct na de balie inlevert, is aan de tijd te herkennen.",
            "Wait a few hours or a day before you do: handing in right after the desk lets the times give you away."));
    }

    private static async Task RewardRedeemAsync(Invocation run)
    {
        string path = run.Words(1)[0];
        PendingReward pending;
        try
        {
            pending = PendingReward.FromJson(await File.ReadAllTextAsync(path, run.Ct));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            throw new CliFailure("pending_reward_unreadable", $"{path} is geen bon-aanvraag van munt reward-request.", $"{path} is not a voucher request made by munt reward-request.");
        }
        if (pending.Account != run.Actor.Account.ToString())
            throw new CliFailure("pending_reward_other_account", $"{path} is een bon voor een ander account ({pending.Account}). Alleen dat account kan hem inleveren.",
                $"{path} is a voucher for another account ({pending.Account}). Only that account can hand it in.");
        byte[] answer;
        try
        {
            answer = Convert.FromBase64String(run.Required("--blind-signature").Trim());
        }
        catch (FormatException)
        {
            throw new UsageException("het antwoord van de balie is geen base64-code; kopieer het opnieuw", "the desk's answer is not a base64 code; copy it again");
        }
        var done = await run.Actor.RedeemRewardAsync(pending, answer, run.Ct);
        run.Done(done, run.T("De beloning staat op uw account.", "The reward is in your account."), new JsonObject { ["campaign"] = pending.Campaign });
        File.Delete(path); // handed in: the secret part is no longer needed
    }

    private static async Task FundCampaignAsync(Invocation run)
    {
        var words = run.Words(2);
        var campaign = ParseCampaign(words[0]);
        var amount = Invocation.ParseAmount(words[1]);
        var done = await run.Actor.FundCampaignAsync(campaign, amount, run.Ct);
        run.Done(done, run.T($"{run.Money(amount.Cents)} in actie {campaign} gezet.", $"Put {run.Money(amount.Cents)} into campaign {campaign}."),
            new JsonObject { ["campaign"] = campaign.ToString(), ["amountCents"] = amount.Cents });
    }

    private static async Task CloseCampaignAsync(Invocation run)
    {
        var campaign = ParseCampaign(run.Words(1)[0]);
        var done = await run.Actor.CloseCampaignAsync(campaign, run.Ct);
        run.Done(done, run.T($"Actie {campaign} is gesloten; wat over was, staat weer in het budget.", $"Campaign {campaign} is closed; what was left is back in the budget line."),
            new JsonObject { ["campaign"] = campaign.ToString() });
    }
}
