using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Commands;

/// <summary>
/// The canonical encoding of a command (docs/chain-format.md, "Command"). Deterministic: a command has
/// exactly one encoding, and decoding then encoding gives back the same bytes.
/// </summary>
public static class CommandCodec
{
    /// <summary>Format version written first in every command.</summary>
    public const byte Version = 1;

    /// <summary>Domain tag of the digest that signatures sign.</summary>
    public const string SignatureTag = "heerlen-munt/v1/command";

    /// <summary>Encodes a command. Throws <see cref="ArgumentException"/> if a field breaks its rule.</summary>
    public static byte[] Encode(Command command)
    {
        var w = new CanonicalWriter();
        Write(w, command);
        return w.ToArray();
    }

    /// <summary>The 32-byte digest every signer signs: tagged hash of the encoding (which starts with the chain id).</summary>
    public static Hash32 SigningDigest(ReadOnlySpan<byte> encodedCommand) => Hash32.Tagged(SignatureTag, encodedCommand);

    internal static void Write(CanonicalWriter w, Command command)
    {
        CommandHeader h = command.Header;
        if (!FieldRules.IsChainId(h.ChainId)) throw new ArgumentException($"chain id '{h.ChainId}' breaks the chain id rule");
        if (h.Actor.IsEmpty) throw new ArgumentException("a command needs an actor");
        w.U8(Version);
        w.Text(h.ChainId);
        w.U8((byte)command.Type);
        w.U128(h.Id.Value);
        w.Fixed(h.Actor.Span);
        w.I64(h.ExpiresAtMs);
        WriteBody(w, command);
    }

