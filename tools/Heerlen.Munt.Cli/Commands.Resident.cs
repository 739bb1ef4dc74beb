using System.Globalization;
using System.Text.Json.Nodes;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Cli;

// Commands of a resident: the own account, jobs, paying.
internal static partial class Commands
{
    private static async Task OpenAsync(Invocation run)
    {
        run.Words(0);
        var done = await run.Actor.OpenAccountAsync(run.Ct);
        run.Done(done, run.T($"Account {run.Actor.Account} is geopend.", $"Account {run.Actor.Account} is open."), new JsonObject { ["account"] = run.Actor.Account.ToString() });
    }

    private static async Task BalanceAsync(Invocation run)
    {
        run.Words(0);
        var balance = await run.Actor.BalanceAsync(run.Ct);
        if (run.Json) run.Print(balance);
        else run.Line(run.T($"Saldo: {run.Money(balance.BalanceCents)}", $"Balance: {run.Money(balance.BalanceCents)}"));
    }

    private static async Task HistoryAsync(Invocation run)
    {
        run.Words(0);
        int limit = run.Args.Option("--limit") is { } l ? Invocation.ParseNumber(l, "--limit", 1, 200) : 20;
        var history = await run.Actor.HistoryAsync(limit, ct: run.Ct);
        if (run.Json)
        {
            run.Print(history);
            return;
        }
        run.Table(
            [run.T("WANNEER", "WHEN"), run.T("BEDRAG", "AMOUNT"), run.T("REGEL", "ENTRY"), run.T("WAT", "WHAT")],
            history.Lines.Select(h => new[] { Invocation.Time(h.TimestampMs), h.AmountCents == 0 ? "" : run.Money(h.AmountCents), h.Height.ToString(CultureInfo.InvariantCulture), h.Description }),
            run.T("Er is nog niets gebeurd.", "Nothing has happened yet."));
    }

    private static async Task MyJobsAsync(Invocation run)
    {
        run.Words(0);
        var mine = await run.Actor.MyJobsAsync(run.Ct);
        if (run.Json)
        {
            run.Print(mine);
            return;
        }
        run.Table(
            [run.T("KLUS", "JOB"), run.T("WIJK", "AREA"), run.T("SOORT", "CATEGORY"), run.T("BELONING", "REWARD"), "STATUS", run.T("REDEN", "REASON")],
            mine.Work.Select(w => new[] { w.Job, w.Neighbourhood, w.Category, run.Money(w.RewardCents), WorkStatus(run, w.Status), w.RejectionMessage.Length > 0 ? w.RejectionMessage : "-" }),
            run.T("U doet nog niet mee met een klus. Zie: munt jobs", "You do not take part in any job yet. See: munt jobs"));
    }

    private static async Task EnrolAsync(Invocation run)
    {
        var job = Invocation.ParseJob(run.Words(1)[0]);
        var done = await run.Actor.EnrolAsync(job, run.Ct);
        run.Done(done, run.T($"U doet mee met klus {job}.", $"Enrolled in job {job}."), new JsonObject { ["job"] = job.ToString() });
    }

    private static async Task CompleteAsync(Invocation run)
    {
        var job = Invocation.ParseJob(run.Words(1)[0]);
        string path = run.Required("--photo");
        byte[] photo = ReadPhoto(path);
        var done = await run.Actor.SubmitCompletionAsync(job, photo, PhotoType(path, photo), run.Ct);
        // The server stores the photo under its SHA-256 and the chain holds only that hash: the same as computed here.
        string evidence = Hash32.Sha256(photo).ToHex();
        run.Done(done, run.T($"Klus {job} is klaar gemeld met foto {evidence}.", $"Job {job} reported done with photo {evidence}."), new JsonObject { ["job"] = job.ToString(), ["evidenceHash"] = evidence });
    }

    private static byte[] ReadPhoto(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"kan {path} niet lezen: {e.Message}", $"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>The photo's type from its first bytes (what it is), else from its name; the server takes JPEG, PNG and WebP.</summary>
    private static string PhotoType(string path, byte[] photo)
    {
        if (photo is [0x89, (byte)'P', (byte)'N', (byte)'G', ..]) return "image/png";
        if (photo is [0xFF, 0xD8, ..]) return "image/jpeg";
        if (photo.Length >= 12 && photo.AsSpan(0, 4).SequenceEqual("RIFF"u8) && photo.AsSpan(8, 4).SequenceEqual("WEBP"u8)) return "image/webp";
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => "image/png",
            ".webp" => "image/webp",
            _ => "image/jpeg",
        };
    }

