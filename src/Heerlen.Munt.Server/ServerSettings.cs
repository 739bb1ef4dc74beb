namespace Heerlen.Munt.Server;

/// <summary>The server's settings: section <c>Munt</c> of appsettings.json, or environment variables <c>Munt__Name</c> (docs/operations.md).</summary>
public sealed class ServerSettings
{
    /// <summary>Where the embedded PostgreSQL, the operator key and the demo keys live (<c>--data</c>, <c>HEERLEN_MUNT_DATA</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>An external PostgreSQL (Npgsql connection string); empty: the embedded cluster in the data directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>The chain id commands must name.</summary>
    public string ChainId { get; set; } = "heerlen-munt/demo";

    /// <summary>On an empty chain, create the demo community (<c>--demo</c>). Never for a real city.</summary>
    public bool Demo { get; set; }

    /// <summary>
    /// Where the built web apps are (resident app, till, back office, auditor dashboard); empty: <c>apps/</c> next to the
    /// server's binaries, where the build puts them. If the folder is missing the server runs without them and says so.
    /// </summary>
    public string WebApps { get; set; } = "";

    /// <summary>Clock difference allowed between a phone and the server for sessions (seconds).</summary>
    public int SessionClockSkewSeconds { get; set; } = 120;

    /// <summary>How long a submit waits for its entry to be stored before answering <c>outcome_unknown</c> (seconds).</summary>
    public int SubmitTimeoutSeconds { get; set; } = 15;

    /// <summary>Entries per block, and the longest wait before a block is sealed (milliseconds).</summary>
    public int BlockEntriesMax { get; set; } = 1000;

    /// <summary>Longest wait before a non-empty block is sealed (milliseconds).</summary>
    public long BlockIntervalMs { get; set; } = 1000;

    /// <summary>
    /// Addresses of reverse proxies (TLS terminators) whose X-Forwarded-For is believed, so limits count clients, not
    /// the proxy. Empty: the connection's own address counts.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>Limits that keep one client from starving the others.</summary>
    public LimitSettings Limits { get; set; } = new();

    /// <summary>The published statistics (docs/statistics.md).</summary>
    public StatisticsSettings Statistics { get; set; } = new();
}

/// <summary>Settings of the published statistics.</summary>
public sealed class StatisticsSettings
{
    /// <summary>k: figures about 1 to k−1 persons are withheld (and the cells that would give them away).</summary>
    public int SuppressionThreshold { get; set; } = Ledger.Facts.StatisticsTable.DefaultSuppressionThreshold;
}

/// <summary>Request limits (OWASP API4: unrestricted resource consumption).</summary>
public sealed class LimitSettings
{
    /// <summary>Calls per second per client address (token bucket refill).</summary>
    public int PerAddressPerSecond { get; set; } = 200;

    /// <summary>Burst per client address.</summary>
    public int PerAddressBurst { get; set; } = 400;

    /// <summary>Calls per second per account (its session, or the actor of a submitted command).</summary>
    public int PerKeyPerSecond { get; set; } = 20;

    /// <summary>Burst per account.</summary>
    public int PerKeyBurst { get; set; } = 40;

    /// <summary>Largest request message (bytes), except photo uploads.</summary>
    public int MessageBytesMax { get; set; } = 64 * 1024;

    /// <summary>Largest photo upload message (bytes): a 2 MiB photo and its fields.</summary>
    public int PhotoMessageBytesMax { get; set; } = (2 * 1024 * 1024) + 4096;

    /// <summary>Submitted commands per second per client address (every one becomes an entry kept for ever).</summary>
    public int SubmitsPerAddressPerSecond { get; set; } = 50;

    /// <summary>Burst of submitted commands per client address.</summary>
    public int SubmitsPerAddressBurst { get; set; } = 100;

    /// <summary>Open streams (entry streams, payment-request watches) at once per client address.</summary>
    public int StreamsPerAddress { get; set; } = 20;

    /// <summary>
    /// A message of a stream that the client has not taken within this many seconds ends the stream (a client that
    /// stops reading would otherwise hold the stream, its buffers and its address's place for ever).
    /// </summary>
    public int StreamWriteTimeoutSeconds { get; set; } = 30;

    /// <summary>
    /// Open connections per client address (both ports together); beyond it a new connection is closed at once. A
    /// trusted proxy is not counted (its clients are, by their forwarded address, in the call limits).
    /// </summary>
    public int ConnectionsPerAddress { get; set; } = 100;

    /// <summary>Open connections in all (Kestrel <c>MaxConcurrentConnections</c>), well below the process's file limit.</summary>
    public int ConnectionsMax { get; set; } = 10_000;

    /// <summary>Longest time a client may take to send a request's headers (Kestrel <c>RequestHeadersTimeout</c>; its own default is 30 s).</summary>
    public int RequestHeadersTimeoutSeconds { get; set; } = 10;
}
