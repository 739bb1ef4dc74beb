using System.Globalization;
using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Projections;
using Marten;

namespace Heerlen.Munt.Server.Services;

/// <summary>The till (service <c>heerlen.munt.v1.Merchants</c>).</summary>
public sealed class MerchantsApi(MuntRuntime runtime, Sessions sessions, TimeProvider time, IHostApplicationLifetime lifetime) : Merchants.MerchantsBase
{
    private long NowMs => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public override async Task<PaymentRequest> CreatePaymentRequest(CreatePaymentRequestRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        var merchant = sessions.RequireSelf(context, request.Merchant);
        var account = runtime.View.Account(merchant);
        if (account is null || !account.Roles.HasFlag(Roles.Merchant)) throw ApiErrors.Error("role_required", language, "only an admitted shop can ask for payment");
        // A request that can never be paid would only leave a customer at the till puzzled.
        if (account.Frozen || account.MerchantSuspended) throw ApiErrors.Error("merchant_not_active", language);
        if (request.AmountCents <= 0 || request.AmountCents > Amount.CentsMax) throw ApiErrors.Error("invalid_amount", language, "amount_cents must be above 0");
        int valid = request.ValidSeconds == 0 ? 300 : request.ValidSeconds;
        if (valid is < 30 or > 3600) throw ApiErrors.Error("invalid_argument", language, "valid_seconds must be 30 to 3600");
        long now = NowMs;
        var record = new PaymentRequestRecord
        {
            Id = PaymentRequestId.New().ToString(),
            ShortCode = ShortCodes.New(),
            Merchant = merchant.ToString(),
            AmountCents = request.AmountCents,
            CreatedAtMs = now,
            ExpiresAtMs = now + (valid * 1000L),
        };
        await using var session = runtime.Documents.LightweightSession();
        session.Insert(record);
        await session.SaveChangesAsync(context.CancellationToken);
        return ToMessage(record, sessions.Identify(context));
    }

    /// <inheritdoc />
    public override async Task<PaymentRequest> GetPaymentRequest(GetPaymentRequestRequest request, ServerCallContext context)
    {
        var caller = sessions.Require(context);
        return ToMessage(await FindAsync(request.Code, context), caller);
    }

    /// <inheritdoc />
    public override async Task WatchPaymentRequest(GetPaymentRequestRequest request, IServerStreamWriter<PaymentRequest> responseStream, ServerCallContext context)
    {
        // The session first, as every other call: a stranger must not learn from the answer which codes exist.
        var caller = sessions.Require(context);
        var record = await FindAsync(request.Code, context);
        if (!caller.Is(Sessions.ParseAccount(context, record.Merchant))) throw ApiErrors.Error("not_your_account", Languages.Of(context));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stop.Token;
        string last = "";
        while (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var changed = runtime.View.Changed;
            var message = ToMessage(record, caller);
            if (message.Status != last)
            {
                await responseStream.WriteAsync(message, ct);
                last = message.Status;
            }
            if (message.Status != "open") return;
            long left = Math.Max(1, record.ExpiresAtMs - NowMs + 1);
            try
            {
                using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
                await Task.WhenAny(changed, Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, 60_000)), time, timer.Token)).WaitAsync(ct);
                await timer.CancelAsync(); // the delay's timer goes with it, not 60 s later

            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <inheritdoc />
    public override async Task<Statement> GetStatement(GetStatementRequest request, ServerCallContext context)
    {
        var merchant = sessions.RequireSelfOr(context, request.Merchant, Roles.Officer);
        string day = string.IsNullOrEmpty(request.Day) ? HeerlenCalendar.Day(NowMs) : request.Day;
        if (!DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            throw ApiErrors.Error("invalid_day", Languages.Of(context));
        await using var session = runtime.Documents.QuerySession();
        var doc = await session.LoadAsync<MerchantDay>(MerchantDay.IdOf(merchant.ToString(), day), context.CancellationToken);
        var balance = await session.LoadAsync<Storage.Projections.Balance>(merchant.ToString(), context.CancellationToken);
        return new Statement
        {
            Merchant = merchant.ToString(),
            Day = day,
            Payments = doc?.Payments ?? 0,
            ReceivedCents = doc?.ReceivedCents ?? 0,
            RefundedCents = doc?.RefundedCents ?? 0,
            RedeemedCents = doc?.RedeemedCents ?? 0,
            SettledCents = doc?.SettledCents ?? 0,
            BalanceCents = balance?.Cents ?? 0,
        };
    }

    /// <inheritdoc />
    public override Task<ListRedemptionsResponse> ListRedemptions(ListRedemptionsRequest request, ServerCallContext context)
    {
        var merchant = sessions.RequireSelfOr(context, request.Merchant, Roles.Officer);
        var reply = new ListRedemptionsResponse();
        long outstanding = 0;
        foreach (var r in runtime.View.RedemptionsOf(merchant))
        {
            reply.Redemptions.Add(new Redemption { Id = r.Id.ToString(), AmountCents = r.AmountCents, BankReference = r.BankReference ?? "", Settled = r.BankReference is not null });
            if (r.BankReference is null) outstanding = checked(outstanding + r.AmountCents);
        }
        reply.OutstandingCents = outstanding;
        return Task.FromResult(reply);
    }

    /// <inheritdoc />
    public override Task<ListMerchantsResponse> ListMerchants(ListMerchantsRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, Roles.Officer | Roles.Issuer | Roles.Auditor);
        string neighbourhood = request.Neighbourhood.Trim().ToLowerInvariant();
        if (neighbourhood.Length > 0 && !FieldRules.IsSlug(neighbourhood))
            throw ApiErrors.Error("invalid_argument", Languages.Of(context), "neighbourhood is a slug such as 'gms'");
        var book = runtime.View.Merchants; // one read: every shop and the height from the same batch
        var reply = new ListMerchantsResponse { AsOfHeight = book.Totals.AsOfHeight };
        foreach (var m in book.Merchants.Values)
        {
            if (neighbourhood.Length > 0 && m.Neighbourhood != neighbourhood) continue;
            reply.Merchants.Add(new MerchantSummary
            {
                Merchant = m.Id.ToString(),
                Neighbourhood = m.Neighbourhood,
                Status = m.Suspended ? "suspended" : "admitted",
                Frozen = m.Frozen,
                BalanceCents = m.BalanceCents,
                OutstandingRedemptions = m.OutstandingRedemptions,
                OutstandingRedemptionCents = m.OutstandingRedemptionCents,
            });
        }
        return Task.FromResult(reply);
    }

