using Grpc.Core;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Server.Api;
using Heerlen.Munt.Server.Chain;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Chain;
using Microsoft.Extensions.Options;

namespace Heerlen.Munt.Server.Services;

/// <summary>Submitting signed commands and reading the chain (service <c>heerlen.munt.v1.Ledger</c>).</summary>
public sealed class LedgerApi(MuntRuntime runtime, Sessions sessions, Limits limits, ISchnorrVerifier verifier, TimeProvider time, IOptions<ServerSettings> settings, IHostApplicationLifetime lifetime, ILogger<LedgerApi> log) : Contracts.V1.Ledger.LedgerBase
{
    private const Roles ChainReaders = Roles.Auditor | Roles.Officer | Roles.Issuer;

    /// <inheritdoc />
    public override Task<ChainInfo> GetChainInfo(GetChainInfoRequest request, ServerCallContext context)
    {
        var view = runtime.View;
        var info = new ChainInfo
        {
            ChainId = runtime.Chain.ChainId,
            Height = runtime.Sequencer.Height,
            Established = view.Established,
            Issuer = view.Established ? view.Issuer.ToString() : "",
            OperatorKey = Convert.ToHexStringLower(runtime.OperatorKey.PublicKey.Span),
            MintCosignThresholdCents = view.MintCosignThresholdCents,
            ServerTimeMs = time.GetUtcNow().ToUnixTimeMilliseconds(),
            Broken = runtime.Sequencer.Broken?.ToString() ?? "",
        };
        if (view.LatestBlock is { } block) info.LatestCheckpoint = Wire.Checkpoint(block, runtime.OperatorKey.PublicKey, runtime.Notes.Of(block));
        return Task.FromResult(info);
    }

    /// <inheritdoc />
    public override async Task<SubmitCommandResponse> SubmitCommand(SubmitCommandRequest request, ServerCallContext context)
    {
        var language = Languages.Of(context);
        limits.TakeSubmitForAddress(context);
        var decoded = SignedCommand.Decode(request.Envelope.Span, runtime.Chain.ChainId);
        if (decoded.Command is null) throw ApiErrors.Refusal(decoded.Refusal, language, decoded.Detail);
        var verified = VerifiedCommand.Verify(decoded.Command, verifier) ?? throw ApiErrors.Refusal(RejectionCode.BadSignature, language);
        limits.TakeForKey(verified.Command.Header.Actor.ToString(), context);

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(settings.Value.SubmitTimeoutSeconds));
        SubmitResult result;
        try
        {
            result = await runtime.Sequencer.SubmitAsync(verified, wait.Token);
        }
        catch (OperationCanceledException)
        {
            // The command may still be stored: a retry with the same command id is safe and gets the first outcome.
            log.LogWarning("submit of {Command} {Id} did not finish in time", verified.Command.Type, verified.Command.Header.Id);
            throw ApiErrors.Error("outcome_unknown", language);
        }
        catch (StorageException e)
        {
            throw ApiErrors.Storage(e, language);
        }
        if (Rejections.IsRefusal(result.Code)) throw ApiErrors.Refusal(result.Code, language, result.Detail);
        // One line per command is Debug: at a thousand payments a second an Information line each cost more CPU than the
        // ledger's own work (docs/performance.md). Errors and warnings stay on.
        if (log.IsEnabled(LogLevel.Debug))
            log.LogDebug("{Command} by {Actor} at height {Height}: {Outcome}{Retry}", verified.Command.Type, verified.Command.Header.Actor.ToShortString(), result.Height, Rejections.Code(result.Code), result.IsRetry ? " (retry)" : "");
        return new SubmitCommandResponse
        {
            Height = result.Height,
            EntryHash = result.EntryHash?.ToHex() ?? "",
            Outcome = Wire.Outcome(result.Code, language),
            Applied = result.Code == RejectionCode.None,
            Retry = result.IsRetry,
        };
    }

    /// <inheritdoc />
    public override async Task<Contracts.V1.Entry> GetEntry(GetEntryRequest request, ServerCallContext context)
    {
        // Auditors, officers and the issuer read any entry; anyone else only an entry they are a party to (their
        // receipt: with the inclusion proof it shows their own command and its outcome are in the signed chain).
        var caller = sessions.Require(context);
        var language = Languages.Of(context);
        if (request.Height < 0 || request.Height >= runtime.Sequencer.Height)
        {
            if (!caller.Has(ChainReaders)) throw ApiErrors.Error("role_required", language, $"needs one of: {ChainReaders}, or to be a party to the entry");
            throw ApiErrors.Error("entry_not_found", language, $"the chain has {runtime.Sequencer.Height} entries");
        }
        var stored = await runtime.Chain.ReadEntryAsync(request.Height, context.CancellationToken) ?? throw ApiErrors.Error("entry_not_found", language);
        if (!caller.Has(ChainReaders) && !IsParty(stored.Facts, caller.Account!.Id.ToString()))
            throw ApiErrors.Error("role_required", language, $"needs one of: {ChainReaders}, or to be a party to the entry");
        return Wire.Entry(stored, language);
    }

    private static bool IsParty(Ledger.Facts.EntryFacts facts, string account) =>
        facts.Actor == account || facts.Subject == account || facts.Movements.Any(m => m.From == account || m.To == account);

    /// <inheritdoc />
    public override async Task<ListEntriesResponse> ListEntries(ListEntriesRequest request, ServerCallContext context)
    {
        sessions.RequireRole(context, ChainReaders);
        var language = Languages.Of(context);
        int size = Wire.PageSize(context, request.PageSize, 100, 1000);
        if (request.FromHeight < 0) throw ApiErrors.Error("invalid_argument", language, "from_height must be 0 or more");
        long height = runtime.Sequencer.Height;
        var response = new ListEntriesResponse { ChainHeight = height, NextHeight = request.FromHeight };
        if (request.FromHeight >= height) return response;
        var page = await runtime.Chain.ReadEntryPageAsync(request.FromHeight, (int)Math.Min(size, height - request.FromHeight), context.CancellationToken);
        foreach (var (_, stored) in page) response.Entries.Add(Wire.Entry(stored, language));
        response.NextHeight = request.FromHeight + page.Count;
        return response;
    }

    /// <inheritdoc />
    public override async Task StreamEntries(StreamEntriesRequest request, IServerStreamWriter<Contracts.V1.Entry> responseStream, ServerCallContext context)
    {
        sessions.RequireRole(context, ChainReaders);
        var language = Languages.Of(context);
        if (request.FromHeight < 0) throw ApiErrors.Error("invalid_argument", language, "from_height must be 0 or more");
        long next = request.FromHeight;
        // The stream ends when the client leaves, or cleanly when the server stops.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        var ct = stop.Token;
        while (!lifetime.ApplicationStopping.IsCancellationRequested)
        {
            var changed = runtime.View.Changed; // take the signal before reading, so no entry slips between
            long height = runtime.Sequencer.Height;
            while (next < height)
            {
                var page = await runtime.Chain.ReadEntryPageAsync(next, (int)Math.Min(500, height - next), ct);
                if (page.Count == 0) break;
                foreach (var (_, stored) in page) await responseStream.WriteAsync(Wire.Entry(stored, language), ct);
                next += page.Count;
            }
            try
            {
                await changed.WaitAsync(ct);
            }
            catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
