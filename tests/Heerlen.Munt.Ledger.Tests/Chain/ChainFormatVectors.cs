using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Ledger.Tests.Chain;

/// <summary>
/// Builds docs/vectors/chain-format-v1.json: a small chain with one entry for every command type, its
/// blocks, and every intermediate value (command bytes, signing digest, entry bytes and hash, Merkle
/// root), so that a verifier written in another language can check itself against ours.
/// Keys come from fixed secrets (SHA-256 of a label) and are published here: they are test keys only.
/// </summary>
public static class ChainFormatVectors
{
    public const string ChainId = "heerlen-munt/vectors";
    private const long StartMs = 1_780_000_000_000;

    public static SigningKey Key(string label) => SigningKey.FromSecret(SHA256.HashData(Encoding.UTF8.GetBytes("heerlen-munt test vector key: " + label)));

    public static (LedgerEngine Engine, Dictionary<string, SigningKey> Keys) BuildChain()
    {
        var keys = new[] { "issuer", "operator", "officer-a", "officer-b", "resident", "shop", "resident-new-key" }.ToDictionary(k => k, Key);
        var engine = new LedgerEngine(ChainId, keys["operator"], NativeSchnorrVerifier.Instance, new BlockPolicy(EntriesMax: 8, IntervalMs: long.MaxValue));
        long now = StartMs;
        ulong id = 0;
        CommandHeader H(string actor) => new(ChainId, new CommandId(++id), keys[actor].PublicKey, now + 60_000);
        void Run(Command command, string actor, string? cosigner = null)
        {
            now += 1_000;
            var result = engine.Submit(SignedCommand.Create(command, keys[actor], cosigner is null ? null : keys[cosigner], actorAccount: command.Header.Actor).Envelope, now);
            if (result.Code != RejectionCode.None && command is not ApproveCompletion) throw new InvalidOperationException($"vector chain: {Rejections.Code(result.Code)}");
        }
        AccountId A(string k) => keys[k].PublicKey;
        // The resident signs with the key it rotated to (further down), for its own account.
        void RunAsResident(Command command, RejectionCode expected)
        {
            now += 1_000;
            var result = engine.Submit(SignedCommand.Create(command, keys["resident-new-key"], actorAccount: A("resident")).Envelope, now);
            if (result.Code != expected) throw new InvalidOperationException($"vector chain: {Rejections.Code(result.Code)}");
        }
        var job = new JobId(new UInt128(0x0102030405060708UL, 0x090A0B0C0D0E0F10UL));
        Run(new EstablishChain(A("operator"), Amount.FromEuros(10_000)) { Header = H("issuer") }, "issuer");
        foreach (var who in new[] { "officer-a", "officer-b", "resident", "shop" }) Run(new OpenAccount { Header = H(who) }, who);
        Run(new GrantRole(A("officer-a"), Roles.Officer) { Header = H("issuer") }, "issuer");
        Run(new GrantRole(A("officer-b"), Roles.Officer) { Header = H("issuer") }, "issuer");
        Run(new GrantRole(A("officer-b"), Roles.Auditor) { Header = H("issuer") }, "issuer");
        Run(new RevokeRole(A("officer-b"), Roles.Auditor) { Header = H("issuer") }, "issuer");
        Run(new MintBudget("klussen-2026", Amount.FromEuros(20_000)) { Header = H("officer-a") }, "officer-a", "officer-b");
        Run(new AdmitMerchant(A("shop"), "centrum") { Header = H("officer-a") }, "officer-a");
        Run(new PublishJob(job, "klussen-2026", "straatmeubilair", "gms", Amount.FromEuros(15), 2, now + 86_400_000) { Header = H("officer-a") }, "officer-a");
        Run(new Enrol(job) { Header = H("resident") }, "resident");
        Run(new SubmitCompletion(job, Hash32.Sha256("bench photo"u8)) { Header = H("resident") }, "resident");
        Run(new ApproveCompletion(job, A("resident")) { Header = H("officer-b") }, "officer-b");
        var pay = H("resident");
        Run(new Pay(A("shop"), Amount.FromEuros(4, 75), new PaymentRequestId(7)) { Header = pay }, "resident");
        Run(new Refund(A("resident"), pay.Id, Amount.FromEuros(1)) { Header = H("shop") }, "shop");
        var redeem = H("shop");
        Run(new Redeem(Amount.FromEuros(3)) { Header = redeem }, "shop");
        Run(new SettleRedemption(A("shop"), redeem.Id, "HM-2026-000001") { Header = H("officer-a") }, "officer-a");
        Run(new SuspendMerchant(A("shop")) { Header = H("officer-a") }, "officer-a");
        Run(new FreezeAccount(A("shop"), true) { Header = H("officer-a") }, "officer-a");
        Run(new RotateKey(A("resident"), A("resident-new-key")) { Header = H("resident") }, "resident");
        Run(new PublishJob(new JobId(2), "klussen-2026", "groen", "centrum", Amount.FromEuros(10), 1, now + 86_400_000) { Header = H("officer-a") }, "officer-a");
        var h = new CommandHeader(ChainId, new CommandId(++id), A("resident"), now + 60_000);
        now += 1_000;
        engine.Submit(SignedCommand.Create(new Enrol(new JobId(2)) { Header = h }, keys["resident-new-key"], actorAccount: A("resident")).Envelope, now);
        var s = new CommandHeader(ChainId, new CommandId(++id), A("resident"), now + 60_000);
        now += 1_000;
        engine.Submit(SignedCommand.Create(new SubmitCompletion(new JobId(2), Hash32.Sha256("tree photo"u8)) { Header = s }, keys["resident-new-key"], actorAccount: A("resident")).Envelope, now);
        Run(new RejectCompletion(new JobId(2), A("resident"), CompletionRejectionReason.EvidenceUnclear) { Header = H("officer-b") }, "officer-b");
        Run(new CancelJob(new JobId(2)) { Header = H("officer-a") }, "officer-a");
        // A recorded rejection: the officer approves a completion that was never submitted.
        Run(new ApproveCompletion(job, A("shop")) { Header = H("officer-b") }, "officer-b");
        // Added after the first version of this file, at the end so that every command before keeps its bytes: a daily
        // spending limit (HM 5.00), the shop back in business, and the resident's second payment of the UTC day refused.
        Run(new SetSpendingLimit(A("resident"), Amount.FromEuros(5)) { Header = H("officer-a") }, "officer-a");
        Run(new FreezeAccount(A("shop"), false) { Header = H("officer-a") }, "officer-a");
        Run(new AdmitMerchant(A("shop"), "centrum") { Header = H("officer-b") }, "officer-b");
        RunAsResident(new Pay(A("shop"), Amount.FromEuros(3), null) { Header = H("resident") }, RejectionCode.None);
        RunAsResident(new Pay(A("shop"), Amount.FromEuros(2, 1), null) { Header = H("resident") }, RejectionCode.DailyLimitExceeded);
        // Added with participation (issue 8), again at the end: officer-b becomes a module and opens a campaign (a fresh
        // 2048-bit RSA key each time the file is written), officer-a funds it, the resident hands in a token (blinded, signed
        // blindly, unblinded) and, when it tries the same token again, is told reward_already_redeemed; the module closes it.
        var rng = new Org.BouncyCastle.Security.SecureRandom();
        var campaignKey = RsaBlindPrivateKey.Generate(2048, rng);
        var campaign = new CampaignId(new UInt128(0x1112131415161718UL, 0x191A1B1C1D1E1F20UL));
        Run(new GrantRole(A("officer-b"), Roles.Module) { Header = H("issuer") }, "issuer");
        Run(new OpenCampaign(campaign, "klussen-2026", Amount.FromEuros(1), now, now + 86_400_000, CampaignScope.Neighbourhood, "gms", 1, false, "stemmen-heeft-zin-2026", campaignKey.PublicKey.Encode()) { Header = H("officer-b") }, "officer-b");
        Run(new FundCampaign(campaign, Amount.FromEuros(100)) { Header = H("officer-a") }, "officer-a");
        var serial = Hash32.Sha256("reward token serial"u8);
        byte[] message = Participation.RewardToken.Message(ChainId, campaign, A("resident"), serial);
        var blinded = RsaBlindSignatures.Blind(campaignKey.PublicKey, message, Participation.RewardToken.Variant, rng);
        byte[] token = RsaBlindSignatures.Finalize(campaignKey.PublicKey, message, RsaBlindSignatures.BlindSign(campaignKey, blinded.BlindedMessage, rng), blinded.Inverse, Participation.RewardToken.Variant);
        RunAsResident(new RedeemReward(campaign, serial, token) { Header = H("resident") }, RejectionCode.None);
        RunAsResident(new RedeemReward(campaign, serial, token) { Header = H("resident") }, RejectionCode.RewardAlreadyRedeemed);
        Run(new CloseCampaign(campaign) { Header = H("officer-b") }, "officer-b");
        engine.SealBlock(now + 1_000);
        return (engine, keys);
    }

