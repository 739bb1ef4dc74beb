using FsCheck;
using FsCheck.Fluent;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Ledger.Tests.Support;

namespace Heerlen.Munt.Ledger.Tests.Properties;

/// <summary>One random step: a roll that picks the kind of command and four numbers that pick actors, targets and amounts.</summary>
public sealed record Step(int Roll, int A, int B, int C, int D)
{
    // How often each kind comes up, by kind number (see RandomScript.Build): the money path is common, admin rare.
    private static readonly int[] Weights = [3, 3, 1, 4, 6, 10, 10, 10, 3, 1, 12, 4, 4, 4, 2, 1, 2, 2, 3, 2, 3, 3, 2, 3, 5, 1];
    private static readonly int[] KindByRoll = [.. Weights.SelectMany((weight, kind) => Enumerable.Repeat(kind, weight))];

    public static int RollMax => KindByRoll.Length - 1;

    public int Kind => KindByRoll[Roll % KindByRoll.Length];
}

/// <summary>
/// Plays a random mix of valid and invalid commands against a community. Every pick is made from the
/// step's numbers, so a failing script can be read back and replayed.
/// </summary>
public sealed class RandomScript
{
    private static readonly long[] AmountChoices = [-100, 0, 1, 250, 1_500, 50_000, Amount.CentsMax + 1];

    // Daily limits: mostly small enough that the random payments meet them, sometimes none, negative or too large.
    private static readonly long[] LimitChoices = [-1, 0, 1, 300, 300, 2_000, 60_000, Amount.CentsMax + 1];

    private readonly Dictionary<AccountId, SigningKey> _keys = [];
    private readonly List<AccountId> _accounts = [];
    private readonly List<JobId> _jobs = [JobId.New()];
    private readonly List<(AccountId Payer, CommandId Id)> _payments = [(default, CommandId.New())];
    private readonly List<(AccountId Merchant, CommandId Id)> _redemptions = [(default, CommandId.New())];
    private readonly List<byte[]> _sent = [];
    private readonly List<CampaignId> _campaigns = [CampaignId.New()];
    private readonly List<(Hash32 Serial, byte[] Signature)> _tokens = [];

    public RandomScript()
    {
        Community = new Community(verifier: NativeSchnorrVerifier.Instance);
        foreach (var key in new[] { Community.Issuer, Community.Officer1, Community.Officer2 }) Track(key.PublicKey, key);
        for (int i = 0; i < 3; i++) Track(Community.NewAccount());
        for (int i = 0; i < 2; i++) Track(Community.NewMerchant());
        var module = Community.NewAccount();
        Community.Ok(Community.Submit(new GrantRole(module.PublicKey, Roles.Module) { Header = Community.Header(Community.Issuer) }, Community.Issuer));
        Track(module);
    }

    public static Gen<Step> StepGen { get; } =
        from kind in Gen.Choose(0, Step.RollMax)
        from a in Gen.Choose(0, 1000)
        from b in Gen.Choose(0, 1000)
        from c in Gen.Choose(0, 1000)
        from d in Gen.Choose(0, 1000)
        select new Step(kind, a, b, c, d);

    public static Arbitrary<Step[]> Scripts { get; } = Gen.ArrayOf(StepGen).ToArbitrary();

    public Community Community { get; }

    public LedgerState State => Community.State;

    /// <summary>Plays one step and returns what the ledger said.</summary>
    public SubmitResult Play(Step s)
    {
        var actor = ActorFor(s);
        byte[] envelope = s.Kind switch
        {
            18 when _sent.Count > 0 => _sent[s.B % _sent.Count],
            19 => AdvanceTime(s),
            20 when _sent.Count > 0 => Mutate(_sent[s.B % _sent.Count], s),
            _ => Sign(Build(s, actor), actor, s),
        };
        _sent.Add(envelope);
        var result = Community.Engine.Submit(envelope, Community.NowMs);
        Remember(s, result, envelope);
        return result;
    }

    private byte[] AdvanceTime(Step s)
    {
        Community.NowMs += s.B * 60_000L;
        return [];
    }

    private static byte[] Mutate(byte[] envelope, Step s)
    {
        if (envelope.Length == 0) return [1];
        byte[] copy = (byte[])envelope.Clone();
        int choice = s.C % 3;
        if (choice == 0) return Flip(copy, s.D);
        if (choice == 1) return copy[..(s.D % copy.Length)];
        return [.. copy, (byte)(s.D & 0xFF)];
    }

    private static byte[] Flip(byte[] bytes, int at)
    {
        bytes[at % bytes.Length] ^= (byte)(1 << (at % 8));
        return bytes;
    }

