using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;

namespace Heerlen.Munt.Client;

/// <summary>
/// One wallet talking to the server: builds and signs every ledger command for it (<see cref="Sign"/>), submits them
/// with safe retries, and reads its own data with a session it renews by itself.
/// </summary>
public sealed class MuntActor(MuntClient client, Wallet wallet)
{
    private SessionToken? _session;

    /// <summary>The wallet.</summary>
    public Wallet Wallet { get; } = wallet;

    /// <summary>The account id.</summary>
    public AccountId Account => Wallet.Account;

    /// <summary>The client.</summary>
    public MuntClient Client { get; } = client;

    /// <summary>A header for a new command by this wallet: chain, fresh id, actor, expiry.</summary>
    public async Task<CommandHeader> HeaderAsync(CancellationToken ct = default)
    {
        var info = await Client.ChainInfoAsync(ct: ct);
        return new CommandHeader(info.ChainId, CommandId.New(), Account, Client.ServerNowMs + (long)Client.Options.CommandLifetime.TotalMilliseconds);
    }

    /// <summary>Signs a command by this wallet (and a cosigner for four-eyes commands).</summary>
    public SignedCommand Sign(Command command, Wallet? cosigner = null) =>
        SignedCommand.Create(command, Wallet.Key, cosigner?.Key, cosigner?.Account, Account);

    /// <summary>Builds, signs and submits a command; see <see cref="MuntClient.SubmitAsync"/>.</summary>
    public async Task<Submitted> DoAsync(Func<CommandHeader, Command> build, Wallet? cosigner = null, CancellationToken ct = default) =>
        await Client.SubmitAsync(Sign(build(await HeaderAsync(ct)), cosigner), ct);

    // Everyone.

    /// <summary>Opens this wallet's account (it becomes a resident).</summary>
    public Task<Submitted> OpenAccountAsync(CancellationToken ct = default) => DoAsync(h => new OpenAccount { Header = h }, ct: ct);

    /// <summary>Gives this account a new key, signed by the current one. Use the returned wallet from now on.</summary>
    public async Task<Wallet> RotateKeyAsync(SigningKey newKey, CancellationToken ct = default)
    {
        await DoAsync(h => new RotateKey(Account, newKey.PublicKey) { Header = h }, ct: ct);
        return Wallet.WithKey(newKey);
    }

    // Residents.

    /// <summary>Takes a slot of a job.</summary>
    public Task<Submitted> EnrolAsync(JobId job, CancellationToken ct = default) => DoAsync(h => new Enrol(job) { Header = h }, ct: ct);

    /// <summary>Uploads the photo of the finished work (off the chain) and reports the job done with its hash.</summary>
    public async Task<Submitted> SubmitCompletionAsync(JobId job, byte[] photo, string contentType = "image/jpeg", CancellationToken ct = default)
    {
        var session = await SessionAsync(ct);
        var upload = await Client.CallAsync(o => Client.People.UploadJobPhotoAsync(new UploadJobPhotoRequest { Account = Account.ToString(), ContentType = contentType, Photo = Google.Protobuf.ByteString.CopyFrom(photo) }, o), session, ct);
        var hash = Hash32.FromHex(upload.EvidenceHash);
        return await DoAsync(h => new SubmitCompletion(job, hash) { Header = h }, ct: ct);
    }

    /// <summary>Pays a shop.</summary>
    public Task<Submitted> PayAsync(AccountId merchant, Amount amount, PaymentRequestId? request = null, CancellationToken ct = default) =>
        DoAsync(h => new Pay(merchant, amount, request) { Header = h }, ct: ct);

