using System.Runtime.CompilerServices;
using Google.Rpc;
using Grpc.Core;
using Grpc.Net.Client;
using Heerlen.Munt.Contracts.V1;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Sessions;
using Block = Heerlen.Munt.Ledger.Chain.Block;

namespace Heerlen.Munt.Verify;

/// <summary>
/// Reads a live server over gRPC: every checkpoint (public) and every entry (an auditor's session, signed here with
/// the auditor's own key). Only the stored bytes are used; the server's decoded fields are ignored.
/// </summary>
internal sealed class ServerSource : IChainSource, IDisposable
{
    private const int PageSize = 1000;
    private readonly GrpcChannel _channel;
    private readonly SigningKey? _auditor;
    private readonly AccountId? _account;
    private SessionToken? _session;

    private ServerSource(string address, GrpcChannel channel, SigningKey? auditor, AccountId? account, ChainInfo info)
    {
        Description = address;
        _channel = channel;
        _auditor = auditor;
        _account = account;
        Info = info;
        Ledger = new Contracts.V1.Ledger.LedgerClient(channel);
        Audit = new Contracts.V1.Audit.AuditClient(channel);
    }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public string ChainId => Info.ChainId;

    /// <inheritdoc />
    public long? ExpectedEntries => Target;

    /// <summary>What the server said about its chain at the start.</summary>
    public ChainInfo Info { get; }

    /// <summary>The Audit service (public).</summary>
    public Contracts.V1.Audit.AuditClient Audit { get; }

    private Contracts.V1.Ledger.LedgerClient Ledger { get; }

    private long Target { get; set; }

    /// <summary>Connects and reads the chain info.</summary>
    public static async Task<ServerSource> ConnectAsync(string address, SigningKey? auditor, AccountId? account, CancellationToken ct)
    {
        GrpcChannel channel;
        try
        {
            channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { MaxReceiveMessageSize = 16 * 1024 * 1024 });
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or InvalidOperationException)
        {
            throw new UsageException($"'{address}' is geen serveradres (zoals http://127.0.0.1:5081)", $"'{address}' is not a server address (like http://127.0.0.1:5081)");
        }
        var info = await Call(() => new Contracts.V1.Ledger.LedgerClient(channel).GetChainInfoAsync(new GetChainInfoRequest(), deadline: Deadline(), cancellationToken: ct).ResponseAsync, ct);
        if (!info.Established) throw new SourceUnavailableException("the server's chain is not established yet: nothing to verify", "de keten van de server is nog niet begonnen: er is niets te controleren");
        var source = new ServerSource(address, channel, auditor, account, info);
        source.Target = info.Height;
        return source;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChainRecord> ReadAsync([EnumeratorCancellation] CancellationToken ct)
    {
        var blocks = await ReadBlocksAsync(ct);
        if (blocks.Count > 0) Target = Math.Max(Target, blocks[^1].TreeSize);
        int nextBlock = 0;
        long next = 0;
        Task<ListEntriesResponse>? ahead = Target > 0 ? PageAsync(0, ct) : null;
        while (next < Target)
        {
            var page = await ahead!;
            ahead = null;
            if (page.Entries.Count == 0 || page.NextHeight != next + page.Entries.Count)
                throw new SourceBrokenException("server_answers", next, $"the server said it holds {Target} entries, but gives none from height {next}");
            long after = page.NextHeight;
            if (after < Target) ahead = PageAsync(after, ct);
            foreach (var entry in page.Entries)
            {
                yield return new ChainRecord(entry.Encoded.ToByteArray(), null);
                next++;
                while (nextBlock < blocks.Count && blocks[nextBlock].TreeSize == next) yield return new ChainRecord(null, blocks[nextBlock++]);
            }
        }
        if (nextBlock < blocks.Count)
            throw new SourceBrokenException("server_answers", next, $"the server has checkpoint {blocks[nextBlock].Number} of {blocks[nextBlock].TreeSize} entries but only {next} entries");
    }

