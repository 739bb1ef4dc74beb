using System.Globalization;
using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Facts;
using Heerlen.Munt.Ledger.Money;
using Heerlen.Munt.Storage;
using Heerlen.Munt.Storage.Chain;
using Heerlen.Munt.Storage.Projections;
using Marten;

namespace Heerlen.Munt.Demo;

/// <summary>
/// The story of one job and one purchase, told step by step: the municipality mints a budget, publishes a
/// job in GMS, a resident enrols and completes it, an officer approves, the resident pays a shop, the shop
/// redeems. Every step is a real signed command through the real rules and the real durable sequencer on
/// PostgreSQL; balances are read from the Marten projections; the stored chain is verified at the end. Running it
/// again continues the same chain with a new resident and a new job.
/// </summary>
public sealed class Story(Language language, TextWriter output, string connectionString, DemoKeys keys)
{
    private const string ChainId = "heerlen-munt/demo";
    private const string Budget = "klussen-2026";

    private readonly SigningKey _issuer = keys["issuer"];
    private readonly SigningKey _operator = keys["operator"];
    private readonly SigningKey _officerAnna = keys["anna"];
    private readonly SigningKey _officerBram = keys["bram"];
    private readonly SigningKey _resident = SigningKey.FromPhrase(SigningKey.NewPhrase());
    private readonly SigningKey _shop = keys["bakery"];
    private readonly ISchnorrVerifier _verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
    private DocumentStore _documents = null!;
    private ChainStore _store = null!;
    private Sequencer _sequencer = null!;

    private bool Dutch => language == Language.Dutch;

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>Plays the story; false if any step did not go as told or the stored chain does not verify.</summary>
    public async Task<bool> PlayAsync()
    {
        using var documents = HeerlenStore.Create(connectionString);
        _documents = documents;
        _store = new ChainStore(documents, ChainId);
        _sequencer = await Sequencer.StartAsync(_store, _operator, _verifier, new SequencerOptions { Blocks = new BlockPolicy(EntriesMax: 4, IntervalMs: 60_000) });
        await using var readModels = await ReadModelDaemon.StartAsync(documents); // history and statistics
        var load = _sequencer.LastLoad;
        Say(Dutch ? $"Heerlen Munt demo (keten '{ChainId}', handtekeningen: {_verifier.Name}, sleutels: {keys.Path})" : $"Heerlen Munt demo (chain '{ChainId}', signatures: {_verifier.Name}, keys: {keys.Path})");
        if (!load.Intact)
        {
            Say((Dutch ? "KETEN BESCHADIGD: " : "CHAIN BROKEN: ") + load);
            await _sequencer.DisposeAsync();
            return false;
        }
        Say(load.StoredEntries == 0
            ? (Dutch ? "nieuwe keten" : "new chain")
            : (Dutch ? $"bestaande keten gaat verder: {load.StoredEntries} entries en {load.StoredBlocks} blokken gecontroleerd in {load.Took.TotalMilliseconds:0} ms" : $"continuing the stored chain: {load.StoredEntries} entries and {load.StoredBlocks} blocks checked in {load.Took.TotalMilliseconds:0} ms"));
        Say("");
        bool ok;
        try
        {
            if (load.StoredEntries == 0) await SetUpAsync();
            await OpenAsync(_resident, Dutch ? "Sanne (inwoner, sleutel uit 12 woorden)" : "Sanne (resident, key from 12 words)");
            var job = await JobInGmsAsync();
            await EarnAndSpendAsync();
            await ShowRefusalsAsync(job);
            ok = true;
        }
        catch (StoryFailed failed)
        {
            Say((Dutch ? "MISLUKT: " : "FAILED: ") + failed.Message);
            ok = false;
        }
        await _sequencer.DisposeAsync(); // seals the last block
        await readModels.CatchUpAsync(TimeSpan.FromSeconds(30));
        if (ok) await ShowHistoryAsync();
        return ok && await VerifyStoredChainAsync();
    }

