using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Sessions;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Authorization;

/// <summary>Who calls, one column of the matrix.</summary>
public enum Who
{
    /// <summary>No session at all.</summary>
    Anonymous,

    /// <summary>A session of the account the request names: the resident for Wallet, Jobs and People, the shop (bakkerij-bollen) for Merchants; the resident where nothing is named.</summary>
    Self,

    /// <summary>Another resident (joep).</summary>
    OtherResident,

    /// <summary>A shop that is not the one named (fietsenmaker-fons).</summary>
    Shop,

    /// <summary>An officer (officer-anouk).</summary>
    Officer,

    /// <summary>The auditor (cbs).</summary>
    Auditor,

    /// <summary>The issuer.</summary>
    Issuer,

    /// <summary>The resident's own session, past its end.</summary>
    ExpiredSession,

    /// <summary>The resident's own session, signed with the key the resident rotated away from.</summary>
    OldKeySession,

    /// <summary>An officer whose account was frozen.</summary>
    FrozenOfficer,

    /// <summary>A shop an officer suspended: in the Merchants rows the request names it (its own data); elsewhere it is a shop not named.</summary>
    SuspendedMerchant,

    /// <summary>A resident an officer froze, with their own session: in the Wallet, Jobs and People rows the request names them.</summary>
    FrozenResident,

    /// <summary>An account the issuer made an officer and then took the role from, with a session made while it was still an officer.</summary>
    RevokedOfficer,

    /// <summary>The same revoked officer with a session made after the revocation.</summary>
    RevokedOfficerNewSession,
}

/// <summary>One RPC and what each caller gets: <see cref="Answers.Allowed"/> (the call is served) or the reason code of the refusal.</summary>
public sealed record Access(string Rpc, string Anonymous, string Self, string OtherResident, string Shop, string Officer, string Auditor, string Issuer, string ExpiredSession, string OldKeySession, string FrozenOfficer,
    string SuspendedMerchant, string FrozenResident, string RevokedOfficer, string RevokedOfficerNewSession)
{
    /// <summary>The expected answer for one caller.</summary>
    public string For(Who who) => who switch
    {
        Who.Anonymous => Anonymous,
        Who.Self => Self,
        Who.OtherResident => OtherResident,
        Who.Shop => Shop,
        Who.Officer => Officer,
        Who.Auditor => Auditor,
        Who.Issuer => Issuer,
        Who.ExpiredSession => ExpiredSession,
        Who.OldKeySession => OldKeySession,
        Who.FrozenOfficer => FrozenOfficer,
        Who.SuspendedMerchant => SuspendedMerchant,
        Who.FrozenResident => FrozenResident,
        Who.RevokedOfficer => RevokedOfficer,
        Who.RevokedOfficerNewSession => RevokedOfficerNewSession,
        _ => throw new ArgumentOutOfRangeException(nameof(who), who, null),
    };
}