    /// <summary>
    /// Every checkpoint, decoded from its stored bytes. Each page must carry on from the one before (numbers in a row, tree
    /// sizes growing), so a lying server cannot keep the loop going without sending real, new blocks, and never more blocks
    /// than it has entries (blocks are never empty), give or take the blocks sealed while reading.
    /// </summary>
    public async Task<List<Block>> ReadBlocksAsync(CancellationToken ct)
    {
        var blocks = new List<Block>();
        long most = Info.Height + 100_000;
        while (true)
        {
            long from = blocks.Count;
            var page = await Call(() => Audit.ListCheckpointsAsync(new ListCheckpointsRequest { FromNumber = from, PageSize = PageSize }, deadline: Deadline(), cancellationToken: ct).ResponseAsync, ct);
            foreach (var checkpoint in page.Checkpoints)
            {
                if (!Block.TryDecode(checkpoint.Encoded.Span, out var block, out string problem))
                    throw new SourceBrokenException("block", null, $"checkpoint {checkpoint.Number} does not decode: {problem}");
                if (block!.Number != blocks.Count || (blocks.Count > 0 && block.TreeSize <= blocks[^1].TreeSize))
                    throw new SourceBrokenException("server_answers", block.TreeSize - 1, $"the server's list of checkpoints skips, repeats or reorders: checkpoint {block.Number} where {blocks.Count} was due");
                blocks.Add(block);
            }
            if (page.Checkpoints.Count == 0 || page.NextNumber >= page.Count) return blocks;
            if (page.NextNumber != blocks.Count || blocks.Count > most)
                throw new SourceBrokenException("server_answers", null, $"the server's list of checkpoints does not add up (next {page.NextNumber} after {blocks.Count}, count {page.Count})");
        }
    }

    private Task<ListEntriesResponse> PageAsync(long from, CancellationToken ct) =>
        Call(() => Ledger.ListEntriesAsync(new ListEntriesRequest { FromHeight = from, PageSize = PageSize }, Headers(), Deadline(), ct).ResponseAsync, ct);

    private Metadata Headers()
    {
        if (_auditor is null) throw new UsageException("een live server lezen vraagt de sleutel van een auditor (--secret-file, --phrase-file of --as)", "reading a live server needs an auditor's key (--secret-file, --phrase-file or --as)");
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (_session is null || _session.ExpiresAtMs - now < 5 * 60_000)
            _session = SessionToken.Create(ChainId, _account ?? _auditor.PublicKey, _auditor, now, TimeSpan.FromMinutes(30));
        return new Metadata { { "authorization", "Bearer " + _session.ToText() }, { "accept-language", "en" } };
    }

    /// <summary>How long one call may take before the server counts as not answering.</summary>
    public static DateTime Deadline() => DateTime.UtcNow.AddSeconds(60);

    /// <summary>Runs one call; transport and access problems become <see cref="SourceUnavailableException"/>.</summary>
    public static async Task<T> Call<T>(Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (RpcException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (RpcException e)
        {
            throw Unavailable(e);
        }
        catch (HttpRequestException e)
        {
            throw new SourceUnavailableException($"the server cannot be reached: {e.Message}", $"de server is niet bereikbaar: {e.Message}", e);
        }
    }

    /// <summary>The reason code the server gave (ErrorInfo), or the gRPC status.</summary>
    public static string ReasonOf(RpcException e) => e.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason ?? e.StatusCode.ToString();

    private static SourceUnavailableException Unavailable(RpcException e)
    {
        string reason = ReasonOf(e);
        string message = e.GetRpcStatus()?.GetDetail<LocalizedMessage>()?.Message ?? e.Status.Detail;
        return e.StatusCode == StatusCode.Unavailable
            ? new SourceUnavailableException($"the server cannot be reached ({message})", $"de server is niet bereikbaar ({message})", e)
            : new SourceUnavailableException($"the server refused: {reason}: {message}", $"de server weigert: {reason}: {message}", e);
    }

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();
}