    public static JsonObject Generate()
    {
        var (engine, keys) = BuildChain();
        var entries = new JsonArray();
        var frontier = new MerkleFrontier();
        foreach (var entry in engine.Entries)
        {
            var signed = SignedCommand.Decode(entry.Envelope, ChainId).Command!;
            frontier.Append(entry.Hash);
            entries.Add(new JsonObject
            {
                ["height"] = entry.Height,
                ["command_type"] = $"{signed.Command.Type} ({(byte)signed.Command.Type})",
                ["fields"] = Fields(signed.Command),
                ["outcome"] = $"{Rejections.Code(entry.Outcome)} ({(ushort)entry.Outcome})",
                ["command_hex"] = Convert.ToHexStringLower(entry.Envelope.AsSpan(0, signed.CommandLength)),
                ["signing_digest"] = signed.Digest.ToHex(),
                ["signatures"] = new JsonArray([.. signed.Signatures.Select(x => (JsonNode)new JsonObject
                {
                    ["signer"] = x.Signer.ToString(),
                    ["public_key"] = Convert.ToHexStringLower(x.PublicKey.Span),
                    ["signature"] = Convert.ToHexStringLower(x.Signature),
                })]),
                ["envelope_hex"] = Convert.ToHexStringLower(entry.Envelope),
                ["timestamp_ms"] = entry.TimestampMs,
                ["previous_hash"] = entry.PreviousHash.ToHex(),
                ["entry_hex"] = Convert.ToHexStringLower(entry.Encode()),
                ["entry_hash"] = entry.Hash.ToHex(),
                ["merkle_root_after"] = frontier.Root().ToHex(),
            });
        }
        var blocks = new JsonArray([.. engine.Blocks.Select(b => (JsonNode)new JsonObject
        {
            ["number"] = b.Number,
            ["first_height"] = b.FirstHeight,
            ["tree_size"] = b.TreeSize,
            ["merkle_root"] = b.MerkleRoot.ToHex(),
            ["previous_block_hash"] = b.PreviousBlockHash.ToHex(),
            ["sealed_at_ms"] = b.SealedAtMs,
            ["block_hash"] = b.Hash.ToHex(),
            ["signature"] = Convert.ToHexStringLower(b.Signature),
            ["block_hex"] = Convert.ToHexStringLower(b.Encode()),
        })]);
        return new JsonObject
        {
            ["description"] = "Heerlen Munt chain format v1 test vectors; see docs/chain-format.md. Test keys only.",
            ["chain_id"] = ChainId,
            ["tags"] = new JsonObject
            {
                ["command"] = CommandCodec.SignatureTag,
                ["entry"] = Entry.HashTag,
                ["block"] = Block.HashTag,
            },
            ["tagged_hash_example"] = new JsonObject
            {
                ["tag"] = "heerlen-munt/v1/entry",
                ["data_hex"] = "00",
                ["hash"] = Hash32.Tagged("heerlen-munt/v1/entry", [0]).ToHex(),
            },
            ["keys"] = new JsonObject([.. keys.Select(k => KeyValuePair.Create(k.Key, (JsonNode?)new JsonObject
            {
                ["secret_derivation"] = $"SHA-256(UTF-8 \"heerlen-munt test vector key: {k.Key}\")",
                ["x_only_public_key"] = Convert.ToHexStringLower(k.Value.PublicKey.Span),
                ["account_id"] = k.Value.PublicKey.ToString(),
            }))]),
            ["operator_key"] = Convert.ToHexStringLower(keys["operator"].PublicKey.Span),
            ["entries"] = entries,
            ["blocks"] = blocks,
            ["final_state"] = new JsonObject
            {
                ["minted_cents"] = engine.State.Minted.Cents,
                ["redeemed_cents"] = engine.State.Redeemed.Cents,
                ["reserved_cents"] = engine.State.Reserved.Cents,
                ["supply_cents"] = engine.State.Supply.Cents,
                ["campaign_funds_cents"] = engine.State.CampaignFunds.Cents,
            },
        };
    }

    /// <summary>The command's fields by wire name, in wire order, as plain JSON values.</summary>
    public static JsonObject Fields(Command command)
    {
        var h = command.Header;
        var o = new JsonObject
        {
            ["version"] = (int)CommandCodec.Version,
            ["chain_id"] = h.ChainId,
            ["type"] = (int)command.Type,
            ["command_id"] = h.Id.ToString(),
            ["actor"] = h.Actor.ToString(),
            ["expires_at_ms"] = h.ExpiresAtMs,
        };
        foreach (var p in command.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(p => p.Name != "Type"))
            o[Snake(p.Name)] = Value(p.GetValue(command));
        return o;
    }

    private static JsonNode? Value(object? v) => v switch
    {
        null => null,
        Amount a => a.Cents,
        AccountId id => id.ToString(),
        Hash32 hash => hash.ToHex(),
        byte[] bytes => Convert.ToHexStringLower(bytes),
        Enum e => $"{e} ({Convert.ToInt32(e)})",
        bool b => b,
        ushort u => u,
        long l => l,
        _ => v.ToString(),
    };

    private static string Snake(string name) => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public static string Serialize(JsonObject o) => o.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
}
