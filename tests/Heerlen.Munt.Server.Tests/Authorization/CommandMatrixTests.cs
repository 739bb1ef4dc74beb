using System.Text;
using Google.Protobuf;
using Heerlen.Munt.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Participation;
using Heerlen.Munt.Server.Demo;
using Heerlen.Munt.Server.Tests.Support;
using Org.BouncyCastle.Security;
using Wallet = Heerlen.Munt.Client.Wallet;

namespace Heerlen.Munt.Server.Tests.Authorization;

/// <summary>Who signs a command, one column of the signed-command matrix.</summary>
public enum Signer
{
    /// <summary>A resident with money earned for a job.</summary>
    Resident,

    /// <summary>An admitted shop with money from payments.</summary>
    Shop,

    /// <summary>A shop with money from payments, then suspended.</summary>
    SuspendedMerchant,

    /// <summary>An officer.</summary>
    Officer,

    /// <summary>The auditor.</summary>
    Auditor,

    /// <summary>The issuer.</summary>
    Issuer,

    /// <summary>A participation module (made by the issuer).</summary>
    Module,

    /// <summary>A resident with money, then frozen.</summary>
    FrozenResident,

    /// <summary>An officer whose account was frozen.</summary>
    FrozenOfficer,

    /// <summary>An account that was an officer until the issuer revoked the role.</summary>
    RevokedOfficer,
}

/// <summary>One command kind and what the ledger answers when each kind of account signs it: <see cref="Answers.Allowed"/> (applied) or the code.</summary>
public sealed record CommandAccess(int Type, string Name, string[] Outcomes)
{
    /// <summary>The expected answer for one signer.</summary>
    public string For(Signer signer) => Outcomes[(int)signer];
}