    private static async Task PayAsync(Invocation run)
    {
        var words = run.Words(2);
        var merchant = run.ParseAccount(words[0]);
        var amount = Invocation.ParseAmount(words[1]);
        var (payment, done) = await SubmitAsync(run, h => new Pay(merchant, amount, null) { Header = h });
        PrintPayment(run, done, payment, merchant.ToString(), amount.Cents, null);
    }

    private static async Task PayCodeAsync(Invocation run)
    {
        string code = run.Words(1)[0];
        var request = await run.Actor.ReadAsync(o => run.Client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = code }, o), run.Ct);
        // The ledger does not stop a second payment naming the same request (two phones, one QR code): stop it here.
        if (request.Status != "open")
        {
            throw request.Status == "expired"
                ? new CliFailure("payment_request_expired", "Deze betaalcode is verlopen. Vraag de winkel om een nieuwe.", "This payment code has expired. Ask the shop for a new one.")
                : new CliFailure("payment_request_paid", "Deze betaalcode is al betaald. Er is niets gedaan.", "This payment code has already been paid. Nothing was done.");
        }
        var merchant = AccountId.Parse(request.Merchant);
        var id = PaymentRequestId.Parse(request.Id);
        var (payment, done) = await SubmitAsync(run, h => new Pay(merchant, new Amount(request.AmountCents), id) { Header = h });
        PrintPayment(run, done, payment, request.Merchant, request.AmountCents, request.ShortCode);
    }

    private static void PrintPayment(Invocation run, Submitted done, CommandId payment, string merchant, long cents, string? code)
    {
        var json = new JsonObject { ["payment"] = payment.ToString(), ["merchant"] = merchant, ["amountCents"] = cents };
        if (code is not null) json["code"] = code;
        run.Done(done, run.T($"Betaald: {run.Money(cents)} aan {merchant}, betaling {payment}.", $"Paid {run.Money(cents)} to {merchant}, payment {payment}."), json);
    }

    /// <summary>
    /// Builds, signs and submits a command like <see cref="MuntActor.DoAsync"/>, but keeps the command id: for a payment
    /// it is what a refund names, so the payer should see it.
    /// </summary>
    private static async Task<(CommandId Id, Submitted Done)> SubmitAsync(Invocation run, Func<CommandHeader, Command> build)
    {
        var header = await run.Actor.HeaderAsync(run.Ct);
        return (header.Id, await run.Client.SubmitAsync(run.Actor.Sign(build(header)), run.Ct));
    }

    private static async Task ForgetMeAsync(Invocation run)
    {
        run.Words(0);
        string account = run.Actor.Account.ToString();
        var reply = await run.Actor.ReadAsync(o => run.Client.People.ErasePersonalDataAsync(new ErasePersonalDataRequest { Account = account }, o), run.Ct);
        if (run.Json) run.Print(reply);
        else if (reply.Erased) run.Line(run.T("Uw persoonsgegevens en foto's zijn gewist. In de keten staat alleen uw accountnummer, zonder naam.", "Your personal data and photos have been erased. The chain keeps only your account id, without a name."));
        else run.Line(run.T("Er waren geen persoonsgegevens van u bewaard.", "No personal data of yours was stored."));
    }

    private static async Task MeAsync(Invocation run)
    {
        run.Words(0);
        var account = await run.Actor.AccountAsync(run.Ct);
        if (run.Json)
        {
            run.Print(account);
            return;
        }
        run.Pairs(
            ("account", account.Account_),
            (run.T("sleutel", "key"), account.CurrentKey),
            (run.T("rollen", "roles"), account.Roles.Count > 0 ? string.Join(", ", account.Roles) : "-"),
            (run.T("bevroren", "frozen"), run.YesNo(account.Frozen)),
            (run.T("winkel geschorst", "shop suspended"), run.YesNo(account.MerchantSuspended)),
            (run.T("daglimiet", "daily limit"), account.DailyLimitCents == 0 ? run.T("geen", "none") : run.Money(account.DailyLimitCents)),
            (run.T("vandaag nog te betalen", "left to pay today"), account.DailyLimitCents == 0 ? "-" : run.Money(Math.Max(0, account.DailyLimitCents - account.SpentTodayCents))));
    }
}
