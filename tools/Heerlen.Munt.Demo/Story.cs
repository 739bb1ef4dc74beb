using Heerlen.Munt.Ledger;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Money;

namespace Heerlen.Munt.Demo;

/// <summary>
/// The story of one job and one purchase, told step by step: the municipality mints a budget, publishes a
/// job in GMS, a resident enrols and completes it, an officer approves, the resident pays a shop, the shop
/// redeems. Every step is a real signed command through the real rules; the chain is verified at the end.
/// </summary>
public sealed class Story(Language language, TextWriter output)
{
    private const string ChainId = "heerlen-munt/demo";
    private const string Budget = "klussen-2026";

    private readonly SigningKey _issuer = SigningKey.Generate();
    private readonly SigningKey _operator = SigningKey.Generate();
    private readonly SigningKey _officerAnna = SigningKey.Generate();
    private readonly SigningKey _officerBram = SigningKey.Generate();
    private readonly SigningKey _resident = SigningKey.FromPhrase(SigningKey.NewPhrase());
    private readonly SigningKey _shop = SigningKey.Generate();
    private readonly ISchnorrVerifier _verifier = NativeSchnorrVerifier.IsAvailable() ? NativeSchnorrVerifier.Instance : ManagedSchnorrVerifier.Instance;
    private LedgerEngine _engine = null!;
    private long _nowMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private bool Dutch => language == Language.Dutch;

    /// <summary>Plays the story; false if any step did not go as told or the chain does not verify.</summary>
    public bool Play()
    {
        _engine = new LedgerEngine(ChainId, _operator, _verifier, new BlockPolicy(EntriesMax: 4, IntervalMs: 60_000));
        Say(Dutch ? $"Heerlen Munt demo (keten '{ChainId}', handtekeningen: {_verifier.Name})" : $"Heerlen Munt demo (chain '{ChainId}', signatures: {_verifier.Name})");
        Say("");
        try
        {
            SetUp();
            var job = JobInGms();
            EarnAndSpend(job);
            ShowRefusals(job);
        }
        catch (StoryFailed failed)
        {
            Say((Dutch ? "MISLUKT: " : "FAILED: ") + failed.Message);
            return false;
        }
        return VerifyChain();
    }

    private void SetUp()
    {
        Step(Dutch ? "De gemeente start de munt" : "The municipality starts the ledger", _issuer, new EstablishChain(_operator.PublicKey, Amount.FromEuros(10_000)) { Header = H(_issuer) });
        Open(_officerAnna, "Anna (officer)");
        Open(_officerBram, "Bram (officer)");
        Step(Dutch ? "Anna wordt medewerker" : "Anna becomes an officer", _issuer, new GrantRole(_officerAnna.PublicKey, Roles.Officer) { Header = H(_issuer) });
        Step(Dutch ? "Bram wordt medewerker" : "Bram becomes an officer", _issuer, new GrantRole(_officerBram.PublicKey, Roles.Officer) { Header = H(_issuer) });
        var budget = Amount.FromEuros(25_000);
        Step(Dutch ? $"Anna en Bram maken samen een budget '{Budget}' van {F(budget)} (boven de grens: twee handtekeningen)" : $"Anna and Bram mint budget '{Budget}' of {F(budget)} (above the threshold: two signatures)",
            _officerAnna, new MintBudget(Budget, budget) { Header = H(_officerAnna) }, cosigner: _officerBram);
        Open(_shop, Dutch ? "Bakkerij Pleinzicht (winkel)" : "Bakery Pleinzicht (shop)");
        Step(Dutch ? "Anna laat de bakkerij meedoen" : "Anna admits the bakery", _officerAnna, new AdmitMerchant(_shop.PublicKey) { Header = H(_officerAnna) });
        Open(_resident, Dutch ? "Sanne (inwoner, sleutel uit 12 woorden)" : "Sanne (resident, key from 12 words)");
    }

    private JobId JobInGms()
    {
        var job = JobId.New();
        var reward = Amount.FromEuros(15);
        Step(Dutch ? $"Anna zet een klus in GMS: 'Bankje schilderen', {F(reward)} per persoon, 2 plekken" : $"Anna publishes a job in GMS: 'Paint a bench', {F(reward)} each, 2 places",
            _officerAnna, new PublishJob(job, Budget, "straatmeubilair", "gms", reward, 2, _nowMs + 7 * 86_400_000L) { Header = H(_officerAnna) });
        Note(Dutch ? $"gereserveerd voor de klus: {F(_engine.State.Reserved)}; over in het budget: {F(_engine.State.Budgets[Budget])}" : $"held for the job: {F(_engine.State.Reserved)}; left in the budget: {F(_engine.State.Budgets[Budget])}");
        Step(Dutch ? "Sanne schrijft zich in" : "Sanne enrols", _resident, new Enrol(job) { Header = H(_resident) });
        _nowMs += 26 * 3_600_000L;
        var photo = Hash32.Sha256("photo of a freshly painted bench"u8);
        Step(Dutch ? $"Sanne meldt de klus klaar, met foto (alleen de hash {photo.ToHex()[..12]}… staat in de keten)" : $"Sanne reports the job done with a photo (only its hash {photo.ToHex()[..12]}… is on the chain)",
            _resident, new SubmitCompletion(job, photo) { Header = H(_resident) });
        Step(Dutch ? "Bram keurt het werk goed" : "Bram approves the work", _officerBram, new ApproveCompletion(job, _resident.PublicKey) { Header = H(_officerBram) });
        Note(Dutch ? $"Je kreeg {F(reward)} voor 'Bankje schilderen'. Saldo Sanne: {F(Balance(_resident))}" : $"You received {F(reward)} for 'Paint a bench'. Sanne's balance: {F(Balance(_resident))}");
        return job;
    }