/// <summary>
/// Every command kind the ledger knows (wire tags 0 to 24; 0 is none) signed by every kind of account and sent through
/// Ledger.SubmitCommand, against a server of its own (keys rotate here). Each cell gets fresh targets (a new job, a new
/// resident, a new campaign, …) so that only the signer differs, and the ledger's answer is compared with the table, which
/// docs/api-access.md shows too. Codes below 100 are refusals (never stored); from 100 on, rejections recorded on the chain.
/// The approve row has the resident approve their own completion; the refund row has a shop refund a payment to itself.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class CommandMatrixTests(ServerFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    private const string Ok = Answers.Allowed;
    private const string No = "not_permitted";
    private const string Frozen = "account_frozen";
    private const string Unknown = "unknown_command_type";
    private const string Established = "chain_already_established";
    private const string Exists = "account_exists";
    private const string NotEnrolled = "not_enrolled";
    private const string NoMoney = "insufficient_funds"; // allowed to pay, but this account has no money

    /// <summary>The signed-command matrix, columns in the order of <see cref="Signer"/>.</summary>
    public static readonly CommandAccess[] Matrix =
    [
        //   type, name, then: resident, shop, suspended shop, officer, auditor, issuer, module, frozen resident, frozen officer, revoked officer
        new(0, "(no such command)", [Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown, Unknown]),
        new(1, "EstablishChain", [Established, Established, Established, Established, Established, Established, Established, Established, Established, Established]),
        new(2, "OpenAccount", [Exists, Exists, Exists, Exists, Exists, Exists, Exists, Exists, Exists, Exists]),
        new(3, "GrantRole", [No, No, No, No, No, Ok, No, Frozen, Frozen, No]),
        new(4, "RevokeRole", [No, No, No, No, No, Ok, No, Frozen, Frozen, No]),
        new(5, "MintBudget", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(6, "PublishJob", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(7, "Enrol", [Ok, Ok, Ok, Ok, Ok, No, Ok, Frozen, Frozen, Ok]),
        new(8, "SubmitCompletion", [Ok, Ok, Ok, Ok, Ok, NotEnrolled, Ok, Frozen, Frozen, Ok]),
        new(9, "ApproveCompletion", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(10, "RejectCompletion", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(11, "CancelJob", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(12, "Pay", [Ok, Ok, Ok, NoMoney, NoMoney, No, NoMoney, Frozen, Frozen, NoMoney]),
        new(13, "Refund", [No, Ok, Ok, No, No, No, No, Frozen, Frozen, No]),
        new(14, "Redeem", [No, Ok, Ok, No, No, No, No, Frozen, Frozen, No]),
        new(15, "SettleRedemption", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(16, "AdmitMerchant", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(17, "SuspendMerchant", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(18, "RotateKey", [Ok, Ok, Ok, Ok, Ok, Ok, Ok, Frozen, Frozen, Ok]),
        new(19, "FreezeAccount", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(20, "SetSpendingLimit", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(21, "OpenCampaign", [No, No, No, No, No, No, Ok, Frozen, Frozen, No]),
        new(22, "FundCampaign", [No, No, No, Ok, No, No, No, Frozen, Frozen, No]),
        new(23, "RedeemReward", [Ok, Ok, Ok, Ok, Ok, No, Ok, Frozen, Frozen, Ok]),
        new(24, "CloseCampaign", [No, No, No, Ok, No, No, Ok, Frozen, Frozen, No]),
    ];

    [Fact]
    public void the_command_matrix_has_one_row_for_every_command_type_the_ledger_knows_and_one_for_none()
    {
        var known = Enum.GetValues<CommandType>().Select(t => ((int)t, t.ToString())).Prepend((0, "(no such command)"));

        Assert.Equal(known, Matrix.Select(r => (r.Type, r.Name)));
        Assert.All(Matrix, r => Assert.Equal(Enum.GetValues<Signer>().Length, r.Outcomes.Length));
    }

    [Fact]
    public void the_access_document_shows_the_same_command_matrix()
    {
        var documented = AccessDocument.ReadCommands();

        Assert.Equal(Matrix.Select(r => $"{r.Type} {r.Name}"), documented.Keys);
        foreach (var row in Matrix) Assert.Equal(row.Outcomes, documented[$"{row.Type} {row.Name}"]);
    }

    [Fact]
    public async Task every_command_kind_signed_by_every_kind_of_account_gets_the_outcome_the_matrix_says()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var server = await fixture.StartServerAsync("commands");
        output.WriteLine($"server started in {clock.Elapsed.TotalSeconds:F1} s");
        try
        {
            using var client = ServerFixture.ClientOf(server);
            var world = await CommandWorld.CreateAsync(client, server);
            output.WriteLine($"signers and campaign ready at {clock.Elapsed.TotalSeconds:F1} s");
            var wrong = new List<string>();
            // RotateKey last: it changes the signer's key (the wallet follows), and nothing after it should depend on that.
            foreach (var row in Matrix.OrderBy(r => r.Type == (int)CommandType.RotateKey))
            {
                // The signers of a row at once (the sequencer batches them), except where cells share a target: one campaign
                // key, one campaign to close.
                bool shared = row.Type is (int)CommandType.OpenCampaign or (int)CommandType.CloseCampaign;
                var answers = new List<(Signer Signer, string Answer)>();
                if (shared)
                {
                    foreach (var signer in Enum.GetValues<Signer>()) answers.Add((signer, await world.SubmitAsync(row.Type, signer)));
                }
                else
                {
                    answers.AddRange(await Task.WhenAll(Enum.GetValues<Signer>().Select(async signer => (signer, await world.SubmitAsync(row.Type, signer)))));
                }
                foreach (var (signer, answer) in answers)
                    if (answer != row.For(signer)) wrong.Add($"{row.Type} {row.Name} signed by {signer}: expected {row.For(signer)}, got {answer}");
            }
            output.WriteLine($"{Matrix.Length * Enum.GetValues<Signer>().Length} cells done at {clock.Elapsed.TotalSeconds:F1} s");
            Assert.True(wrong.Count == 0, $"{wrong.Count} answers differ from the matrix:\n{string.Join('\n', wrong)}");
        }
        finally
        {
            await fixture.StopAsync(server);
        }
    }

    /// <summary>The signers and a helper officer, and fresh targets for each cell.</summary>
    private sealed class CommandWorld
    {
        private static readonly SecureRandom Random = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Signer, Wallet> _signers = [];
        private readonly Dictionary<Signer, (AccountId Payer, CommandId Payment)> _paymentsBeforeSuspension = [];
        private MuntActor _helper = null!;
        private MuntActor _issuer = null!;
        private Wallet _payer = null!;
        private Wallet _module = null!;
        private string _chainId = "";
        private CampaignId _rewardCampaign;
        private RsaBlindPrivateKey _rewardKey = null!;
        private RsaBlindPrivateKey? _campaignKey;
        private CampaignId? _closable;
        private AccountId _payee;

        /// <summary>
        /// The campaign keys this test uses (one for the reward campaign, two for the open row, three for the close row), made
        /// in the background from the start: a 2048-bit RSA key takes seconds on a busy machine, and the rows before need none.
        /// </summary>
        private readonly Queue<Task<RsaBlindPrivateKey>> _keys = KeysOneAfterAnother(6);

        private CommandWorld(MuntClient client) => Client = client;

        public MuntClient Client { get; }

        public static async Task<CommandWorld> CreateAsync(MuntClient client, RunningServer server)
        {
            var world = new CommandWorld(client);
            await world.SetUpAsync(server);
            return world;
        }

        /// <summary>Builds the row's command for this signer with fresh targets, signs and submits it: allowed or the code.</summary>
        public async Task<string> SubmitAsync(int type, Signer signer)
        {
            var wallet = _signers[signer];
            var header = new CommandHeader(_chainId, CommandId.New(), wallet.Account, Client.ServerNowMs + 300_000);
            byte[] envelope;
            SigningKey? rotatedTo = null;
            if (type == 0)
            {
                byte[] command = CommandCodec.Encode(new OpenAccount { Header = header });
                command[1 + 1 + Encoding.UTF8.GetByteCount(_chainId)] = 0; // the type byte, after the version and the chain id
                envelope = [.. command, 1, .. wallet.Account.Span, .. wallet.Key.PublicKey.Span, .. wallet.Key.Sign(CommandCodec.SigningDigest(command).Span)];
            }
            else
            {
                if (type == (int)CommandType.RotateKey) rotatedTo = SigningKey.Generate();
                var command = await BuildAsync((CommandType)type, signer, wallet, header, rotatedTo);
                envelope = SignedCommand.Create(command, wallet.Key).Envelope;
            }
            try
            {
                var answer = await Client.Ledger.SubmitCommandAsync(new SubmitCommandRequest { Envelope = ByteString.CopyFrom(envelope) }, Answers.Options(null));
                if (answer.Applied && rotatedTo is not null) _signers[signer] = wallet.WithKey(rotatedTo);
                // A campaign key is used once and a closed campaign stays closed: after one applies, the next cell gets a new one.
                // (Fresh for every cell would cost a 2048-bit RSA key each, most of this test's time.)
                if (answer.Applied && type == (int)CommandType.OpenCampaign) _campaignKey = null;
                if (answer.Applied && type == (int)CommandType.CloseCampaign) _closable = null;
                return answer.Applied ? Answers.Allowed : answer.Outcome.Code;
            }
            catch (Grpc.Core.RpcException e)
            {
                return MuntException.From(e).Reason;
            }
        }

        private async Task<Command> BuildAsync(CommandType type, Signer signer, Wallet wallet, CommandHeader h, SigningKey? rotatedTo) => type switch
        {
            CommandType.EstablishChain => new EstablishChain(wallet.Key.PublicKey, new Amount(0)) { Header = h },
            CommandType.OpenAccount => new OpenAccount { Header = h },
            CommandType.GrantRole => new GrantRole(await NewResidentAsync(), Roles.Officer) { Header = h },
            CommandType.RevokeRole => new RevokeRole(await NewOfficerAsync(), Roles.Officer) { Header = h },
            CommandType.MintBudget => new MintBudget(DemoCommunity.Budget, new Amount(100)) { Header = h },
            CommandType.PublishJob => new PublishJob(JobId.New(), DemoCommunity.Budget, "zwerfafval", "centrum", new Amount(100), 2, Client.ServerNowMs + 86_400_000) { Header = h },
            CommandType.Enrol => new Enrol(await NewJobAsync()) { Header = h },
            CommandType.SubmitCompletion => new SubmitCompletion(await EnrolledJobAsync(wallet), Hash32.Sha256(Guid.NewGuid().ToByteArray())) { Header = h },
            // The resident column approves and rejects their own completion; every other column someone else's.
            CommandType.ApproveCompletion => await CompletionAsync(signer, wallet, (job, worker) => new ApproveCompletion(job, worker) { Header = h }),
            CommandType.RejectCompletion => await CompletionAsync(signer, wallet, (job, worker) => new RejectCompletion(job, worker, CompletionRejectionReason.EvidenceUnclear) { Header = h }),
            CommandType.CancelJob => new CancelJob(await NewJobAsync()) { Header = h },
            CommandType.Pay => new Pay(_payee, new Amount(1), null) { Header = h },
            CommandType.Refund => await RefundAsync(signer, wallet, h),
            CommandType.Redeem => new Redeem(new Amount(1)) { Header = h },
            CommandType.SettleRedemption => await SettleAsync(h),
            CommandType.AdmitMerchant => new AdmitMerchant(await NewResidentAsync(), "centrum") { Header = h },
            CommandType.SuspendMerchant => new SuspendMerchant(await NewShopAsync()) { Header = h },
            CommandType.RotateKey => new RotateKey(wallet.Account, rotatedTo!.PublicKey) { Header = h },
            CommandType.FreezeAccount => new FreezeAccount(await NewResidentAsync(), true) { Header = h },
            CommandType.SetSpendingLimit => new SetSpendingLimit(await NewResidentAsync(), new Amount(1_000)) { Header = h },
            CommandType.OpenCampaign => NewCampaign(h, _campaignKey ??= await NextKeyAsync()).Command,
            CommandType.FundCampaign => new FundCampaign(_rewardCampaign, new Amount(100)) { Header = h },
            CommandType.RedeemReward => Reward(wallet, h),
            CommandType.CloseCampaign => new CloseCampaign(_closable ??= await OpenedCampaignAsync()) { Header = h },
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "a command type without a row builder"),
        };

        private async Task SetUpAsync(RunningServer server)
        {
            _chainId = (await Client.ChainInfoAsync()).ChainId;
            _issuer = Client.As(ServerFixture.Demo(server, "issuer"));
            _helper = Client.As(ServerFixture.Demo(server, "officer-bas"));
            var anouk = ServerFixture.Demo(server, "officer-anouk");
            _signers[Signer.Officer] = anouk;
            _signers[Signer.Auditor] = ServerFixture.Demo(server, "cbs");
            _signers[Signer.Issuer] = ServerFixture.Demo(server, "issuer");
            _payer = await EarnerAsync(20_000);
            _signers[Signer.Resident] = await EarnerAsync(500);
            _signers[Signer.FrozenResident] = await EarnerAsync(500);
            await _helper.FreezeAsync(_signers[Signer.FrozenResident].Account, true);
            foreach (var shop in new[] { Signer.Shop, Signer.SuspendedMerchant })
            {
                var wallet = Wallet.Create();
                await Client.As(wallet).OpenAccountAsync();
                await _helper.AdmitMerchantAsync(wallet.Account, "centrum");
                var paid = await Client.As(_payer).PayAsync(wallet.Account, new Amount(1_000));
                _paymentsBeforeSuspension[shop] = (_payer.Account, paid.Command);
                _signers[shop] = wallet;
            }
            await _helper.SuspendMerchantAsync(_signers[Signer.SuspendedMerchant].Account);
            _payee = await NewShopAsync(); // whom the Pay row pays: a third shop, so that no shop pays itself
            _module = await NewAccountAsync();
            await _issuer.GrantRoleAsync(_module.Account, Roles.Module);
            _signers[Signer.Module] = _module;
            var frozenOfficer = await NewAccountAsync();
            await _issuer.GrantRoleAsync(frozenOfficer.Account, Roles.Officer);
            await _helper.FreezeAsync(frozenOfficer.Account, true);
            _signers[Signer.FrozenOfficer] = frozenOfficer;
            var revoked = await NewAccountAsync();
            await _issuer.GrantRoleAsync(revoked.Account, Roles.Officer);
            await _issuer.RevokeRoleAsync(revoked.Account, Roles.Officer);
            _signers[Signer.RevokedOfficer] = revoked;
            // One campaign, funded, for the RedeemReward row: every signer hands in a genuine token for their own account.
            var (campaign, command) = NewCampaign(new CommandHeader(_chainId, CommandId.New(), _module.Account, Client.ServerNowMs + 300_000), await NextKeyAsync());
            await Client.SubmitAsync(SignedCommand.Create(command, _module.Key));
            (_rewardCampaign, _rewardKey) = (campaign.Campaign, campaign.Key);
            await _helper.FundCampaignAsync(_rewardCampaign, new Amount(5_000));
        }

        /// <summary>One key at a time on one thread: on two shared cores, six at once slowed everything else down more than they gained.</summary>
        private static Queue<Task<RsaBlindPrivateKey>> KeysOneAfterAnother(int count)
        {
            var keys = new Queue<Task<RsaBlindPrivateKey>>();
            Task previous = Task.CompletedTask;
            for (int i = 0; i < count; i++)
            {
                var before = previous;
                var next = Task.Run(async () =>
                {
                    await before;
                    return RsaBlindPrivateKey.Generate(2048, new SecureRandom());
                });
                keys.Enqueue(next);
                previous = next;
            }
            return keys;
        }

        private Task<RsaBlindPrivateKey> NextKeyAsync() => _keys.Count > 0 ? _keys.Dequeue() : Task.Run(() => RsaBlindPrivateKey.Generate(2048, new SecureRandom()));

        private ((CampaignId Campaign, RsaBlindPrivateKey Key) Campaign, OpenCampaign Command) NewCampaign(CommandHeader h, RsaBlindPrivateKey key)
        {
            var id = CampaignId.New();
            long now = Client.ServerNowMs;
            return ((id, key), new OpenCampaign(id, DemoCommunity.Budget, new Amount(100), now - 60_000, now + 86_400_000, Ledger.Commands.CampaignScope.City, null, 1, false, "matrix", key.PublicKey.Encode()) { Header = h });
        }

        private async Task<CampaignId> OpenedCampaignAsync()
        {
            var (campaign, command) = NewCampaign(new CommandHeader(_chainId, CommandId.New(), _module.Account, Client.ServerNowMs + 300_000), await NextKeyAsync());
            await Client.SubmitAsync(SignedCommand.Create(command, _module.Key));
            return campaign.Campaign;
        }

        private RedeemReward Reward(Wallet wallet, CommandHeader h)
        {
            var serial = new Hash32(SecureRandom.GetNextBytes(Random, 32));
            byte[] message = RewardToken.Message(_chainId, _rewardCampaign, wallet.Account, serial);
            var blinded = RsaBlindSignatures.Blind(_rewardKey.PublicKey, message, RewardToken.Variant, Random);
            byte[] blindSignature = RsaBlindSignatures.BlindSign(_rewardKey, blinded.BlindedMessage, Random);
            return new RedeemReward(_rewardCampaign, serial, RsaBlindSignatures.Finalize(_rewardKey.PublicKey, message, blindSignature, blinded.Inverse, RewardToken.Variant)) { Header = h };
        }

        private async Task<Command> CompletionAsync(Signer signer, Wallet wallet, Func<JobId, AccountId, Command> decide)
        {
            var worker = signer == Signer.Resident ? wallet : await NewAccountAsync();
            var job = await EnrolledJobAsync(worker);
            await Client.As(worker).DoAsync(h => new SubmitCompletion(job, Hash32.Sha256(Guid.NewGuid().ToByteArray())) { Header = h });
            return decide(job, worker.Account);
        }

        private async Task<Command> RefundAsync(Signer signer, Wallet wallet, CommandHeader h)
        {
            // A shop refunds a payment made to itself (the suspended one, a payment from before it was suspended); anyone else a payment to the shop.
            if (_paymentsBeforeSuspension.TryGetValue(signer, out var own)) return new Refund(own.Payer, own.Payment, new Amount(1)) { Header = h };
            var paid = await Client.As(_payer).PayAsync(_signers[Signer.Shop].Account, new Amount(10));
            return new Refund(_payer.Account, paid.Command, new Amount(1)) { Header = h };
        }

        private async Task<Command> SettleAsync(CommandHeader h)
        {
            var (redemption, _) = await Client.As(_signers[Signer.Shop]).RedeemAsync(new Amount(1));
            return new SettleRedemption(_signers[Signer.Shop].Account, redemption, "NL-MATRIX-" + redemption.ToString()[^6..]) { Header = h };
        }

        private async Task<JobId> NewJobAsync() => (await _helper.PublishJobAsync(DemoCommunity.Budget, "zwerfafval", "centrum", new Amount(100), 3, DateTimeOffset.UtcNow.AddDays(7))).Job;

        /// <summary>A new job the account tried to enrol in (an account that may not enrol is simply not enrolled).</summary>
        private async Task<JobId> EnrolledJobAsync(Wallet worker)
        {
            var job = await NewJobAsync();
            try
            {
                await Client.SubmitAsync(SignedCommand.Create(new Enrol(job) { Header = new CommandHeader(_chainId, CommandId.New(), worker.Account, Client.ServerNowMs + 300_000) }, worker.Key));
            }
            catch (MuntException)
            {
                // not_permitted, account_frozen, …: the row's command then meets a job this account is not enrolled in
            }
            return job;
        }

        private async Task<Wallet> NewAccountAsync()
        {
            var wallet = Wallet.Create();
            await Client.As(wallet).OpenAccountAsync();
            return wallet;
        }

        private async Task<AccountId> NewResidentAsync() => (await NewAccountAsync()).Account;

        private async Task<AccountId> NewOfficerAsync()
        {
            var officer = await NewAccountAsync();
            await _issuer.GrantRoleAsync(officer.Account, Roles.Officer);
            return officer.Account;
        }

        private async Task<AccountId> NewShopAsync()
        {
            var shop = await NewAccountAsync();
            await _helper.AdmitMerchantAsync(shop.Account, "centrum");
            return shop.Account;
        }

        /// <summary>A new resident who earned <paramref name="cents"/> for a job.</summary>
        private async Task<Wallet> EarnerAsync(long cents)
        {
            var wallet = await NewAccountAsync();
            var resident = Client.As(wallet);
            var (job, _) = await _helper.PublishJobAsync(DemoCommunity.Budget, "speeltuin-vegen", "gms", new Amount(cents), 1, DateTimeOffset.UtcNow.AddDays(7));
            await resident.EnrolAsync(job);
            await resident.SubmitCompletionAsync(job, [0xFF, 0xD8, .. Guid.NewGuid().ToByteArray()]);
            await _helper.ApproveAsync(job, wallet.Account);
            return wallet;
        }
    }
}
