using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Chain;
using Marten;

namespace Heerlen.Munt.Storage.CrashChild;

/// <summary>
/// The process the crash tests kill with SIGKILL. Arguments: connection string, seed, epoch (unix ms), workers.
/// It starts a <see cref="Sequencer"/> on the database (retrying while PostgreSQL is down), sets up a community
/// with deterministic keys and command ids (so a second run only gets retries), prints <c>ready</c>, and then lets
/// each worker pay the merchant 1 cent at a time, forever. Lines on stdout:
/// <list type="bullet">
/// <item><c>setup &lt;what&gt; &lt;height&gt; [retry]</c> for each set-up command as it is answered;</item>
/// <item><c>merchant &lt;accountId&gt;</c> once the set-up is on the chain, and <c>ready &lt;height&gt;</c> after a first
/// payment (acknowledged like any other) has warmed up the write path;</item>
/// <item><c>ack &lt;payerAccountId&gt; &lt;commandIdHex&gt; &lt;height&gt;</c> after each payment the sequencer acknowledged (committed);</item>
/// <item><c>err &lt;code&gt;</c> for each storage failure; the same command (same id, same content) is then sent again;</item>
/// <item><c>rejected …</c> for a payment recorded as rejected (the test fails on it), <c>fatal …</c> before exiting.</item>
/// </list>
/// It exits by itself when its stdin closes (the test process went away) or after <see cref="MaxLifetime"/>.
/// </summary>
public static class Program
{
    /// <summary>The chain id the crash tests use.</summary>
    public const string ChainId = "heerlen-munt/crash";

    private static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(50);
    private static readonly Stream Stdout = Console.OpenStandardOutput();
    private static readonly Lock StdoutLock = new();