    private void EarnAndSpend(JobId job)
    {
        var price = Amount.FromEuros(4, 75);
        Step(Dutch ? $"Sanne betaalt {F(price)} bij de bakkerij (QR-code aan de kassa)" : $"Sanne pays {F(price)} at the bakery (QR code at the till)",
            _resident, new Pay(_shop.PublicKey, price, PaymentRequestId.New()) { Header = H(_resident) });
        Note(Dutch ? $"saldo Sanne: {F(Balance(_resident))}; saldo bakkerij: {F(Balance(_shop))}" : $"Sanne's balance: {F(Balance(_resident))}; bakery's balance: {F(Balance(_shop))}");
        var redeem = H(_shop);
        Step(Dutch ? $"De bakkerij wisselt {F(price)} in voor euro's" : $"The bakery redeems {F(price)} for euros", _shop, new Redeem(price) { Header = redeem });
        Step(Dutch ? "Bram legt de bankoverschrijving vast" : "Bram records the bank transfer", _officerBram, new SettleRedemption(_shop.PublicKey, redeem.Id, "HM-2026-000001") { Header = H(_officerBram) });
        var s = _engine.State;
        Note(Dutch ? $"in omloop: {F(s.Supply)} = gemaakt {F(s.Minted)} − ingewisseld {F(s.Redeemed)}" : $"in circulation: {F(s.Supply)} = minted {F(s.Minted)} − redeemed {F(s.Redeemed)}");
    }

    private void ShowRefusals(JobId job)
    {
        Say("");
        Say(Dutch ? "Wat de regels weigeren (elk 'nee' met een reden):" : "What the rules refuse (every 'no' with a reason):");
        Expect(RejectionCode.FourEyesViolation, _officerBram, new ApproveCompletion(job, _officerBram.PublicKey) { Header = H(_officerBram) },
            Dutch ? "Bram keurt zijn eigen werk goed" : "Bram approves his own work");
        Expect(RejectionCode.InsufficientFunds, _resident, new Pay(_shop.PublicKey, Amount.FromEuros(500), null) { Header = H(_resident) },
            Dutch ? "Sanne betaalt HM 500,00" : "Sanne pays HM 500.00");
        Expect(RejectionCode.MerchantNotAffiliated, _resident, new Pay(_officerAnna.PublicKey, Amount.FromEuros(1), null) { Header = H(_resident) },
            Dutch ? "Sanne betaalt Anna (geen winkel)" : "Sanne pays Anna (not a shop)");
    }

    private bool VerifyChain()
    {
        _engine.SealBlock(_nowMs);
        var report = ChainVerifier.Verify(ChainId, _engine.Entries.Select(e => e.Encode()), _engine.Blocks, _verifier);
        Say("");
        Say(Dutch ? $"laatste blok: {_engine.Blocks[^1].Number}, Merkle-root {_engine.Blocks[^1].MerkleRoot.ToHex()[..16]}…, getekend door de beheerder" : $"last block: {_engine.Blocks[^1].Number}, Merkle root {_engine.Blocks[^1].MerkleRoot.ToHex()[..16]}…, sealed by the operator");
        Say(report.ToString());
        return report.Ok;
    }

    private void Open(SigningKey key, string who)
    {
        Step((Dutch ? "Account geopend: " : "Account opened: ") + who, key, new OpenAccount { Header = H(key) });
        Note(key.PublicKey.ToString());
    }

    private void Step(string what, SigningKey key, Command command, SigningKey? cosigner = null)
    {
        _nowMs += 1_000;
        var result = _engine.Submit(SignedCommand.Create(command, key, cosigner).Envelope, _nowMs);
        if (!result.Applied) throw new StoryFailed($"{what}: {Rejections.Code(result.Code)} — {Rejections.Reason(result.Code, language)}");
        Say($"[{result.Height,3}] {what}");
    }

    private void Expect(RejectionCode code, SigningKey key, Command command, string what)
    {
        _nowMs += 1_000;
        var result = _engine.Submit(SignedCommand.Create(command, key).Envelope, _nowMs);
        if (result.Code != code) throw new StoryFailed($"{what}: expected {Rejections.Code(code)}, got {Rejections.Code(result.Code)}");
        Say($"[{result.Height,3}] {what} → {Rejections.Code(result.Code)}: \"{Rejections.Reason(result.Code, language)}\"");
    }

    private CommandHeader H(SigningKey actor) => new(ChainId, CommandId.New(), actor.PublicKey, _nowMs + 120_000);

    private Amount Balance(SigningKey key) => _engine.State.BalanceOf(key.PublicKey);

    private string F(Amount amount) => amount.Format(language);

    private void Say(string line) => output.WriteLine(line);

    private void Note(string line) => output.WriteLine($"      {line}");

    private sealed class StoryFailed(string message) : Exception(message);
}