    private async Task<PaymentRequestRecord> FindAsync(string code, ServerCallContext context)
    {
        var language = Languages.Of(context);
        string typed = ShortCodes.Normalise(code ?? "");
        // A code is ASCII letters and digits (the short code or the 32-hex id). Anything else is no code, and must not reach
        // PostgreSQL: a NUL in a query parameter failed there and came back as INTERNAL storage_error (found by RpcFuzzTests).
        if (typed.Length == 0 || typed.Length > 32 || !typed.All(char.IsAsciiLetterOrDigit)) throw ApiErrors.Error("payment_request_not_found", language);
        await using var session = runtime.Documents.QuerySession();
        PaymentRequestRecord? record = typed.Length == 32
            ? await session.LoadAsync<PaymentRequestRecord>(typed.ToLowerInvariant(), context.CancellationToken)
            : await session.Query<PaymentRequestRecord>().Where(r => r.ShortCode == typed).OrderByDescending(r => r.CreatedAtMs).FirstOrDefaultAsync(context.CancellationToken);
        // An expired, unpaid request is as good as gone: its code may be typed by mistake for a new one.
        if (record is null || (record.ExpiresAtMs <= NowMs && Settling(record) is null && typed.Length != 32)) throw ApiErrors.Error("payment_request_not_found", language);
        return record;
    }

    /// <summary>
    /// The payment that settles the request: one to this shop, of exactly this amount, naming it. Anyone can name any
    /// request in a Pay command (it is only a reference on the chain), so payments to other shops or of other amounts
    /// are ignored here: a stranger paying 1 cent naming the request cannot make the customer's payment unseen.
    /// </summary>
    private RequestPayment? Settling(PaymentRequestRecord record)
    {
        var id = PaymentRequestId.Parse(record.Id);
        return runtime.View.PaymentsFor(id).FirstOrDefault(p => p.Merchant.ToString() == record.Merchant && p.AmountCents == record.AmountCents);
    }

    /// <summary>The request as <paramref name="caller"/> may see it: who paid only for the shop and the payer.</summary>
    private PaymentRequest ToMessage(PaymentRequestRecord r, Caller caller)
    {
        var paid = Settling(r);
        string status = paid is not null ? "paid" : r.ExpiresAtMs <= NowMs ? "expired" : "open";
        bool party = caller.Account is { } account && (account.Id.ToString() == r.Merchant || (paid is not null && paid.Payer == account.Id));
        return new PaymentRequest
        {
            Id = r.Id,
            ShortCode = r.ShortCode,
            QrPayload = $"heerlenmunt:pay?chain={Uri.EscapeDataString(runtime.Chain.ChainId)}&merchant={r.Merchant}&amount={r.AmountCents}&request={r.Id}&code={r.ShortCode}",
            Merchant = r.Merchant,
            AmountCents = r.AmountCents,
            CreatedAtMs = r.CreatedAtMs,
            ExpiresAtMs = r.ExpiresAtMs,
            Status = status,
            PaidHeight = party ? paid?.Height ?? -1 : -1,
            PaidBy = party ? paid?.Payer.ToString() ?? "" : "",
            ChainId = runtime.Chain.ChainId,
            PaidCommandId = party ? paid?.Command.ToString() ?? "" : "",
        };
    }
}