    private Command Build(Step s, AccountId actor)
    {
        var h = new CommandHeader(Community.ChainId, CommandId.New(), actor, Community.NowMs + (s.D % 10 == 0 ? -1 : 60_000));
        Amount amount = new(AmountChoices[s.C % AmountChoices.Length]);
        AccountId target = Pick(s.B);
        return s.Kind switch
        {
            0 => NewAccountCommand(),
            1 => new GrantRole(target, RoleOf(s.C)) { Header = h },
            2 => new RevokeRole(target, RoleOf(s.C)) { Header = h },
            3 => new MintBudget(s.B % 4 == 0 ? "other" : Community.Budget, s.B % 5 == 0 ? Amount.FromEuros(20_000) : amount) { Header = h },
            4 => PublishCommand(s, h, amount),
            5 => new Enrol(PickJob(s.B)) { Header = h },
            6 => new SubmitCompletion(PickJob(s.B), Hash32.Sha256(BitConverter.GetBytes(s.C))) { Header = h },
            7 => new ApproveCompletion(PickJob(s.B), PickWorker(PickJob(s.B), s.C)) { Header = h },
            8 => new RejectCompletion(PickJob(s.B), PickWorker(PickJob(s.B), s.C), (CompletionRejectionReason)(1 + s.D % 5)) { Header = h },
            9 => new CancelJob(PickJob(s.B)) { Header = h },
            10 => new Pay(s.B % 5 == 0 ? target : PickWith(Roles.Merchant, s.B), amount, s.D % 2 == 0 ? PaymentRequestId.New() : null) { Header = h },
            11 => RefundCommand(s, h, amount),
            12 => new Redeem(amount) { Header = h },
            13 => SettleCommand(s, h),
            14 => new AdmitMerchant(target, s.C % 2 == 0 ? "centrum" : "gms") { Header = h },
            15 => new SuspendMerchant(target) { Header = h },
            16 => RotateCommand(h, actor),
            17 => new FreezeAccount(target, s.C % 2 == 0) { Header = h },
            22 => OpenCampaignCommand(s, h, amount),
            23 => new FundCampaign(PickCampaign(s.B), s.C % 3 == 0 ? amount : new Amount(500)) { Header = h },
            24 => RedeemCommand(s, h, actor),
            25 => new CloseCampaign(PickCampaign(s.B)) { Header = h },
            21 => new SetSpendingLimit(s.B % 3 != 0 ? PickPayer(s.B) : target, new Amount(LimitChoices[s.C % LimitChoices.Length])) { Header = h },
            _ => new OpenAccount { Header = h },
        };
    }

    private Command NewAccountCommand()
    {
        var key = SigningKey.Generate();
        _pendingKey = key;
        return new OpenAccount { Header = new CommandHeader(Community.ChainId, CommandId.New(), key.PublicKey, Community.NowMs + 60_000) };
    }

    private SigningKey? _pendingKey;
    private SigningKey? _rotationKey;

    private Command RotateCommand(CommandHeader h, AccountId actor)
    {
        _rotationKey = SigningKey.Generate();
        return new RotateKey(actor, _rotationKey.PublicKey) { Header = h };
    }

    private Command PublishCommand(Step s, CommandHeader h, Amount amount)
    {
        var job = s.D % 7 == 0 ? _jobs[s.B % _jobs.Count] : JobId.New();
        long deadline = s.D % 9 == 0 ? Community.NowMs - 1 : Community.NowMs + (s.B + 1) * 3_600_000L;
        return new PublishJob(job, s.C % 6 == 0 ? "nope" : Community.Budget, "groen", s.D % 2 == 0 ? "gms" : "centrum", amount, (ushort)(s.B % 4), deadline) { Header = h };
    }

    private Command OpenCampaignCommand(Step s, CommandHeader h, Amount amount)
    {
        var id = s.D % 7 == 0 ? PickCampaign(s.B) : CampaignId.New();
        long opens = Community.NowMs + (s.B % 4 == 0 ? 3_600_000 : 0);
        long closes = s.D % 9 == 0 ? Community.NowMs - 1 : Community.NowMs + (s.B + 1) * 3_600_000L;
        var key = Tokens.Key(s.C); // sometimes one a campaign already has: campaign_key_reused
        return new OpenCampaign(id, s.C % 6 == 0 ? "nope" : Community.Budget, s.C % 2 == 0 ? new Amount(100) : amount, opens, closes,
            CampaignScope.City, null, (ushort)(s.B % 3), s.D % 2 == 0, s.D % 2 == 0 ? null : "actie", key.PublicKey.Encode())
        { Header = h };
    }

    /// <summary>Mostly a genuine token for the actor (made with the first campaign key), sometimes one handed in before, sometimes someone else's.</summary>
    private Command RedeemCommand(Step s, CommandHeader h, AccountId actor)
    {
        var campaign = PickCampaign(s.B);
        (Hash32 Serial, byte[] Signature) token = s.C % 4 == 0 && _tokens.Count > 0
            ? _tokens[s.D % _tokens.Count]
            : Tokens.Make(KeyOf(campaign, s.C), Community.ChainId, campaign, s.C % 7 == 0 ? Pick(s.D) : actor);
        _tokens.Add(token);
        return new RedeemReward(campaign, token.Serial, token.Signature) { Header = h };
    }