    /// <summary>
    /// Looks up a shop's payment request by its short code (or id) and pays exactly what it asks. Give the shop and
    /// amount the person confirmed (from the QR code, or read out at the till): the server's answer is checked against
    /// them, so a server cannot redirect the payment.
    /// </summary>
    public async Task<(PaymentRequest Request, Submitted Payment)> PayRequestAsync(string code, AccountId? expectedMerchant = null, Amount? expectedAmount = null, CancellationToken ct = default)
    {
        var request = await Client.CallAsync(o => Client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = code }, o), await SessionAsync(ct), ct);
        bool dutch = Client.Options.Language != "en";
        if ((expectedMerchant is { } merchant && request.Merchant != merchant.ToString()) || (expectedAmount is { } amount && request.AmountCents != amount.Cents))
            throw new MuntException("payment_request_mismatch", dutch ? "Deze betaalcode hoort niet bij deze winkel of dit bedrag. Er is niet betaald." : "This payment code does not belong to this shop or amount. Nothing was paid.", StatusCode.FailedPrecondition, "the server's request differs from what was confirmed");
        // The ledger would take a second payment naming the same request (it is just a reference): do not pay twice.
        if (request.Status != "open")
        {
            throw request.Status == "expired"
                ? new MuntException("payment_request_expired", dutch ? "Deze betaalcode is verlopen. Vraag de winkel om een nieuwe." : "This payment code has expired. Ask the shop for a new one.", StatusCode.FailedPrecondition, "status expired")
                : new MuntException("payment_request_already_paid", dutch ? "Deze betaalcode is al betaald." : "This payment code has already been paid.", StatusCode.FailedPrecondition, $"status {request.Status}");
        }
        var id = PaymentRequestId.Parse(request.Id);
        var paid = await PayAsync(AccountId.Parse(request.Merchant), new Amount(request.AmountCents), id, ct);
        return (request, paid);
    }

    /// <summary>Pays what a till's QR code asks (see <see cref="PaymentQr"/>): the shop and amount in the code are the ones paid.</summary>
    public Task<(PaymentRequest Request, Submitted Payment)> PayQrAsync(string qrPayload, CancellationToken ct = default)
    {
        var qr = PaymentQr.Parse(qrPayload);
        return PayRequestAsync(qr.Request.ToString(), qr.Merchant, qr.Amount, ct);
    }

    // Shops.

    /// <summary>Asks for a payment: a QR payload and a short code to show the customer.</summary>
    public async Task<PaymentRequest> RequestPaymentAsync(Amount amount, int validSeconds = 300, CancellationToken ct = default) =>
        await Client.CallAsync(o => Client.Merchants.CreatePaymentRequestAsync(new CreatePaymentRequestRequest { Merchant = Account.ToString(), AmountCents = amount.Cents, ValidSeconds = validSeconds }, o), await SessionAsync(ct), ct);

    /// <summary>Waits until a payment request is paid (or expires); returns its last state.</summary>
    public async Task<PaymentRequest> WaitForPaymentAsync(string code, CancellationToken ct = default)
    {
        var session = await SessionAsync(ct);
        try
        {
            using var call = Client.Merchants.WatchPaymentRequest(new GetPaymentRequestRequest { Code = code }, Client.CallOptionsFor(session, ct, Timeout.InfiniteTimeSpan));
            PaymentRequest? last = null;
            await foreach (var update in call.ResponseStream.ReadAllAsync(ct)) last = update;
            return last ?? throw new MuntException("payment_request_not_found", "", StatusCode.NotFound, "the watch ended without news");
        }
        catch (RpcException e)
        {
            throw MuntException.From(e);
        }
    }

    /// <summary>Pays (part of) a payment back.</summary>
    public Task<Submitted> RefundAsync(AccountId payer, CommandId payment, Amount amount, CancellationToken ct = default) =>
        DoAsync(h => new Refund(payer, payment, amount) { Header = h }, ct: ct);

    /// <summary>Hands in HM for euros; returns the redemption's id (the command id) with the outcome.</summary>
    public async Task<(CommandId Redemption, Submitted Outcome)> RedeemAsync(Amount amount, CancellationToken ct = default)
    {
        var header = await HeaderAsync(ct);
        var done = await Client.SubmitAsync(Sign(new Redeem(amount) { Header = header }), ct);
        return (header.Id, done);
    }

    // Officers and the issuer.

    /// <summary>Establishes the chain (the issuer, once).</summary>
    public Task<Submitted> EstablishChainAsync(AccountId operatorKey, Amount mintCosignThreshold, CancellationToken ct = default) =>
        DoAsync(h => new EstablishChain(operatorKey, mintCosignThreshold) { Header = h }, ct: ct);

    /// <summary>Gives a role.</summary>
    public Task<Submitted> GrantRoleAsync(AccountId account, Roles role, CancellationToken ct = default) => DoAsync(h => new GrantRole(account, role) { Header = h }, ct: ct);

    /// <summary>Takes a role away.</summary>
    public Task<Submitted> RevokeRoleAsync(AccountId account, Roles role, CancellationToken ct = default) => DoAsync(h => new RevokeRole(account, role) { Header = h }, ct: ct);

    /// <summary>Mints into a budget line; above the chain's threshold a second officer cosigns.</summary>
    public Task<Submitted> MintBudgetAsync(string budget, Amount amount, Wallet? cosigner = null, CancellationToken ct = default) =>
        DoAsync(h => new MintBudget(budget, amount) { Header = h }, cosigner, ct);

    /// <summary>Publishes a job; returns its new id with the outcome.</summary>
    public async Task<(JobId Job, Submitted Outcome)> PublishJobAsync(string budget, string category, string neighbourhood, Amount reward, ushort slots, DateTimeOffset deadline, CancellationToken ct = default)
    {
        var job = JobId.New();
        var done = await DoAsync(h => new PublishJob(job, budget, category, neighbourhood, reward, slots, deadline.ToUnixTimeMilliseconds()) { Header = h }, ct: ct);
        return (job, done);
    }

    /// <summary>Approves a worker's completion: the reward is paid.</summary>
    public Task<Submitted> ApproveAsync(JobId job, AccountId worker, CancellationToken ct = default) => DoAsync(h => new ApproveCompletion(job, worker) { Header = h }, ct: ct);

    /// <summary>Rejects a worker's completion with a reason.</summary>
    public Task<Submitted> RejectAsync(JobId job, AccountId worker, CompletionRejectionReason reason, CancellationToken ct = default) =>
        DoAsync(h => new RejectCompletion(job, worker, reason) { Header = h }, ct: ct);

    /// <summary>Cancels a job; what is still reserved returns to the budget.</summary>
    public Task<Submitted> CancelJobAsync(JobId job, CancellationToken ct = default) => DoAsync(h => new CancelJob(job) { Header = h }, ct: ct);

    /// <summary>Admits a shop located in <paramref name="neighbourhood"/> (a slug, e.g. <c>centrum</c>; re-admitting a suspended shop may move it).</summary>
    public Task<Submitted> AdmitMerchantAsync(AccountId merchant, string neighbourhood, CancellationToken ct = default) =>
        DoAsync(h => new AdmitMerchant(merchant, neighbourhood) { Header = h }, ct: ct);

    /// <summary>Suspends a shop.</summary>
    public Task<Submitted> SuspendMerchantAsync(AccountId merchant, CancellationToken ct = default) => DoAsync(h => new SuspendMerchant(merchant) { Header = h }, ct: ct);

    /// <summary>Records the bank transfer that paid a redemption.</summary>
    public Task<Submitted> SettleRedemptionAsync(AccountId merchant, CommandId redemption, string bankReference, CancellationToken ct = default) =>
        DoAsync(h => new SettleRedemption(merchant, redemption, bankReference) { Header = h }, ct: ct);

    /// <summary>Freezes or unfreezes an account.</summary>
    public Task<Submitted> FreezeAsync(AccountId account, bool frozen, CancellationToken ct = default) => DoAsync(h => new FreezeAccount(account, frozen) { Header = h }, ct: ct);

    /// <summary>
    /// Sets <paramref name="account"/>'s daily spending limit (an officer's command; e.g. for a munt card): the most it may pay
    /// per UTC calendar day. <see cref="Amount.Zero"/> removes the limit. Setting the limit it already has is recorded as
    /// <c>spending_limit_unchanged</c>, a negative one as <c>spending_limit_negative</c>.
    /// </summary>
    public Task<Submitted> SetSpendingLimitAsync(AccountId account, Amount dailyLimit, CancellationToken ct = default) =>
        DoAsync(h => new SetSpendingLimit(account, dailyLimit) { Header = h }, ct: ct);

    // Participation campaigns.

    /// <summary>
    /// A module opens a campaign (docs/participation.md). <paramref name="name"/> must be null for a sensitive campaign and a
    /// slug otherwise; <paramref name="area"/> is null for the city. An officer funds it afterwards.
    /// </summary>
    public Task<Submitted> OpenCampaignAsync(CampaignId campaign, string budget, Amount reward, DateTimeOffset opensAt, DateTimeOffset closesAt,
        Ledger.Commands.CampaignScope scope, string? area, ushort perPersonCap, bool sensitive, string? name, RsaBlindPublicKey key, CancellationToken ct = default) =>
        DoAsync(h => new OpenCampaign(campaign, budget, reward, opensAt.ToUnixTimeMilliseconds(), closesAt.ToUnixTimeMilliseconds(), scope, area, perPersonCap, sensitive, name, key.Encode()) { Header = h }, ct: ct);

    /// <summary>An officer moves <paramref name="amount"/> from the campaign's budget line into it.</summary>
    public Task<Submitted> FundCampaignAsync(CampaignId campaign, Amount amount, CancellationToken ct = default) =>
        DoAsync(h => new FundCampaign(campaign, amount) { Header = h }, ct: ct);

    /// <summary>The campaign's module (or an officer) closes it: no more rewards, the rest returns to the budget line.</summary>
    public Task<Submitted> CloseCampaignAsync(CampaignId campaign, CancellationToken ct = default) =>
        DoAsync(h => new CloseCampaign(campaign) { Header = h }, ct: ct);

    /// <summary>
    /// Prepares a reward token of <paramref name="campaign"/> for this account: reads the campaign's key from the server and
    /// checks it is the one <paramref name="expectedKeyId"/> names (the key id the desk shows with the campaign), so a server
    /// cannot swap keys to tell residents apart or spoil their tokens. Show <see cref="RewardTokens.DeskCode"/> of
    /// <see cref="PendingReward.BlindedMessage"/> to the module; keep the rest on the device.
    /// </summary>
    public async Task<PendingReward> RequestRewardAsync(CampaignId campaign, string expectedKeyId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expectedKeyId);
        var info = await Client.ChainInfoAsync(ct: ct);
        var c = await Client.CallAsync(o => Client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = campaign.ToString() }, o), null, ct);
        // A voucher for a campaign that pays no more would use up the person's one voucher at the desk for nothing.
        if (c.Status is CampaignStatus.Closed or CampaignStatus.Ended)
            throw new MuntException(Rejections.Code(RejectionCode.CampaignClosed),
                Rejections.Reason(RejectionCode.CampaignClosed, Client.Options.Language == "en" ? Language.English : Language.Dutch),
                Grpc.Core.StatusCode.FailedPrecondition, $"campaign {campaign} is {c.Status}");
        var key = RsaBlindPublicKey.Decode(c.PublicKey.Span);
        if (!string.Equals(key.KeyId.ToString(), expectedKeyId, StringComparison.OrdinalIgnoreCase))
            throw new MuntException("campaign_key_mismatch", "De sleutel van deze actie is niet de sleutel die de uitgever toont. Vraag geen bon aan en meld dit bij de gemeente.",
                Grpc.Core.StatusCode.FailedPrecondition, $"server key {key.KeyId}, module shows {expectedKeyId}");
        return RewardTokens.Request(info.ChainId, campaign, Account, key);
    }

    /// <summary>Unblinds the module's answer and hands the token in; the reward goes to this account.</summary>
    public Task<Submitted> RedeemRewardAsync(PendingReward pending, byte[] blindSignature, CancellationToken ct = default)
    {
        if (pending.Account != Account.ToString()) throw new ArgumentException("this token was prepared for another account", nameof(pending));
        var (serial, signature) = RewardTokens.Finish(pending, blindSignature);
        return DoAsync(h => new RedeemReward(CampaignId.Parse(pending.Campaign), serial, signature) { Header = h }, ct: ct);
    }

    // Reads with a session.

    /// <summary>A valid session for this wallet, renewed a minute before it expires.</summary>
    public async Task<SessionToken> SessionAsync(CancellationToken ct = default)
    {
        var current = _session;
        if (current is not null && current.ExpiresAtMs - Client.ServerNowMs > 60_000) return current;
        return _session = await Client.NewSessionAsync(Wallet, ct);
    }

    /// <summary>Forgets the session (e.g. after a key rotation).</summary>
    public void ForgetSession() => _session = null;

    /// <summary>Runs a read with this wallet's session.</summary>
    public async Task<T> ReadAsync<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct = default) =>
        await Client.CallAsync(call, await SessionAsync(ct), ct);

    /// <summary>The balance.</summary>
    public Task<Contracts.V1.Balance> BalanceAsync(CancellationToken ct = default) =>
        ReadAsync(o => Client.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = Account.ToString() }, o), ct);

    /// <summary>A page of history, newest first.</summary>
    public Task<History> HistoryAsync(int pageSize = 20, long beforeHeight = 0, CancellationToken ct = default) =>
        ReadAsync(o => Client.Wallets.GetHistoryAsync(new GetHistoryRequest { Account = Account.ToString(), PageSize = pageSize, BeforeHeight = beforeHeight }, o), ct);

    /// <summary>Roles, key and status.</summary>
    public Task<Contracts.V1.Account> AccountAsync(CancellationToken ct = default) =>
        ReadAsync(o => Client.Wallets.GetAccountAsync(new GetAccountRequest { Account = Account.ToString() }, o), ct);

    /// <summary>The jobs this account enrolled in.</summary>
    public Task<ListMyJobsResponse> MyJobsAsync(CancellationToken ct = default) =>
        ReadAsync(o => Client.Jobs.ListMyJobsAsync(new ListMyJobsRequest { Account = Account.ToString() }, o), ct);
}
