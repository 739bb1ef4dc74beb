using System.Globalization;
using System.Text.Json.Nodes;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Commands;

namespace Heerlen.Munt.Cli;

// Commands of a shop: the till, the day's figures, refunds and redemptions.
internal static partial class Commands
{
    private static async Task RequestAsync(Invocation run)
    {
        var amount = Invocation.ParseAmount(run.Words(1)[0]);
        var request = await run.Actor.RequestPaymentAsync(amount, ct: run.Ct);
        if (run.Json) run.Print(request);
        else
        {
            run.Pairs(
                ("code", ShortCode(request.ShortCode)),
                (run.T("bedrag", "amount"), run.Money(request.AmountCents)),
                ("QR", request.QrPayload),
                (run.T("geldig tot", "valid until"), Invocation.Time(request.ExpiresAtMs)));
        }
        if (!run.Args.Switch("--wait")) return;
        if (!run.Json) run.Line(run.T("Wachten op de betaling … (Ctrl-C stopt)", "Waiting for the payment … (Ctrl-C stops)"));
        var last = await run.Actor.WaitForPaymentAsync(request.Id, run.Ct);
        if (last.Status == "paid")
        {
            if (run.Json) run.Print(last);
            else run.Line(run.T(
                $"Betaald door {last.PaidBy} (regel {last.PaidHeight}, betaling {last.PaidCommandId}).",
                $"Paid by {last.PaidBy} (entry {last.PaidHeight}, payment {last.PaidCommandId})."));
            return;
        }
        throw new CliFailure("payment_request_expired", "De betaalcode is verlopen zonder betaling.", "The payment code expired without a payment.");
    }

    /// <summary>"K7MX42QD" as "K7MX-42QD": easier to read aloud and type.</summary>
    private static string ShortCode(string code) => code.Length == 8 ? $"{code[..4]}-{code[4..]}" : code;

    private static async Task StatementAsync(Invocation run)
    {
        run.Words(0);
        string day = run.Args.Option("--day") ?? "";
        if (day.Length > 0 && !DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw new UsageException($"--day '{day}' is geen datum; gebruik jjjj-mm-dd", $"--day '{day}' is not a date; use yyyy-mm-dd");
        string merchant = run.Actor.Account.ToString();
        var statement = await run.Actor.ReadAsync(o => run.Client.Merchants.GetStatementAsync(new GetStatementRequest { Merchant = merchant, Day = day }, o), run.Ct);
        if (run.Json)
        {
            run.Print(statement);
            return;
        }
        run.Pairs(
            (run.T("winkel", "shop"), statement.Merchant),
            (run.T("dag", "day"), statement.Day),
            (run.T("betalingen", "payments"), statement.Payments.ToString(CultureInfo.InvariantCulture)),
            (run.T("ontvangen", "received"), run.Money(statement.ReceivedCents)),
            (run.T("terugbetaald", "refunded"), run.Money(statement.RefundedCents)),
            (run.T("ingewisseld", "redeemed"), run.Money(statement.RedeemedCents)),
            (run.T("uitbetaald (euro)", "paid out (euro)"), run.Money(statement.SettledCents)),
            (run.T("saldo nu", "balance now"), run.Money(statement.BalanceCents)));
    }

    private static async Task RefundAsync(Invocation run)
    {
        var words = run.Words(3);
        var payer = run.ParseAccount(words[0]);
        var payment = Invocation.ParseCommandId(words[1], "PAYMENT_COMMAND_ID");
        var amount = Invocation.ParseAmount(words[2]);
        var done = await run.Actor.RefundAsync(payer, payment, amount, run.Ct);
        run.Done(done, run.T($"Terugbetaald: {run.Money(amount.Cents)} aan {payer} voor betaling {payment}.", $"Refunded {run.Money(amount.Cents)} to {payer} for payment {payment}."),
            new JsonObject { ["payer"] = payer.ToString(), ["payment"] = payment.ToString(), ["amountCents"] = amount.Cents });
    }

    private static async Task RedeemAsync(Invocation run)
    {
        var amount = Invocation.ParseAmount(run.Words(1)[0]);
        var (redemption, done) = await run.Actor.RedeemAsync(amount, run.Ct);
        run.Done(done, run.T(
            $"Ingewisseld: {run.Money(amount.Cents)} (inwisseling {redemption}). De gemeente maakt het bedrag in euro's over.",
            $"Redeemed {run.Money(amount.Cents)} (redemption {redemption}). The municipality transfers the amount in euros."),
            new JsonObject { ["redemption"] = redemption.ToString(), ["amountCents"] = amount.Cents });
    }

    private static async Task RedemptionsAsync(Invocation run)
    {
        run.Words(0);
        string merchant = run.Actor.Account.ToString();
        var reply = await run.Actor.ReadAsync(o => run.Client.Merchants.ListRedemptionsAsync(new ListRedemptionsRequest { Merchant = merchant }, o), run.Ct);
        if (run.Json)
        {
            run.Print(reply);
            return;
        }
        run.Table(
            [run.T("INWISSELING", "REDEMPTION"), run.T("BEDRAG", "AMOUNT"), run.T("UITBETAALD", "PAID OUT")],
            reply.Redemptions.Select(r => new[] { r.Id, run.Money(r.AmountCents), r.Settled ? r.BankReference : run.T("nog niet", "not yet") }),
            run.T("Nog geen inwisselingen.", "No redemptions yet."));
        run.Line(run.T($"Nog uit te betalen: {run.Money(reply.OutstandingCents)}", $"Still to be paid out: {run.Money(reply.OutstandingCents)}"));
    }
}
