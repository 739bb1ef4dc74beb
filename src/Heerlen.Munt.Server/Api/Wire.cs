using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Storage.Chain;

namespace Heerlen.Munt.Server.Api;

/// <summary>Conversions between the ledger's types and the API's messages.</summary>
public static class Wire
{
    /// <summary>An outcome in the caller's language.</summary>
    public static Outcome Outcome(RejectionCode code, Language language) =>
        new() { Code = Rejections.Code(code), Message = Rejections.Reason(code, language), Number = (uint)code };

    /// <summary>A stored entry as the API shows it.</summary>
    public static Contracts.V1.Entry Entry(EntryRecorded stored, Language language)
    {
        var f = stored.Facts;
        var entry = Ledger.Chain.Entry.TryDecode(stored.Entry, out var decoded, out _) ? decoded : null;
        return new Contracts.V1.Entry
        {
            Height = stored.Height,
            Hash = stored.Hash,
            PreviousHash = entry?.PreviousHash.ToHex() ?? "",
            TimestampMs = f.TimestampMs,
            Outcome = Outcome(f.Outcome, language),
            Command = (CommandKind)(int)f.Command,
            Actor = f.Actor,
            CommandId = f.CommandId,
            Subject = f.Subject ?? "",
            Encoded = Google.Protobuf.ByteString.CopyFrom(stored.Entry),
        };
    }

    /// <summary>A block as a checkpoint, with its signed note.</summary>
    public static Checkpoint Checkpoint(Block block, AccountId operatorKey, string note) => new()
    {
        Note = note,
        Number = block.Number,
        TreeSize = block.TreeSize,
        RootHash = block.MerkleRoot.ToHex(),
        PreviousBlockHash = block.PreviousBlockHash.ToHex(),
        FirstHeight = block.FirstHeight,
        SealedAtMs = block.SealedAtMs,
        Signature = Convert.ToHexStringLower(block.Signature),
        BlockHash = block.Hash.ToHex(),
        OperatorKey = Convert.ToHexStringLower(operatorKey.Span),
        Encoded = Google.Protobuf.ByteString.CopyFrom(block.Encode()),
    };

    /// <summary>Role names for people and programs.</summary>
    public static IEnumerable<string> RoleNames(Roles roles)
    {
        foreach (var role in new[] { Roles.Issuer, Roles.Officer, Roles.Merchant, Roles.Resident, Roles.Module, Roles.Auditor })
            if ((roles & role) != 0) yield return role.ToString().ToLowerInvariant();
    }

    /// <summary>A job id (32 hex digits) or <c>invalid_id</c>.</summary>
    public static Ledger.Commands.JobId JobId(ServerCallContext context, string? text) =>
        Ledger.Commands.JobId.TryParse(text, out var id) ? id : throw ApiErrors.Error("invalid_id", Languages.Of(context), "expected 32 hex digits");

    /// <summary>A page size between 1 and <paramref name="max"/>; 0 gives <paramref name="fallback"/>.</summary>
    public static int PageSize(ServerCallContext context, int asked, int fallback, int max)
    {
        if (asked == 0) return fallback;
        if (asked < 0 || asked > max) throw ApiErrors.Error("invalid_argument", Languages.Of(context), $"page_size must be 1 to {max}");
        return asked;
    }
}
