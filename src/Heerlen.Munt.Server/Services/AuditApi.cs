using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage.Chain;

namespace Heerlen.Munt.Server.Services;

/// <summary>Checkpoints and RFC 9162 proofs (service <c>heerlen.munt.v1.Audit</c>). Public: hashes only.</summary>
public sealed class AuditApi(MuntRuntime runtime) : Audit.AuditBase
{
    /// <inheritdoc />
    public override Task<Checkpoint> GetCheckpoint(GetCheckpointRequest request, ServerCallContext context)
    {
        var block = runtime.View.LatestBlock ?? throw ApiErrors.Error("checkpoint_not_found", Languages.Of(context), "no block has been sealed yet");
        return Task.FromResult(Wire.Checkpoint(block, runtime.OperatorKey.PublicKey, runtime.Notes.Of(block)));
    }

    /// <inheritdoc />
    public override Task<ListCheckpointsResponse> ListCheckpoints(ListCheckpointsRequest request, ServerCallContext context)
    {
        if (request.FromNumber < 0) throw ApiErrors.Error("invalid_argument", Languages.Of(context), "from_number must be 0 or more");
        int size = Wire.PageSize(context, request.PageSize, 100, 1000);
        long count = runtime.View.BlockCount;
        var page = runtime.View.BlocksFrom(request.FromNumber, size);
        var response = new ListCheckpointsResponse { Count = count, NextNumber = Math.Min(request.FromNumber, count) + page.Count };
        foreach (var block in page) response.Checkpoints.Add(Wire.Checkpoint(block, runtime.OperatorKey.PublicKey, runtime.Notes.Of(block)));
        return Task.FromResult(response);
    }

    /// <inheritdoc />
    public override async Task<InclusionProof> GetInclusionProof(GetInclusionProofRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        var block = CheckpointOf(request.TreeSize, context);
        if (request.Height < 0 || request.Height >= block.TreeSize)
            throw ApiErrors.Error("entry_not_found", language, $"entry {request.Height} is not in the checkpoint of {block.TreeSize} entries (it may be in the next one)");
        var stored = await runtime.Chain.ReadEntryAsync(request.Height, context.CancellationToken) ?? throw ApiErrors.Error("entry_not_found", language);
        var proof = new InclusionProof
        {
            Height = request.Height,
            EntryHash = stored.Hash,
            TreeSize = block.TreeSize,
            Checkpoint = Wire.Checkpoint(block, runtime.OperatorKey.PublicKey, runtime.Notes.Of(block)),
        };
        foreach (var hash in runtime.View.Tree.InclusionProof(request.Height, block.TreeSize)) proof.Hashes.Add(hash.ToHex());
        return proof;
    }

    /// <inheritdoc />
    public override Task<ConsistencyProof> GetConsistencyProof(GetConsistencyProofRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        var newer = CheckpointOf(request.NewSize, context);
        if (request.OldSize < 1 || request.OldSize > newer.TreeSize)
            throw ApiErrors.Error("invalid_argument", language, $"old_size must be 1 to {newer.TreeSize}");
        var older = CheckpointOf(request.OldSize, context);
        var proof = new ConsistencyProof
        {
            OldSize = older.TreeSize,
            NewSize = newer.TreeSize,
            OldCheckpoint = Wire.Checkpoint(older, runtime.OperatorKey.PublicKey, runtime.Notes.Of(older)),
            NewCheckpoint = Wire.Checkpoint(newer, runtime.OperatorKey.PublicKey, runtime.Notes.Of(newer)),
        };
        foreach (var hash in runtime.View.Tree.ConsistencyProof(older.TreeSize, newer.TreeSize)) proof.Hashes.Add(hash.ToHex());
        return Task.FromResult(proof);
    }

    /// <summary>The checkpoint with this tree size (0: the latest), or <c>checkpoint_not_found</c>.</summary>
    private Block CheckpointOf(long treeSize, ServerCallContext context)
    {
        var language = Languages.Of(context);
        if (treeSize == 0) return runtime.View.LatestBlock ?? throw ApiErrors.Error("checkpoint_not_found", language, "no block has been sealed yet");
        return runtime.View.BlockWithTreeSize(treeSize) ?? throw ApiErrors.Error("checkpoint_not_found", language, $"no checkpoint covers exactly {treeSize} entries");
    }
}