    private CampaignId PickCampaign(int i) => _campaigns[i % _campaigns.Count];

    /// <summary>The campaign's own key, mostly; one in five tokens is signed with some other key (reward_token_invalid).</summary>
    private RsaBlindPrivateKey KeyOf(CampaignId campaign, int i) =>
        i % 5 != 0 && State.Campaigns.TryGetValue(campaign, out var c) && Tokens.Find(c.Key) is { } own ? own : Tokens.Key(i);

    private Command RefundCommand(Step s, CommandHeader h, Amount amount)
    {
        var (payer, id) = _payments[s.B % _payments.Count];
        return new Refund(payer.IsEmpty ? Pick(s.C) : payer, id, amount) { Header = h };
    }

    private Command SettleCommand(Step s, CommandHeader h)
    {
        var (merchant, id) = _redemptions[s.B % _redemptions.Count];
        return new SettleRedemption(merchant.IsEmpty ? Pick(s.C) : merchant, id, $"NL-{s.C}") { Header = h };
    }

    private byte[] Sign(Command command, AccountId actor, Step s)
    {
        if (command is OpenAccount && _pendingKey is not null) return SignedCommand.Create(command, _pendingKey).Envelope;
        SigningKey key = _keys[actor];
        // A second officer co-signs a third of mints and rotations; sometimes a wrong cosigner.
        SigningKey? cosigner = command is MintBudget or RotateKey && s.D % 3 == 0 ? _keys[Pick(s.D)] : null;
        AccountId? cosignerAccount = cosigner is null ? null : Pick(s.D);
        if (cosignerAccount == actor) cosigner = null;
        return SignedCommand.Create(command, key, cosigner, cosignerAccount, actor).Envelope;
    }

    private void Remember(Step s, SubmitResult result, byte[] envelope)
    {
        if (!result.Applied || result.IsRetry) return;
        var decoded = SignedCommand.Decode(envelope, Community.ChainId).Command!.Command;
        switch (decoded)
        {
            case OpenAccount when _pendingKey is not null && decoded.Header.Actor == _pendingKey.PublicKey:
                Track(_pendingKey);
                break;
            case PublishJob p:
                _jobs.Add(p.Job);
                break;
            case OpenCampaign c:
                _campaigns.Add(c.Campaign);
                break;
            case Pay:
                _payments.Add((decoded.Header.Actor, decoded.Header.Id));
                break;
            case Redeem:
                _redemptions.Add((decoded.Header.Actor, decoded.Header.Id));
                break;
            case RotateKey r when _rotationKey is not null && r.NewKey == _rotationKey.PublicKey:
                _keys[r.Account] = _rotationKey;
                break;
        }
    }

    private void Track(SigningKey key) => Track(key.PublicKey, key);

    private void Track(AccountId id, SigningKey key)
    {
        _keys[id] = key;
        _accounts.Add(id);
    }

    private AccountId Pick(int i) => _accounts[i % _accounts.Count];

    /// <summary>Four times in five the actor has the role the command needs; otherwise anyone (to meet not_permitted).</summary>
    private AccountId ActorFor(Step s)
    {
        if (s.A % 5 == 0) return Pick(s.A);
        if (s.Kind == 6) return PickWorker(PickJob(s.B), s.A);
        if (s.Kind == 11 && State.Payments.TryGetValue(_payments[s.B % _payments.Count], out var payment)) return payment.Merchant;
        Roles role = s.Kind switch
        {
            1 or 2 => Roles.Issuer,
            3 or 4 or 7 or 8 or 9 or 13 or 14 or 15 or 17 or 21 or 23 => Roles.Officer,
            5 or 10 or 24 => Roles.Resident,
            22 or 25 => Roles.Module,
            11 or 12 => Roles.Merchant,
            _ => Roles.None,
        };
        return role == Roles.None ? Pick(s.A) : PickWith(role, s.A);
    }

    private AccountId PickWith(Roles role, int i)
    {
        var fitting = _accounts.Where(a => State.Accounts.TryGetValue(a, out var st) && (st.Roles & role) != 0 && !st.Frozen).ToList();
        return fitting.Count == 0 ? Pick(i) : fitting[i % fitting.Count];
    }

    /// <summary>An account with money to pay with (so that limits meet payments), or anyone if none has any.</summary>
    private AccountId PickPayer(int i)
    {
        var payers = _accounts.Where(a => State.Accounts.TryGetValue(a, out var st) && st.Balance.Cents > 0).ToList();
        return payers.Count == 0 ? Pick(i) : payers[i % payers.Count];
    }

    private AccountId PickWorker(JobId job, int i)
    {
        if (!State.Jobs.TryGetValue(job, out var state) || state.Participants.Count == 0) return Pick(i);
        var workers = state.Participants.Keys.Order().ToList();
        return workers[i % workers.Count];
    }

    private JobId PickJob(int i) => _jobs[i % _jobs.Count];

    private static Roles RoleOf(int i) => (Roles)(1 << (i % 6));
}