    /// <summary>Runs until killed; returns only on a usage error or a fatal condition.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 4
            || !long.TryParse(args[2], NumberStyles.None, CultureInfo.InvariantCulture, out long epochMs)
            || !int.TryParse(args[3], NumberStyles.None, CultureInfo.InvariantCulture, out int workers)
            || workers < 1)
        {
            await Console.Error.WriteLineAsync("usage: Heerlen.Munt.Storage.CrashChild <connection string> <seed> <epoch unix ms> <workers>");
            return 2;
        }

        ExitWhenOrphaned();
        var town = new Community(args[1], epochMs, workers);
        var sequencer = await StartAsync(args[0], town.Operator);
        if (!sequencer.LastLoad.Intact)
        {
            Say($"fatal chain_broken {OneLine(sequencer.LastLoad.ToString())}");
            return 3;
        }

        try
        {
            await town.SetUpAsync(sequencer);
        }
        catch (ChildFailure e)
        {
            Say($"fatal {e.Message}");
            return 4;
        }

        Say($"merchant {town.Merchant.PublicKey}");
        try
        {
            // One payment first, so that the write path is warm (Marten generates and compiles its code on first use)
            // and the test's random kill moments after "ready" fall under load, not in a start-up pause.
            await PayOnceAsync(sequencer, town, town.Residents[0]);
            Say($"ready {sequencer.Height.ToString(CultureInfo.InvariantCulture)}");
            await Task.WhenAll(town.Residents.Select(resident => Task.Run(() => PayForeverAsync(sequencer, town, resident))));
        }
        catch (ChildFailure e)
        {
            Say($"fatal {e.Message}");
        }
        return 5;
    }

    /// <summary>Starts the sequencer, trying again (with a fresh document store) while the database cannot be used.</summary>
    private static async Task<Sequencer> StartAsync(string connectionString, SigningKey operatorKey)
    {
        ISchnorrVerifier verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
        var options = new SequencerOptions
        {
            BatchWait = TimeSpan.FromMilliseconds(2),
            BatchMax = 50,
            Blocks = new BlockPolicy(64, 250),
            RetryWait = TimeSpan.FromMilliseconds(100),
        };
        while (true)
        {
            DocumentStore? documents = null;
            try
            {
                documents = HeerlenStore.Create(connectionString);
                return await Sequencer.StartAsync(new ChainStore(documents, ChainId), operatorKey, verifier, options);
            }
            catch (Exception e)
            {
                // Schema creation and loading can fail in many ways while PostgreSQL is down or recovering.
                Say($"err start {(e is StorageException s ? StorageErrors.Name(s.Code) : e.GetType().Name)}");
                documents?.Dispose();
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    private static async Task PayForeverAsync(Sequencer sequencer, Community town, SigningKey payer)
    {
        while (true) await PayOnceAsync(sequencer, town, payer);
    }

    /// <summary>Pays the merchant 1 cent with a fresh command id, sending the same command again until it is answered.</summary>
    private static async Task PayOnceAsync(Sequencer sequencer, Community town, SigningKey payer)
    {
        var id = CommandId.New();
        var pay = new Pay(town.Merchant.PublicKey, new Amount(1), null) { Header = town.Header(payer, id) };
        var result = await SubmitUntilAnsweredAsync(sequencer, pay, payer);
        if (result.Applied)
        {
            Say($"ack {payer.PublicKey} {id} {result.Height.ToString(CultureInfo.InvariantCulture)}");
        }
        else
        {
            Say($"rejected {payer.PublicKey} {id} {Rejections.Code(result.Code)} {result.Height.ToString(CultureInfo.InvariantCulture)}");
            await Task.Delay(ErrorPause);
        }
    }

    /// <summary>
    /// Submits the command until the sequencer answers. After a storage failure the exact same command (same id and
    /// content, signed again) is sent again, which is safe: if the failed batch did reach the database after all,
    /// the answer is the first outcome with <c>IsRetry</c>.
    /// </summary>
    internal static async Task<SubmitResult> SubmitUntilAnsweredAsync(Sequencer sequencer, Command command, SigningKey key, SigningKey? cosigner = null)
    {
        while (true)
        {
            try
            {
                return await sequencer.SubmitAsync(SignedCommand.Create(command, key, cosigner).Envelope);
            }
            catch (StorageException e) when (e.Code != StorageErrorCode.ChainBroken)
            {
                Say($"err {StorageErrors.Name(e.Code)}");
                await Task.Delay(ErrorPause);
            }
            catch (StorageException e)
            {
                throw new ChildFailure($"chain_broken {OneLine(e.Message)}");
            }
        }
    }

    /// <summary>Writes one whole line to stdout and flushes it at once (one write, so lines never interleave).</summary>
    internal static void Say(string line)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
        lock (StdoutLock)
        {
            Stdout.Write(bytes);
            Stdout.Flush();
        }
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>Never outlives the test: exit when stdin closes, or after a few minutes whatever happens.</summary>
    private static void ExitWhenOrphaned()
    {
        _ = Task.Run(async () =>
        {
            using var stdin = Console.OpenStandardInput();
            byte[] buffer = new byte[256];
            while (await stdin.ReadAsync(buffer) > 0)
            {
            }

            Environment.Exit(6);
        });
        _ = Task.Run(async () =>
        {
            await Task.Delay(MaxLifetime);
            Environment.Exit(7);
        });
    }
}

/// <summary>Something that makes the child stop: a broken chain or a set-up command that was not applied.</summary>
internal sealed class ChildFailure(string message) : Exception(message);

/// <summary>
/// The community, with every key and every set-up command id derived from the seed, and every expiry from the
/// epoch: a second run builds byte-for-byte the same set-up commands (up to fresh signatures), so each of them is a
/// retry with the first outcome.
/// </summary>
internal sealed class Community
{
    private const string Budget = "crash-budget";
    private const long DayMs = 86_400_000;
    private static readonly Amount Reward = Amount.FromEuros(100);

    private readonly string seed;
    private readonly long epochMs;

    public Community(string seed, long epochMs, int residents)
    {
        this.seed = seed;
        this.epochMs = epochMs;
        Issuer = Key("issuer");
        Operator = Key("operator");
        Officer1 = Key("officer1");
        Officer2 = Key("officer2");
        Merchant = Key("merchant");
        Residents = [.. Enumerable.Range(0, residents).Select(i => Key($"resident{i.ToString(CultureInfo.InvariantCulture)}"))];
    }

    public SigningKey Issuer { get; }

    public SigningKey Operator { get; }

    public SigningKey Officer1 { get; }

    public SigningKey Officer2 { get; }

    public SigningKey Merchant { get; }

    public IReadOnlyList<SigningKey> Residents { get; }

    /// <summary>Every command expires a day after the epoch, so that its content is the same in every run.</summary>
    public CommandHeader Header(SigningKey actor, CommandId id) => new(Program.ChainId, id, actor.PublicKey, epochMs + DayMs);

    /// <summary>Issuer, two officers, a budget, the merchant, and every resident holding one job's reward.</summary>
    public async Task SetUpAsync(Sequencer sequencer)
    {
        await MustAsync(sequencer, "establish", new EstablishChain(Operator.PublicKey, Amount.FromEuros(1_000_000)) { Header = Header(Issuer, Id("establish")) }, Issuer);

        await MustAsync(sequencer, "open-officer1", new OpenAccount { Header = Header(Officer1, Id("open-officer1")) }, Officer1);
        await MustAsync(sequencer, "open-officer2", new OpenAccount { Header = Header(Officer2, Id("open-officer2")) }, Officer2);
        await MustAsync(sequencer, "grant-officer1", new GrantRole(Officer1.PublicKey, Roles.Officer) { Header = Header(Issuer, Id("grant-officer1")) }, Issuer);
        await MustAsync(sequencer, "grant-officer2", new GrantRole(Officer2.PublicKey, Roles.Officer) { Header = Header(Issuer, Id("grant-officer2")) }, Issuer);
        await MustAsync(sequencer, "mint", new MintBudget(Budget, Reward * Residents.Count) { Header = Header(Officer1, Id("mint")) }, Officer1);
        await MustAsync(sequencer, "open-merchant", new OpenAccount { Header = Header(Merchant, Id("open-merchant")) }, Merchant);
        await MustAsync(sequencer, "admit-merchant", new AdmitMerchant(Merchant.PublicKey, "centrum") { Header = Header(Officer1, Id("admit-merchant")) }, Officer1);
        await Task.WhenAll(Residents.Select((resident, i) => EarnAsync(sequencer, resident, i)));
    }

    private async Task EarnAsync(Sequencer sequencer, SigningKey resident, int index)
    {
        string n = index.ToString(CultureInfo.InvariantCulture);
        var job = new JobId(Id128("job:" + n));
        await MustAsync(sequencer, "open-" + n, new OpenAccount { Header = Header(resident, Id("open-" + n)) }, resident);
        await MustAsync(sequencer, "publish-" + n, new PublishJob(job, Budget, "straatmeubilair", "gms", Reward, 1, epochMs + DayMs) { Header = Header(Officer1, Id("publish-" + n)) }, Officer1);
        await MustAsync(sequencer, "enrol-" + n, new Enrol(job) { Header = Header(resident, Id("enrol-" + n)) }, resident);
        await MustAsync(sequencer, "complete-" + n, new SubmitCompletion(job, Hash32.Sha256(Encoding.UTF8.GetBytes("photo " + n))) { Header = Header(resident, Id("complete-" + n)) }, resident);
        await MustAsync(sequencer, "approve-" + n, new ApproveCompletion(job, resident.PublicKey) { Header = Header(Officer2, Id("approve-" + n)) }, Officer2);
    }

    private static async Task MustAsync(Sequencer sequencer, string what, Command command, SigningKey key)
    {
        var result = await Program.SubmitUntilAnsweredAsync(sequencer, command, key);
        if (!result.Applied) throw new ChildFailure($"{what} {Rejections.Code(result.Code)} {result.Detail}");
        Program.Say($"setup {what} {result.Height.ToString(CultureInfo.InvariantCulture)}{(result.IsRetry ? " retry" : "")}");
    }

    private SigningKey Key(string name) => SigningKey.FromSecret(SHA256.HashData(Encoding.UTF8.GetBytes(seed + name)));

    private CommandId Id(string name) => new(Id128("command:" + name));

    private UInt128 Id128(string name) => BinaryPrimitives.ReadUInt128BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(seed + name)).AsSpan(0, 16));
}