/// <summary>
/// Every RPC of every service called as every kind of caller, against the shared demo server. The table below is the
/// API's access policy; docs/api-access.md shows the same table for people (kept in sync by hand, checked here).
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class RoleMatrixTests(ServerFixture fixture)
{
    private const string Ok = Answers.Allowed;
    private const string NoSession = "session_required";
    private const string NotYours = "not_your_account";
    private const string NoRole = "role_required";
    private const string Expired = "session_expired";
    private const string OldKey = "session_key_not_current";
    private const string Suspended = "merchant_not_active";

    /// <summary>
    /// The access matrix. SubmitCommand is public: the command's signatures authorise it and the session header plays
    /// no part (what each role may do on the chain is the ledger's rule, docs/architecture.md). Calls that read a
    /// session when one is sent (GetJob) refuse a bad one even though they need none. A frozen account keeps its own
    /// data but loses its roles' powers, as on the chain.
    /// </summary>
    public static readonly Access[] Matrix =
    [
        //  RPC                                 anonymous  self       other res. shop       officer    auditor    issuer     expired    old key    frozen off suspended  frozen res revoked    revoked, new session
        new("Ledger.GetChainInfo",                Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Ledger.SubmitCommand",               Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Ledger.GetEntry",                    NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        Ok,        Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Ledger.ListEntries",                 NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        Ok,        Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Ledger.StreamEntries",               NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        Ok,        Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Wallet.GetAccount",                  NoSession, Ok,        NotYours,  NotYours,  Ok,        NotYours,  Ok,        Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("Wallet.GetBalance",                  NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("Wallet.GetHistory",                  NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("Jobs.ListJobs",                      Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Jobs.GetJob",                        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Expired,   OldKey,    Ok,        Ok,        Ok,        Ok,        Ok),
        new("Jobs.ListMyJobs",                    NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("Jobs.ListCompletions",               NoSession, NoRole,    NoRole,    NoRole,    Ok,        NoRole,    NoRole,    Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Jobs.SetJobText",                    NoSession, NoRole,    NoRole,    NoRole,    Ok,        NoRole,    NoRole,    Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Jobs.GetJobText",                    Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Merchants.CreatePaymentRequest",     NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  Suspended, NotYours,  NotYours,  NotYours),
        new("Merchants.GetPaymentRequest",        NoSession, Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Expired,   OldKey,    Ok,        Ok,        Ok,        Ok,        Ok),
        new("Merchants.WatchPaymentRequest",      NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  Ok,        NotYours,  NotYours,  NotYours),
        new("Merchants.GetStatement",             NoSession, Ok,        NotYours,  NotYours,  Ok,        NotYours,  NotYours,  Expired,   OldKey,    NotYours,  Ok,        NotYours,  NotYours,  NotYours),
        new("Merchants.ListRedemptions",          NoSession, Ok,        NotYours,  NotYours,  Ok,        NotYours,  NotYours,  Expired,   OldKey,    NotYours,  Ok,        NotYours,  NotYours,  NotYours),
        new("Merchants.ListMerchants",            NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        Ok,        Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Audit.GetCheckpoint",                Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Audit.ListCheckpoints",              Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Audit.GetInclusionProof",            Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Audit.GetConsistencyProof",          Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Statistics.GetFigures",              NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        NoRole,    Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("Statistics.GetLiabilities",          NoSession, NoRole,    NoRole,    NoRole,    Ok,        Ok,        Ok,        Expired,   OldKey,    NoRole,    NoRole,    NoRole,    NoRole,    NoRole),
        new("People.SavePersonalData",            NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("People.GetPersonalData",             NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("People.UploadJobPhoto",              NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("People.GetJobPhoto",                 NoSession, Ok,        NotYours,  NotYours,  Ok,        NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("People.ErasePersonalData",           NoSession, Ok,        NotYours,  NotYours,  NotYours,  NotYours,  NotYours,  Expired,   OldKey,    NotYours,  NotYours,  Ok,        NotYours,  NotYours),
        new("Participation.ListCampaigns",        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Participation.GetCampaign",          Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Health.Check",                       Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
        new("Health.Watch",                       Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok,        Ok),
    ];

    /// <summary>
    /// How each RPC is called: with real ids from the demo and from <see cref="World"/>, so that an allowed call
    /// succeeds. Rows run in the order of <see cref="Matrix"/> (the People rows end with the erasure for that reason).
    /// </summary>
    private static readonly Dictionary<string, Func<World, CallOptions, Task>> Calls = new()
    {
        ["Ledger.GetChainInfo"] = (w, o) => w.Client.Ledger.GetChainInfoAsync(new GetChainInfoRequest(), o).ResponseAsync,
        ["Ledger.SubmitCommand"] = (w, o) => w.Client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = w.NewAccountEnvelope() }, o).ResponseAsync,
        ["Ledger.GetEntry"] = (w, o) => w.Client.Ledger.GetEntryAsync(new GetEntryRequest { Height = 1 }, o).ResponseAsync,
        ["Ledger.ListEntries"] = (w, o) => w.Client.Ledger.ListEntriesAsync(new ListEntriesRequest { FromHeight = 0, PageSize = 5 }, o).ResponseAsync,
        ["Ledger.StreamEntries"] = (w, o) => Answers.FirstAsync(w.Client.Ledger.StreamEntries(new StreamEntriesRequest { FromHeight = 0 }, o)),
        ["Wallet.GetAccount"] = (w, o) => w.Client.Wallets.GetAccountAsync(new GetAccountRequest { Account = w.Resident }, o).ResponseAsync,
        ["Wallet.GetBalance"] = (w, o) => w.Client.Wallets.GetBalanceAsync(new GetBalanceRequest { Account = w.Resident }, o).ResponseAsync,
        ["Wallet.GetHistory"] = (w, o) => w.Client.Wallets.GetHistoryAsync(new GetHistoryRequest { Account = w.Resident }, o).ResponseAsync,
        ["Jobs.ListJobs"] = (w, o) => w.Client.Jobs.ListJobsAsync(new ListJobsRequest { Neighbourhood = "centrum" }, o).ResponseAsync,
        ["Jobs.GetJob"] = (w, o) => w.Client.Jobs.GetJobAsync(new GetJobRequest { Job = w.Job }, o).ResponseAsync,
        ["Jobs.ListMyJobs"] = (w, o) => w.Client.Jobs.ListMyJobsAsync(new ListMyJobsRequest { Account = w.Resident }, o).ResponseAsync,
        ["Jobs.ListCompletions"] = (w, o) => w.Client.Jobs.ListCompletionsAsync(new ListCompletionsRequest { Status = "submitted" }, o).ResponseAsync,
        ["Jobs.SetJobText"] = (w, o) => w.Client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = w.Job, Title = "Zwerfafval prikken", Description = "Een uur prikken rond het plein." }, o).ResponseAsync,
        ["Jobs.GetJobText"] = (w, o) => w.Client.Jobs.GetJobTextAsync(new GetJobTextRequest { Job = w.Job }, o).ResponseAsync,
        ["Merchants.CreatePaymentRequest"] = (w, o) => w.Client.Merchants.CreatePaymentRequestAsync(new CreatePaymentRequestRequest { Merchant = w.Shop, AmountCents = 250 }, o).ResponseAsync,
        ["Merchants.GetPaymentRequest"] = (w, o) => w.Client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = w.PaymentCode }, o).ResponseAsync,
        ["Merchants.WatchPaymentRequest"] = (w, o) => Answers.FirstAsync(w.Client.Merchants.WatchPaymentRequest(new GetPaymentRequestRequest { Code = w.PaymentCode }, o)),
        ["Merchants.GetStatement"] = (w, o) => w.Client.Merchants.GetStatementAsync(new GetStatementRequest { Merchant = w.Shop }, o).ResponseAsync,
        ["Merchants.ListRedemptions"] = (w, o) => w.Client.Merchants.ListRedemptionsAsync(new ListRedemptionsRequest { Merchant = w.Shop }, o).ResponseAsync,
        ["Merchants.ListMerchants"] = (w, o) => w.Client.Merchants.ListMerchantsAsync(new ListMerchantsRequest(), o).ResponseAsync,
        ["Audit.GetCheckpoint"] = (w, o) => w.Client.Audit.GetCheckpointAsync(new GetCheckpointRequest(), o).ResponseAsync,
        ["Audit.ListCheckpoints"] = (w, o) => w.Client.Audit.ListCheckpointsAsync(new ListCheckpointsRequest(), o).ResponseAsync,
        ["Audit.GetInclusionProof"] = (w, o) => w.Client.Audit.GetInclusionProofAsync(new GetInclusionProofRequest { Height = 0 }, o).ResponseAsync,
        ["Audit.GetConsistencyProof"] = (w, o) => w.Client.Audit.GetConsistencyProofAsync(new GetConsistencyProofRequest { OldSize = w.CheckpointSize }, o).ResponseAsync,
        ["Statistics.GetFigures"] = (w, o) => w.Client.Statistics.GetFiguresAsync(new GetFiguresRequest { Area = "heerlen" }, o).ResponseAsync,
        ["Statistics.GetLiabilities"] = (w, o) => w.Client.Statistics.GetLiabilitiesAsync(new GetLiabilitiesRequest(), o).ResponseAsync,
        ["People.SavePersonalData"] = (w, o) => w.Client.People.SavePersonalDataAsync(new SavePersonalDataRequest { Account = w.Resident, Name = "Test Inwoner", Email = "inwoner@example.nl" }, o).ResponseAsync,
        ["People.GetPersonalData"] = (w, o) => w.Client.People.GetPersonalDataAsync(new GetPersonalDataRequest { Account = w.Resident }, o).ResponseAsync,
        ["People.UploadJobPhoto"] = (w, o) => w.Client.People.UploadJobPhotoAsync(new UploadJobPhotoRequest { Account = w.Resident, ContentType = "image/jpeg", Photo = ByteString.CopyFrom(w.Photo) }, o).ResponseAsync,
        ["People.GetJobPhoto"] = (w, o) => w.Client.People.GetJobPhotoAsync(new GetJobPhotoRequest { Account = w.Resident, EvidenceHash = w.EvidenceHash }, o).ResponseAsync,
        ["People.ErasePersonalData"] = (w, o) => w.Client.People.ErasePersonalDataAsync(new ErasePersonalDataRequest { Account = w.Resident }, o).ResponseAsync,
        ["Participation.ListCampaigns"] = (w, o) => w.Client.Participation.ListCampaignsAsync(new ListCampaignsRequest { IncludeClosed = true }, o).ResponseAsync,
        ["Participation.GetCampaign"] = (w, o) => w.Client.Participation.GetCampaignAsync(new GetCampaignRequest { Campaign = w.Campaign }, o).ResponseAsync,
        ["Health.Check"] = (w, o) => w.Health.CheckAsync(new HealthCheckRequest(), o).ResponseAsync,
        ["Health.Watch"] = (w, o) => Answers.FirstAsync(w.Health.Watch(new HealthCheckRequest(), o)),
    };

    /// <summary>Every service the server maps, as its generated descriptor.</summary>
    private static readonly ServiceDescriptor[] Services =
    [
        Contracts.V1.Ledger.Descriptor, Contracts.V1.Wallet.Descriptor, Jobs.Descriptor, Merchants.Descriptor,
        Audit.Descriptor, Statistics.Descriptor, People.Descriptor, Participation.Descriptor, Health.Descriptor,
    ];

    [Fact]
    public void the_matrix_has_one_row_and_one_call_for_every_method_of_every_service()
    {
        var methods = Services.SelectMany(s => s.Methods.Select(m => $"{s.Name}.{m.Name}")).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(methods, Matrix.Select(r => r.Rpc).Order(StringComparer.Ordinal));
        Assert.Equal(methods, Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void every_service_of_the_contract_is_in_the_matrix()
    {
        var contract = typeof(GetChainInfoRequest).Assembly.GetTypes()
            .Select(t => t.GetProperty("Descriptor", System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Where(p => p?.PropertyType == typeof(FileDescriptor))
            .SelectMany(p => ((FileDescriptor)p!.GetValue(null)!).Services)
            .Where(s => s.File.Package == "heerlen.munt.v1")
            .Select(s => s.FullName)
            .ToList();

        Assert.NotEmpty(contract);
        Assert.Subset(Services.Select(s => s.FullName).ToHashSet(), contract.ToHashSet());
    }

    [Fact]
    public void the_access_document_shows_the_same_matrix()
    {
        var documented = AccessDocument.Read();

        Assert.Equal(Matrix.Select(r => r.Rpc), documented.Keys);
        foreach (var row in Matrix)
            Assert.Equal(Enum.GetValues<Who>().Select(row.For), documented[row.Rpc]);
    }

    [Fact]
    public async Task every_rpc_answers_every_caller_as_the_matrix_says()
    {
        using var world = await World.CreateAsync(fixture);
        var wrong = new List<string>();
        foreach (var row in Matrix)
        {
            foreach (var who in Enum.GetValues<Who>())
            {
                world.Column = who;
                string answer = await Answers.OfAsync(() => Calls[row.Rpc](world, Answers.Options(world.SessionOf(who, row.Rpc))));
                if (answer != row.For(who)) wrong.Add($"{row.Rpc} as {who}: expected {row.For(who)}, got {answer}");
            }
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} answers differ from the matrix:\n{string.Join('\n', wrong)}");
    }

    [Fact]
    public async Task without_a_session_a_made_up_id_tells_nothing_because_the_session_is_checked_before_the_lookup()
    {
        using var client = fixture.Client();
        var options = Answers.Options(null);
        string stranger = Wallet.Create().Account.ToString(), code = "ZZZZZZZZ";

        Assert.Equal(NoSession, await Answers.OfAsync(() => client.Merchants.GetPaymentRequestAsync(new GetPaymentRequestRequest { Code = code }, options).ResponseAsync));
        Assert.Equal(NoSession, await Answers.OfAsync(() => Answers.FirstAsync(client.Merchants.WatchPaymentRequest(new GetPaymentRequestRequest { Code = code }, options))));
        Assert.Equal(NoSession, await Answers.OfAsync(() => client.Wallets.GetAccountAsync(new GetAccountRequest { Account = stranger }, options).ResponseAsync));
        Assert.Equal(NoSession, await Answers.OfAsync(() => client.Ledger.GetEntryAsync(new GetEntryRequest { Height = 1_000_000_000 }, options).ResponseAsync));
        Assert.Equal(NoSession, await Answers.OfAsync(() => client.People.GetJobPhotoAsync(new GetJobPhotoRequest { Account = stranger, EvidenceHash = new string('0', 64) }, options).ResponseAsync));
    }

    [Fact]
    public async Task a_frozen_resident_still_sees_their_own_account_but_can_do_nothing_on_the_chain()
    {
        using var client = fixture.Client();
        var resident = client.As(Wallet.Create());
        await resident.OpenAccountAsync();
        await client.As(fixture.Demo("officer-anouk")).FreezeAsync(resident.Account, true);

        var account = await resident.AccountAsync();
        var balance = await resident.BalanceAsync();
        var enrol = await Assert.ThrowsAsync<MuntRejectedException>(() => resident.EnrolAsync(JobId.New()));

        Assert.True(account.Frozen);
        Assert.Equal(0, balance.BalanceCents);
        Assert.Equal("account_frozen", enrol.Reason);
    }

    /// <summary>The accounts, ids and sessions the matrix is called with.</summary>
    private sealed class World : IDisposable
    {
        private readonly Dictionary<Who, string?> _sessions = [];
        private string _shopSession = "";
        private string _chainId = "";

        private World(MuntClient client, GrpcChannel channel)
        {
            Client = client;
            Channel = channel;
            Health = new Health.HealthClient(channel);
        }

        public MuntClient Client { get; }

        public GrpcChannel Channel { get; }

        public Health.HealthClient Health { get; }

        /// <summary>The column being called: the frozen resident and the suspended shop are named in their own columns.</summary>
        public Who Column { get; set; }

        /// <summary>The resident the Wallet, Jobs and People rows name: a new account whose key was rotated once (the frozen resident in that column).</summary>
        public string Resident => Column == Who.FrozenResident ? _frozenResident : _resident;

        /// <summary>The shop the Merchants rows name (the suspended shop in that column).</summary>
        public string Shop => Column == Who.SuspendedMerchant ? _suspendedShop : _shop;

        private string _resident = "", _shop = "", _frozenResident = "", _suspendedShop = "", _paymentCode = "", _suspendedPaymentCode = "";

        private byte[] _photo = [], _frozenPhoto = [];

        /// <summary>A job the resident enrolled in and reported done, with <see cref="Photo"/> as evidence.</summary>
        public string Job { get; private set; } = "";

        /// <summary>The named resident's evidence photo (each resident has their own).</summary>
        public byte[] Photo => Column == Who.FrozenResident ? _frozenPhoto : _photo;

        public string EvidenceHash => Hash32.Sha256(Photo).ToHex();

        /// <summary>An open payment request of <see cref="Shop"/>.</summary>
        public string PaymentCode => Column == Who.SuspendedMerchant ? _suspendedPaymentCode : _paymentCode;

        public string Campaign { get; private set; } = "";

        /// <summary>The tree size of a sealed checkpoint.</summary>
        public long CheckpointSize { get; private set; }

        public static async Task<World> CreateAsync(ServerFixture fixture)
        {
            var world = new World(fixture.Client(), GrpcChannel.ForAddress(fixture.Server.GrpcUrl));
            await world.SetUpAsync(fixture);
            return world;
        }

        /// <summary>The session text a caller sends on a row (null: none).</summary>
        public string? SessionOf(Who who, string rpc) =>
            who == Who.Self && rpc.StartsWith("Merchants.", StringComparison.Ordinal) ? _shopSession : _sessions[who];

        /// <summary>A new wallet's OpenAccount, signed: a command anyone may submit.</summary>
        public ByteString NewAccountEnvelope()
        {
            var wallet = Wallet.Create();
            var header = new CommandHeader(_chainId, CommandId.New(), wallet.Account, Client.ServerNowMs + 300_000);
            return ByteString.CopyFrom(SignedCommand.Create(new OpenAccount { Header = header }, wallet.Key).Envelope);
        }

        public void Dispose()
        {
            Channel.Dispose();
            Client.Dispose();
        }

        private async Task SetUpAsync(ServerFixture fixture)
        {
            _chainId = (await Client.ChainInfoAsync()).ChainId;
            var officer = Client.As(fixture.Demo("officer-anouk"));
            var issuer = Client.As(fixture.Demo("issuer"));
            var shop = fixture.Demo("bakkerij-bollen");
            _shop = shop.Account.ToString();
            _photo = [0xFF, 0xD8, 0xFF, 0xE0, .. Guid.NewGuid().ToByteArray()];
            _frozenPhoto = [0xFF, 0xD8, 0xFF, 0xE0, .. Guid.NewGuid().ToByteArray()];

            // The resident rotates their key once, so the old key's sessions are refused and the new key's are their own.
            var first = Wallet.Create();
            await Client.As(first).OpenAccountAsync();
            var resident = await Client.As(first).RotateKeyAsync(SigningKey.Generate());
            _resident = resident.Account.ToString();

            var (job, _) = await officer.PublishJobAsync(DemoCommunity.Budget, "zwerfafval", "centrum", new Amount(500), 2, DateTimeOffset.UtcNow.AddDays(7));
            Job = job.ToString();
            await officer.ReadAsync(o => Client.Jobs.SetJobTextAsync(new SetJobTextRequest { Job = Job, Title = "Zwerfafval prikken" }, o)); // GetJobText has a text to serve anyone
            var worker = Client.As(resident);
            await worker.EnrolAsync(job);
            await worker.SubmitCompletionAsync(job, _photo);
            await Eventually(async () => (await worker.MyJobsAsync()).Work.Any(w => w.Job == Job && w.Status == "submitted"));

            // A resident who did the same job, then was frozen: their own data stays theirs.
            var frozenResident = Wallet.Create();
            var frozenWorker = Client.As(frozenResident);
            await frozenWorker.OpenAccountAsync();
            await frozenWorker.EnrolAsync(job);
            await frozenWorker.SubmitCompletionAsync(job, _frozenPhoto);
            await Eventually(async () => (await frozenWorker.MyJobsAsync()).Work.Any(w => w.Job == Job && w.Status == "submitted"));
            await officer.FreezeAsync(frozenResident.Account, true);
            _frozenResident = frozenResident.Account.ToString();

            // A shop admitted, with an open payment request, then suspended.
            var suspended = Wallet.Create();
            await Client.As(suspended).OpenAccountAsync();
            await officer.AdmitMerchantAsync(suspended.Account, "centrum");
            _suspendedPaymentCode = (await Client.As(suspended).RequestPaymentAsync(new Amount(300), 3600)).ShortCode;
            await officer.SuspendMerchantAsync(suspended.Account);
            _suspendedShop = suspended.Account.ToString();

            // An officer whose role the issuer took away after it made a session.
            var revoked = Wallet.Create();
            await Client.As(revoked).OpenAccountAsync();
            await issuer.GrantRoleAsync(revoked.Account, Roles.Officer);
            string revokedSession = SessionToken.Create(_chainId, revoked.Account, revoked.Key, Client.ServerNowMs - 1000, TimeSpan.FromMinutes(15)).ToText();
            await issuer.RevokeRoleAsync(revoked.Account, Roles.Officer);

            var frozen = Wallet.Create();
            await Client.As(frozen).OpenAccountAsync();
            await issuer.GrantRoleAsync(frozen.Account, Roles.Officer);
            await officer.FreezeAsync(frozen.Account, true);

            // A campaign for Participation.GetCampaign: a module account (granted by the issuer) opens it.
            var module = Wallet.Create();
            await Client.As(module).OpenAccountAsync();
            await issuer.GrantRoleAsync(module.Account, Roles.Module);
            var campaign = CampaignId.New();
            var campaignKey = RsaBlindPrivateKey.Generate(2048, new Org.BouncyCastle.Security.SecureRandom());
            await Client.As(module).OpenCampaignAsync(campaign, DemoCommunity.Budget, new Amount(100), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1),
                Ledger.Commands.CampaignScope.City, null, 1, true, null, campaignKey.PublicKey);
            Campaign = campaign.ToString();

            _paymentCode = (await Client.As(shop).RequestPaymentAsync(new Amount(300), 3600)).ShortCode;
            await Eventually(async () => await Answers.OfAsync(() => Client.Audit.GetCheckpointAsync(new GetCheckpointRequest()).ResponseAsync) == Answers.Allowed);
            CheckpointSize = (await Client.Audit.GetCheckpointAsync(new GetCheckpointRequest())).TreeSize;

            long now = Client.ServerNowMs;
            string Session(Wallet wallet) => SessionToken.Create(_chainId, wallet.Account, wallet.Key, now - 1000, TimeSpan.FromMinutes(15)).ToText();
            _sessions[Who.Anonymous] = null;
            _sessions[Who.Self] = Session(resident);
            _sessions[Who.OtherResident] = Session(fixture.Demo("joep"));
            _sessions[Who.Shop] = Session(fixture.Demo("fietsenmaker-fons"));
            _sessions[Who.Officer] = Session(fixture.Demo("officer-anouk"));
            _sessions[Who.Auditor] = Session(fixture.Demo("cbs"));
            _sessions[Who.Issuer] = Session(fixture.Demo("issuer"));
            _sessions[Who.ExpiredSession] = SessionToken.Create(_chainId, resident.Account, resident.Key, now - 3_600_000, TimeSpan.FromMinutes(15)).ToText();
            _sessions[Who.OldKeySession] = Session(first);
            _sessions[Who.FrozenOfficer] = Session(frozen);
            _sessions[Who.SuspendedMerchant] = Session(suspended);
            _sessions[Who.FrozenResident] = Session(frozenResident);
            _sessions[Who.RevokedOfficer] = revokedSession;
            _sessions[Who.RevokedOfficerNewSession] = Session(revoked);
            _shopSession = Session(shop);
        }

        /// <summary>Waits (at most 30 s) for a read model to catch up.</summary>
        private static async Task Eventually(Func<Task<bool>> condition)
        {
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!await condition())
            {
                if (DateTime.UtcNow > until) throw new TimeoutException("the read model did not catch up in 30 s");
                await Task.Delay(100);
            }
        }
    }
}

/// <summary>Reads the matrix back from docs/api-access.md: rows "| Service.Method | cell | … |", "✓" for allowed.</summary>
internal static class AccessDocument
{
    /// <summary>The repository-relative path of the document.</summary>
    public const string RelativePath = "docs/api-access.md";

    /// <summary>The rows in document order: RPC, then the cells in the order of <see cref="Who"/>.</summary>
    public static Dictionary<string, List<string>> Read()
    {
        var rows = new Dictionary<string, List<string>>();
        foreach (string line in File.ReadLines(Path.Combine(RepositoryRoot(), RelativePath)))
        {
            if (!line.StartsWith('|')) continue;
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToList();
            if (cells.Count < 2 || !System.Text.RegularExpressions.Regex.IsMatch(cells[0], @"^[A-Z][A-Za-z]+\.[A-Z][A-Za-z]+$")) continue;
            rows.Add(cells[0], cells.Skip(1).Select(c => c == "✓" ? Answers.Allowed : c).ToList());
        }
        return rows;
    }

    /// <summary>The signed-command matrix in document order: rows "| 5 MintBudget | cell | … |", "✓" for applied.</summary>
    public static Dictionary<string, List<string>> ReadCommands()
    {
        var rows = new Dictionary<string, List<string>>();
        foreach (string line in File.ReadLines(Path.Combine(RepositoryRoot(), RelativePath)))
        {
            if (!line.StartsWith('|')) continue;
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToList();
            if (cells.Count < 2 || !System.Text.RegularExpressions.Regex.IsMatch(cells[0], @"^[0-9]+ ")) continue;
            rows.Add(cells[0], cells.Skip(1).Select(c => c == "✓" ? Answers.Allowed : c).ToList());
        }
        return rows;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Heerlen.Munt.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Heerlen.Munt.sln not found above " + AppContext.BaseDirectory);
    }
}