    private async Task SetUpAsync()
    {
        await StepAsync(Dutch ? "De gemeente start de munt" : "The municipality starts the ledger", _issuer, new EstablishChain(_operator.PublicKey, Amount.FromEuros(10_000)) { Header = H(_issuer) });
        await OpenAsync(_officerAnna, "Anna (officer)");
        await OpenAsync(_officerBram, "Bram (officer)");
        await StepAsync(Dutch ? "Anna wordt medewerker" : "Anna becomes an officer", _issuer, new GrantRole(_officerAnna.PublicKey, Roles.Officer) { Header = H(_issuer) });
        await StepAsync(Dutch ? "Bram wordt medewerker" : "Bram becomes an officer", _issuer, new GrantRole(_officerBram.PublicKey, Roles.Officer) { Header = H(_issuer) });
        var budget = Amount.FromEuros(25_000);
        await StepAsync(Dutch ? $"Anna en Bram maken samen een budget '{Budget}' van {F(budget)} (boven de grens: twee handtekeningen)" : $"Anna and Bram mint budget '{Budget}' of {F(budget)} (above the threshold: two signatures)",
            _officerAnna, new MintBudget(Budget, budget) { Header = H(_officerAnna) }, cosigner: _officerBram);
        await OpenAsync(_shop, Dutch ? "Bakkerij Pleinzicht (winkel)" : "Bakery Pleinzicht (shop)");
        await StepAsync(Dutch ? "Anna laat de bakkerij meedoen" : "Anna admits the bakery", _officerAnna, new AdmitMerchant(_shop.PublicKey, "gms") { Header = H(_officerAnna) });
    }

    private async Task<JobId> JobInGmsAsync()
    {
        var job = JobId.New();
        var reward = Amount.FromEuros(15);
        await StepAsync(Dutch ? $"Anna zet een klus in GMS: 'Bankje schilderen', {F(reward)} per persoon, 2 plekken" : $"Anna publishes a job in GMS: 'Paint a bench', {F(reward)} each, 2 places",
            _officerAnna, new PublishJob(job, Budget, "straatmeubilair", "gms", reward, 2, NowMs + 7 * 86_400_000L) { Header = H(_officerAnna) });
        Note(Dutch ? $"gereserveerd voor de klus: {F(await PotAsync(Movement.JobPot(job)))}; over in het budget: {F(await PotAsync(Movement.BudgetPot(Budget)))}" : $"held for the job: {F(await PotAsync(Movement.JobPot(job)))}; left in the budget: {F(await PotAsync(Movement.BudgetPot(Budget)))}");
        await StepAsync(Dutch ? "Sanne schrijft zich in" : "Sanne enrols", _resident, new Enrol(job) { Header = H(_resident) });
        var photo = Hash32.Sha256("photo of a freshly painted bench"u8);
        await StepAsync(Dutch ? $"Sanne meldt de klus klaar, met foto (alleen de hash {photo.ToHex()[..12]}… staat in de keten)" : $"Sanne reports the job done with a photo (only its hash {photo.ToHex()[..12]}… is on the chain)",
            _resident, new SubmitCompletion(job, photo) { Header = H(_resident) });
        await StepAsync(Dutch ? "Bram keurt het werk goed" : "Bram approves the work", _officerBram, new ApproveCompletion(job, _resident.PublicKey) { Header = H(_officerBram) });
        Note(Dutch ? $"Je kreeg {F(reward)} voor 'Bankje schilderen'. Saldo Sanne: {F(await BalanceAsync(_resident))}" : $"You received {F(reward)} for 'Paint a bench'. Sanne's balance: {F(await BalanceAsync(_resident))}");
        return job;
    }

    private async Task EarnAndSpendAsync()
    {
        var price = Amount.FromEuros(4, 75);
        await StepAsync(Dutch ? $"Sanne betaalt {F(price)} bij de bakkerij (QR-code aan de kassa)" : $"Sanne pays {F(price)} at the bakery (QR code at the till)",
            _resident, new Pay(_shop.PublicKey, price, PaymentRequestId.New()) { Header = H(_resident) });
        Note(Dutch ? $"saldo Sanne: {F(await BalanceAsync(_resident))}; saldo bakkerij: {F(await BalanceAsync(_shop))}" : $"Sanne's balance: {F(await BalanceAsync(_resident))}; bakery's balance: {F(await BalanceAsync(_shop))}");
        var redeem = H(_shop);
        await StepAsync(Dutch ? $"De bakkerij wisselt {F(price)} in voor euro's" : $"The bakery redeems {F(price)} for euros", _shop, new Redeem(price) { Header = redeem });
        await StepAsync(Dutch ? "Bram legt de bankoverschrijving vast" : "Bram records the bank transfer", _officerBram, new SettleRedemption(_shop.PublicKey, redeem.Id, $"HM-{redeem.Id.ToString()[..8]}") { Header = H(_officerBram) });
        long minted = -(await PotAsync(Movement.Issuance)).Cents;
        long redeemed = (await PotAsync(Movement.Burnt)).Cents;
        Note(Dutch ? $"in omloop: {F(new Amount(minted - redeemed))} = gemaakt {F(new Amount(minted))} − ingewisseld {F(new Amount(redeemed))}" : $"in circulation: {F(new Amount(minted - redeemed))} = minted {F(new Amount(minted))} − redeemed {F(new Amount(redeemed))}");
    }