    private static void WriteBody(CanonicalWriter w, Command command)
    {
        switch (command)
        {
            case EstablishChain c: Account(w, c.OperatorKey); w.I64(c.MintCosignThreshold.Cents); break;
            case OpenAccount: break;
            case GrantRole c: Account(w, c.Account); w.U8((byte)c.Role); break;
            case RevokeRole c: Account(w, c.Account); w.U8((byte)c.Role); break;
            case MintBudget c: Slug(w, c.Budget); w.I64(c.Amount.Cents); break;
            case PublishJob c:
                w.U128(c.Job.Value); Slug(w, c.Budget); Slug(w, c.Category); Slug(w, c.Neighbourhood);
                w.I64(c.Reward.Cents); w.U16(c.Slots); w.I64(c.DeadlineMs);
                break;
            case Enrol c: w.U128(c.Job.Value); break;
            case SubmitCompletion c: w.U128(c.Job.Value); w.Fixed(c.EvidenceHash.Span); break;
            case ApproveCompletion c: w.U128(c.Job.Value); Account(w, c.Worker); break;
            case RejectCompletion c: w.U128(c.Job.Value); Account(w, c.Worker); w.U8((byte)c.Reason); break;
            case CancelJob c: w.U128(c.Job.Value); break;
            case Pay c:
                Account(w, c.Merchant); w.I64(c.Amount.Cents);
                w.Bool(c.Request.HasValue);
                if (c.Request is { } request) w.U128(request.Value);
                break;
            case Refund c: Account(w, c.Payer); w.U128(c.Payment.Value); w.I64(c.Amount.Cents); break;
            case Redeem c: w.I64(c.Amount.Cents); break;
            case SettleRedemption c:
                Account(w, c.Merchant); w.U128(c.Redemption.Value);
                if (!FieldRules.IsBankReference(c.BankReference)) throw new ArgumentException($"bank reference '{c.BankReference}' breaks its rule");
                w.Text(c.BankReference);
                break;
            case AdmitMerchant c: Account(w, c.Merchant); Slug(w, c.Neighbourhood); break;
            case SuspendMerchant c: Account(w, c.Merchant); break;
            case RotateKey c: Account(w, c.Account); Account(w, c.NewKey); break;
            case FreezeAccount c: Account(w, c.Account); w.Bool(c.Frozen); break;
            case SetSpendingLimit c: Account(w, c.Account); w.I64(c.DailyLimit.Cents); break;
            case OpenCampaign c: WriteOpenCampaign(w, c); break;
            case FundCampaign c: w.U128(c.Campaign.Value); w.I64(c.Amount.Cents); break;
            case RedeemReward c:
                w.U128(c.Campaign.Value); w.Fixed(c.Serial.Span);
                if (c.Signature.Length is 0 or > RewardSignatureBytesMax) throw new ArgumentException($"a reward signature is 1-{RewardSignatureBytesMax} bytes");
                w.Bytes16(c.Signature);
                break;
            case CloseCampaign c: w.U128(c.Campaign.Value); break;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}");
        }
    }

    /// <summary>Longest RSA public key field of OpenCampaign (a 4096-bit modulus and its exponent, with length prefixes).</summary>
    public const int CampaignKeyBytesMax = 2 + 512 + 2 + 8;

    /// <summary>Longest reward token signature (a 4096-bit modulus).</summary>
    public const int RewardSignatureBytesMax = 512;

    private static void WriteOpenCampaign(CanonicalWriter w, OpenCampaign c)
    {
        w.U128(c.Campaign.Value); Slug(w, c.Budget); w.I64(c.Reward.Cents); w.I64(c.OpensAtMs); w.I64(c.ClosesAtMs);
        if (!Enum.IsDefined(c.Scope)) throw new ArgumentException($"campaign scope {c.Scope} is unknown");
        w.U8((byte)c.Scope);
        if (c.Scope == CampaignScope.City) { if (c.Area is not null) throw new ArgumentException("a city-wide campaign has no area"); }
        else Slug(w, c.Area ?? throw new ArgumentException("a district or neighbourhood campaign names its area"));
        w.U16(c.PerPersonCap);
        w.Bool(c.Sensitive);
        // A sensitive campaign has no name field at all, so the chain has no place to show what it is about.
        if (c.Sensitive) { if (c.Name is not null) throw new ArgumentException("a sensitive campaign has no name on the chain"); }
        else Slug(w, c.Name ?? throw new ArgumentException("a campaign that is not sensitive has a name (a slug)"));
        if (c.Key.Length is 0 or > CampaignKeyBytesMax) throw new ArgumentException($"a campaign key is 1-{CampaignKeyBytesMax} bytes");
        w.Bytes16(c.Key);
    }

    private static OpenCampaign ReadOpenCampaign(ref CanonicalReader r, CommandHeader h)
    {
        var campaign = new CampaignId(r.U128());
        string budget = Slug(ref r);
        var reward = new Amount(r.I64());
        long opens = r.I64(), closes = r.I64();
        var scope = (CampaignScope)r.U8();
        if (!Enum.IsDefined(scope)) throw new DecodeException($"campaign scope {(byte)scope} is unknown");
        string? area = scope == CampaignScope.City ? null : Slug(ref r);
        ushort cap = r.U16();
        bool sensitive = r.Bool();
        string? name = sensitive ? null : Slug(ref r);
        var key = r.Bytes16();
        if (key.Length is 0 or > CampaignKeyBytesMax) throw new DecodeException($"a campaign key is 1-{CampaignKeyBytesMax} bytes");
        return new OpenCampaign(campaign, budget, reward, opens, closes, scope, area, cap, sensitive, name, key.ToArray()) { Header = h };
    }

    private static RedeemReward ReadRedeemReward(ref CanonicalReader r, CommandHeader h)
    {
        var campaign = new CampaignId(r.U128());
        var serial = new Hash32(r.Fixed(32));
        var signature = r.Bytes16();
        if (signature.Length is 0 or > RewardSignatureBytesMax) throw new DecodeException($"a reward signature is 1-{RewardSignatureBytesMax} bytes");
        return new RedeemReward(campaign, serial, signature.ToArray()) { Header = h };
    }

    private static void Account(CanonicalWriter w, AccountId id)
    {
        if (id.IsEmpty) throw new ArgumentException("an account field is empty");
        w.Fixed(id.Span);
    }

    private static void Slug(CanonicalWriter w, string s)
    {
        if (!FieldRules.IsSlug(s)) throw new ArgumentException($"'{s}' is not a slug (a-z, 0-9, '-', at most 32)");
        w.Text(s);
    }

    /// <summary>Decodes one command from the start of the reader; throws <see cref="DecodeException"/> on bad input.</summary>
    internal static Command Read(ref CanonicalReader r, out RejectionCode refusal)
    {
        refusal = RejectionCode.None;
        byte version = r.U8();
        if (version != Version)
        {
            refusal = RejectionCode.UnsupportedVersion;
            throw new DecodeException($"command version {version} is not supported (this ledger reads version {Version})");
        }
        string chainId = r.Text();
        if (!FieldRules.IsChainId(chainId)) throw new DecodeException("chain id breaks the chain id rule");
        byte type = r.U8();
        var header = new CommandHeader(chainId, new CommandId(r.U128()), new AccountId(r.Fixed(32)), r.I64());
        if (!Enum.IsDefined((CommandType)type))
        {
            refusal = RejectionCode.UnknownCommandType;
            throw new DecodeException($"command type {type} is unknown");
        }
        return ReadBody(ref r, (CommandType)type, header);
    }

    private static Command ReadBody(ref CanonicalReader r, CommandType type, CommandHeader h) => type switch
    {
        CommandType.EstablishChain => new EstablishChain(Account(ref r), new Amount(r.I64())) { Header = h },
        CommandType.OpenAccount => new OpenAccount { Header = h },
        CommandType.GrantRole => new GrantRole(Account(ref r), RoleByte(ref r)) { Header = h },
        CommandType.RevokeRole => new RevokeRole(Account(ref r), RoleByte(ref r)) { Header = h },
        CommandType.MintBudget => new MintBudget(Slug(ref r), new Amount(r.I64())) { Header = h },
        CommandType.PublishJob => new PublishJob(new JobId(r.U128()), Slug(ref r), Slug(ref r), Slug(ref r), new Amount(r.I64()), r.U16(), r.I64()) { Header = h },
        CommandType.Enrol => new Enrol(new JobId(r.U128())) { Header = h },
        CommandType.SubmitCompletion => new SubmitCompletion(new JobId(r.U128()), new Hash32(r.Fixed(32))) { Header = h },
        CommandType.ApproveCompletion => new ApproveCompletion(new JobId(r.U128()), Account(ref r)) { Header = h },
        CommandType.RejectCompletion => new RejectCompletion(new JobId(r.U128()), Account(ref r), Reason(ref r)) { Header = h },
        CommandType.CancelJob => new CancelJob(new JobId(r.U128())) { Header = h },
        CommandType.Pay => new Pay(Account(ref r), new Amount(r.I64()), r.Bool() ? new PaymentRequestId(r.U128()) : null) { Header = h },
        CommandType.Refund => new Refund(Account(ref r), new CommandId(r.U128()), new Amount(r.I64())) { Header = h },
        CommandType.Redeem => new Redeem(new Amount(r.I64())) { Header = h },
        CommandType.SettleRedemption => new SettleRedemption(Account(ref r), new CommandId(r.U128()), BankReference(ref r)) { Header = h },
        CommandType.AdmitMerchant => new AdmitMerchant(Account(ref r), Slug(ref r)) { Header = h },
        CommandType.SuspendMerchant => new SuspendMerchant(Account(ref r)) { Header = h },
        CommandType.RotateKey => new RotateKey(Account(ref r), Account(ref r)) { Header = h },
        CommandType.FreezeAccount => new FreezeAccount(Account(ref r), r.Bool()) { Header = h },
        CommandType.SetSpendingLimit => new SetSpendingLimit(Account(ref r), new Amount(r.I64())) { Header = h },
        CommandType.OpenCampaign => ReadOpenCampaign(ref r, h),
        CommandType.FundCampaign => new FundCampaign(new CampaignId(r.U128()), new Amount(r.I64())) { Header = h },
        CommandType.RedeemReward => ReadRedeemReward(ref r, h),
        CommandType.CloseCampaign => new CloseCampaign(new CampaignId(r.U128())) { Header = h },
        _ => throw new DecodeException($"command type {type} is unknown"),
    };

    private static AccountId Account(ref CanonicalReader r) => new(r.Fixed(32));

    private static string Slug(ref CanonicalReader r)
    {
        string s = r.Text();
        return FieldRules.IsSlug(s) ? s : throw new DecodeException("a slug field breaks its rule (a-z, 0-9, '-', at most 32)");
    }

    private static string BankReference(ref CanonicalReader r)
    {
        string s = r.Text();
        return FieldRules.IsBankReference(s) ? s : throw new DecodeException("bank reference breaks its rule (1-35 printable ASCII)");
    }

    private static Roles RoleByte(ref CanonicalReader r)
    {
        var role = (Roles)r.U8();
        // Exactly one known role per grant, so a grant is never ambiguous.
        return role is Roles.Issuer or Roles.Officer or Roles.Merchant or Roles.Resident or Roles.Module or Roles.Auditor
            ? role
            : throw new DecodeException($"role byte {(byte)role} is not one role");
    }

    private static CompletionRejectionReason Reason(ref CanonicalReader r)
    {
        var reason = (CompletionRejectionReason)r.U8();
        return Enum.IsDefined(reason) ? reason : throw new DecodeException($"rejection reason {(byte)reason} is unknown");
    }
}
