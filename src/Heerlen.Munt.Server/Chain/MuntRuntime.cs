using System.Security.Cryptography;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Jobs;
using Heerlen.Munt.Storage.People;
using Heerlen.Munt.Storage.Postgres;
using Heerlen.Munt.Storage.Projections;
using Marten;

namespace Heerlen.Munt.Server.Chain;

/// <summary>
/// Everything below the API, started in order and stopped in reverse: PostgreSQL (embedded in the data directory, or
/// external), the Marten store, the sequencer (which loads and verifies the chain, feeding <see cref="ChainView"/>),
/// and the read-model daemon.
/// </summary>
public sealed class MuntRuntime : IAsyncDisposable
{
    private MuntRuntime(EmbeddedPostgres? embedded, DocumentStore documents, ChainStore chain, Sequencer sequencer, ReadModelDaemon daemon, ChainView view, SigningKey operatorKey, string dataDirectory)
    {
        Embedded = embedded;
        Documents = documents;
        Chain = chain;
        Sequencer = sequencer;
        Daemon = daemon;
        View = view;
        OperatorKey = operatorKey;
        DataDirectory = dataDirectory;
        People = new PersonalData(documents);
        JobTexts = new JobTexts(documents);
        Notes = new CheckpointNotes(chain.ChainId, operatorKey);
    }

    /// <summary>Checkpoints as signed notes (C2SP tlog-checkpoint).</summary>
    public CheckpointNotes Notes { get; }

    /// <summary>The embedded cluster, or null with an external database.</summary>
    public EmbeddedPostgres? Embedded { get; }

    /// <summary>The Marten store.</summary>
    public DocumentStore Documents { get; }

    /// <summary>The chain's streams.</summary>
    public ChainStore Chain { get; }

    /// <summary>The single writer.</summary>
    public Sequencer Sequencer { get; }

    /// <summary>Folds history and statistics.</summary>
    public ReadModelDaemon Daemon { get; }

    /// <summary>The in-memory view for proofs, sessions and watches.</summary>
    public ChainView View { get; }

    /// <summary>Off-chain personal data.</summary>
    public PersonalData People { get; }

    /// <summary>Off-chain, public job titles and descriptions.</summary>
    public JobTexts JobTexts { get; }

    /// <summary>The key that seals checkpoints.</summary>
    public SigningKey OperatorKey { get; }

    /// <summary>The data directory (absolute).</summary>
    public string DataDirectory { get; }

    /// <summary>Where the database is, for the start-up message.</summary>
    public string DatabaseDescription => Embedded is { } e ? $"embedded PostgreSQL in {e.DataDirectory}" : "external PostgreSQL";

    /// <summary>Starts everything; the chain is loaded and verified before this returns.</summary>
    public static async Task<MuntRuntime> StartAsync(ServerSettings settings, ISchnorrVerifier verifier, ILogger log, CancellationToken ct = default)
    {
        string data = Path.GetFullPath(settings.DataDirectory);
        Directory.CreateDirectory(data);
        var operatorKey = LoadOrCreateOperatorKey(data, log);
        EmbeddedPostgres? embedded = null;
        DocumentStore? documents = null;
        Sequencer? sequencer = null;
        try
        {
            string connection;
            if (string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                embedded = await EmbeddedPostgres.StartAsync(Path.Combine(data, "postgres"), line => log.LogInformation("postgres: {Line}", line), ct);
                await embedded.CreateDatabaseAsync("heerlen_munt");
                connection = embedded.ConnectionString("heerlen_munt");
            }
            else
            {
                connection = settings.ConnectionString;
            }
            documents = HeerlenStore.Create(connection, o =>
                o.Schema.For<PaymentRequestRecord>().Identity(x => x.Id).Index(x => x.ShortCode));
            var chain = new ChainStore(documents, settings.ChainId);
            var view = new ChainView();
            sequencer = await Sequencer.StartAsync(chain, operatorKey, verifier,
                new SequencerOptions { Blocks = new BlockPolicy(settings.BlockEntriesMax, settings.BlockIntervalMs) }, ct: ct, observer: view);
            var daemon = await ReadModelDaemon.StartAsync(documents);
            return new MuntRuntime(embedded, documents, chain, sequencer, daemon, view, operatorKey, data);
        }
        catch
        {
            if (sequencer is not null) await sequencer.DisposeAsync();
            documents?.Dispose();
            if (embedded is not null) await embedded.StopAsync();
            throw;
        }
    }

    /// <summary>Stops the writer (committing what is queued and sealing the last block), the daemon, and PostgreSQL.</summary>
    public async ValueTask DisposeAsync()
    {
        await Sequencer.DisposeAsync();
        await Daemon.DisposeAsync();
        Documents.Dispose();
        if (Embedded is not null) await Embedded.StopAsync();
    }

    /// <summary>
    /// The operator's checkpoint key, kept in <c>operator.key</c> (hex, mode 600) in the data directory and made on
    /// first start. A production server keeps it in an HSM; this file is the simple default.
    /// </summary>
    private static SigningKey LoadOrCreateOperatorKey(string data, ILogger log)
    {
        string path = Path.Combine(data, "operator.key");
        if (File.Exists(path)) return SigningKey.FromSecret(Convert.FromHexString(File.ReadAllText(path).Trim()));
        SigningKey key;
        byte[] secret;
        while (true)
        {
            secret = RandomNumberGenerator.GetBytes(32);
            try
            {
                key = SigningKey.FromSecret(secret);
                break;
            }
            catch (ArgumentException)
            {
                // not a valid scalar (chance about 2^-128): draw again
            }
        }
        SecretFile.Write(path, Convert.ToHexStringLower(secret) + "\n");
        log.LogInformation("made a new operator key in {Path}", path);
        return key;
    }
}

/// <summary>Writes files only the owner can read (mode 600), created that way rather than changed afterwards.</summary>
public static class SecretFile
{
    /// <summary>Creates <paramref name="path"/> with <paramref name="text"/>; fails if it exists.</summary>
    public static void Write(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        using var writer = new StreamWriter(file);
        writer.Write(text);
    }
}

/// <summary>
/// Signs checkpoints as C2SP notes (origin and key name: the chain id) with the operator's key, remembering the last
/// few so a busy audit endpoint does not sign the same note again and again.
/// </summary>
public sealed class CheckpointNotes(string chainId, SigningKey operatorKey)
{
    private const int Remembered = 64;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, string> _notes = new();

    /// <summary>The note's origin and the operator key's name in it.</summary>
    public string Origin { get; } = chainId;

    /// <summary>The signed note of a block's checkpoint.</summary>
    public string Of(Heerlen.Munt.Ledger.Chain.Block block)
    {
        if (_notes.TryGetValue(block.Number, out var note)) return note;
        note = Heerlen.Munt.Ledger.Chain.CheckpointNote.Sign(Origin, block.TreeSize, block.MerkleRoot, Origin, operatorKey);
        if (_notes.Count >= Remembered) _notes.Clear();
        _notes[block.Number] = note;
        return note;
    }
}