    private async Task ShowRefusalsAsync(JobId job)
    {
        Say("");
        Say(Dutch ? "Wat de regels weigeren (elk 'nee' met een reden):" : "What the rules refuse (every 'no' with a reason):");
        await ExpectAsync(RejectionCode.FourEyesViolation, _officerBram, new ApproveCompletion(job, _officerBram.PublicKey) { Header = H(_officerBram) },
            Dutch ? "Bram keurt zijn eigen werk goed" : "Bram approves his own work");
        await ExpectAsync(RejectionCode.InsufficientFunds, _resident, new Pay(_shop.PublicKey, Amount.FromEuros(500), null) { Header = H(_resident) },
            Dutch ? "Sanne betaalt HM 500,00" : "Sanne pays HM 500.00");
        await ExpectAsync(RejectionCode.MerchantNotAffiliated, _resident, new Pay(_officerAnna.PublicKey, Amount.FromEuros(1), null) { Header = H(_resident) },
            Dutch ? "Sanne betaalt Anna (geen winkel)" : "Sanne pays Anna (not a shop)");
    }

    /// <summary>Sanne's history as the job app will show it, newest first, from the history read model.</summary>
    private async Task ShowHistoryAsync()
    {
        await using var session = _documents.QuerySession();
        string sanne = _resident.PublicKey.ToString();
        var lines = await session.Query<HistoryLine>().Where(x => x.Account == sanne).OrderByDescending(x => x.Height).Take(10).ToListAsync();
        Say("");
        Say(Dutch ? "Sanne's geschiedenis (nieuwste eerst):" : "Sanne's history (newest first):");
        foreach (var line in lines)
        {
            string amount = line.AmountCents == 0 ? "" : $" {(line.AmountCents > 0 ? "+" : "−")}{F(new Amount(Math.Abs(line.AmountCents)))}";
            string outcome = line.Outcome == RejectionCode.None ? "" : $" ({(Dutch ? "geweigerd" : "refused")}: {Rejections.Code(line.Outcome)})";
            Note($"[{line.Height,3}] {line.Command}{amount}{outcome}");
        }
    }

    private async Task<bool> VerifyStoredChainAsync()
    {
        var report = await _store.VerifyAsync(_verifier);
        var blocks = await _store.ReadDecodedBlocksAsync();
        Say("");
        if (blocks.Count > 0)
            Say(Dutch ? $"laatste blok: {blocks[^1].Number}, Merkle-root {blocks[^1].MerkleRoot.ToHex()[..16]}…, getekend door de beheerder" : $"last block: {blocks[^1].Number}, Merkle root {blocks[^1].MerkleRoot.ToHex()[..16]}…, sealed by the operator");
        Say(Dutch && report.Ok ? $"keten gecontroleerd: {report.EntriesVerified} entries, {report.BlocksVerified} blokken" : report.ToString());
        return report.Ok;
    }

    private async Task OpenAsync(SigningKey key, string who)
    {
        await StepAsync((Dutch ? "Account geopend: " : "Account opened: ") + who, key, new OpenAccount { Header = H(key) });
        Note(key.PublicKey.ToString());
    }

    private async Task StepAsync(string what, SigningKey key, Command command, SigningKey? cosigner = null)
    {
        var result = await _sequencer.SubmitAsync(SignedCommand.Create(command, key, cosigner).Envelope);
        if (!result.Applied) throw new StoryFailed($"{what}: {Rejections.Code(result.Code)} — {Rejections.Reason(result.Code, language)}");
        Say($"[{result.Height,3}] {what}");
    }

    private async Task ExpectAsync(RejectionCode code, SigningKey key, Command command, string what)
    {
        var result = await _sequencer.SubmitAsync(SignedCommand.Create(command, key).Envelope);
        if (result.Code != code) throw new StoryFailed($"{what}: expected {Rejections.Code(code)}, got {Rejections.Code(result.Code)}");
        string height = result.Height >= 0 ? result.Height.ToString(CultureInfo.InvariantCulture) : "-";
        Say($"[{height,3}] {what} → {Rejections.Code(result.Code)}: \"{Rejections.Reason(result.Code, language)}\"");
    }

    private CommandHeader H(SigningKey actor) => new(ChainId, CommandId.New(), actor.PublicKey, NowMs + 120_000);

    private Task<Amount> BalanceAsync(SigningKey key) => PotAsync(key.PublicKey.ToString());

    /// <summary>Reads a balance from the inline projection: it is written in the same transaction as the entry.</summary>
    private async Task<Amount> PotAsync(string pot)
    {
        await using var session = _documents.QuerySession();
        var balance = await session.LoadAsync<Balance>(pot);
        return new Amount(balance?.Cents ?? 0);
    }

    private string F(Amount amount) => amount.Format(language);

    private void Say(string line) => output.WriteLine(line);

    private void Note(string line) => output.WriteLine($"      {line}");

    private sealed class StoryFailed(string message) : Exception(message);
}
