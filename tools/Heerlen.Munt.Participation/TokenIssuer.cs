using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Org.BouncyCastle.Security;

namespace Heerlen.Munt.Modules;

/// <summary>Why the module will not sign a token; <see cref="Code"/> is stable, the message is for the person at the desk.</summary>
public sealed class IssueRefusedException(string code, string dutch, string english) : Exception(english)
{
    /// <summary>
    /// Stable code: <c>already_issued</c>, <c>campaign_not_open</c>, <c>issuing_ended</c>, <c>campaign_closed</c>, <c>campaign_retired</c>,
    /// <c>blinded_message_invalid</c>, <c>person_id_invalid</c>.
    /// </summary>
    public string Code { get; } = code;

    /// <summary>The reason in plain Dutch.</summary>
    public string Dutch { get; } = dutch;

    /// <summary>No person's number was typed.</summary>
    public static IssueRefusedException PersonMissing() => new("person_id_invalid", "Vul het nummer van de persoon in.", "Enter the person's number.");

    /// <summary>The app's code is missing, misread, or not a blinded message for this key.</summary>
    public static IssueRefusedException CodeMisread() =>
        new("blinded_message_invalid", "De code van de app is niet goed gelezen. Scan hem opnieuw.", "The app's code was not read correctly. Scan it again.");
}

/// <summary>
/// What the module remembers of one token it signed: who (as a keyed hash), on which day (no time: the less the desk
/// keeps, the less there is to match against the hand-in times on the chain), and a hash of the blinded message, so the
/// same person showing the same code again gets the same answer again instead of a refusal (a bad scan must not cost
/// them their reward).
/// </summary>
/// <param name="Person">HMAC-SHA256 of the person's normalised eligibility id under the campaign's person secret (hex).</param>
/// <param name="IssuedOn">The UTC day (yyyy-MM-dd).</param>
/// <param name="BlindedHash">SHA-256 of the blinded message it signed (hex).</param>
public sealed record IssuedToken(string Person, string IssuedOn, string BlindedHash);

/// <summary>The campaign's terms as the module keeps them next to its key.</summary>
/// <param name="ChainId">The chain.</param>
/// <param name="Campaign">The campaign id (hex).</param>
/// <param name="OpensAtMs">Issuing starts (the campaign's window opens).</param>
/// <param name="ClosesAtMs">The campaign's window closes: the ledger takes no voucher from then on.</param>
/// <param name="PerPersonCap">Tokens per person.</param>
/// <param name="KeyId">The public key's id (hex), to show at the desk.</param>
/// <param name="IssueUntilMs">
/// Issuing ends, before <paramref name="ClosesAtMs"/>, so that the last vouchers can still be handed in later (an app
/// waits a random while before it hands one in: see docs/participation.md); 0 in folders made before this existed, which
/// issue until the window closes.
/// </param>
/// <param name="Server">The server the campaign was opened on, which the desk asks whether the campaign is still open; null in older folders.</param>
public sealed record CampaignTerms(string ChainId, string Campaign, long OpensAtMs, long ClosesAtMs, int PerPersonCap, string KeyId, long IssueUntilMs = 0, string? Server = null)
{
    /// <summary>The end of issuing: <see cref="IssueUntilMs"/>, or the window's close in older folders.</summary>
    public long IssueEndMs => IssueUntilMs > 0 ? Math.Min(IssueUntilMs, ClosesAtMs) : ClosesAtMs;
}

/// <summary>
/// The issuing side of a campaign, in one folder: the RSA private key (<c>key.pk8</c>), a secret for hashing people's ids
/// (<c>person-secret</c>), the terms (<c>campaign.json</c>) and the list of tokens issued (<c>issued.jsonl</c>). It signs
/// blinded messages (RFC 9474), at most <see cref="CampaignTerms.PerPersonCap"/> per person, and never sees what it signs.
/// It keeps who got a token — as a keyed hash, with the day — never what anyone voted or answered: it is never told.
/// Safe for several desks (threads or processes) on one folder: they take turns.
/// </summary>
public sealed class TokenIssuer
{
    private const string KeyFile = "key.pk8", SecretFile = "person-secret", TermsFile = "campaign.json", IssuedFile = "issued.jsonl";
    private static readonly SecureRandom Random = new();
    private readonly string _folder;
    // What this desk has read of the issued list (always up to a line's end), and the tokens it holds per person hash. Only
    // the part another desk appended since is read under the lock, so an issue costs the same on the 60,000th voter as on
    // the first (found in review: re-reading the whole list made a campaign quadratic).
    private readonly Dictionary<string, List<string>> _byPerson = new(StringComparer.Ordinal);
    private long _readUpTo;
    private RsaBlindPrivateKey? _key;

    private TokenIssuer(string folder, CampaignTerms terms)
    {
        _folder = folder;
        Terms = terms;
    }

    /// <summary>The campaign's terms.</summary>
    public CampaignTerms Terms { get; }

    /// <summary>True once the key is destroyed (the campaign closed).</summary>
    public bool Retired => !File.Exists(Path.Combine(_folder, KeyFile));

    /// <summary>Everything the module keeps about the tokens it signed, oldest first.</summary>
    public IReadOnlyList<IssuedToken> Issued
    {
        get
        {
            string path = Path.Combine(_folder, IssuedFile);
            return File.Exists(path) ? Parse(File.ReadAllText(path)) : [];
        }
    }

    /// <summary>
    /// Reads the issued list. A torn last line (a crash while it was written, before the answer left the desk) is
    /// skipped; anything else unreadable stops the desk with a clear message rather than risk a second token.
    /// </summary>
    private static List<IssuedToken> Parse(string text)
    {
        var lines = text.Split('\n');
        var tokens = new List<IssuedToken>(lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            try
            {
                tokens.Add(JsonSerializer.Deserialize<IssuedToken>(lines[i]) ?? throw new JsonException("null"));
            }
            catch (JsonException) when (i == lines.Length - 1)
            {
                // the torn last line: its answer never left
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{IssuedFile} line {i + 1} is damaged ({e.Message}); repair or restore it before issuing", e);
            }
        }
        return tokens;
    }

    /// <summary>
    /// Makes a new campaign key (<paramref name="bits"/>, 2048-4096) and person secret in a new folder; the campaign is
    /// opened on the chain next. Issuing ends at <paramref name="issueUntilMs"/> (0: when the window closes).
    /// </summary>
    public static (TokenIssuer Issuer, RsaBlindPublicKey Key) Create(string folder, string chainId, CampaignId campaign, long opensAtMs, long closesAtMs, int perPersonCap,
        int bits = 3072, long issueUntilMs = 0, string? server = null)
    {
        if (issueUntilMs != 0 && (issueUntilMs <= opensAtMs || issueUntilMs > closesAtMs))
            throw new ArgumentException("issuing must end after the campaign opens and no later than it closes");
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()) throw new IOException($"{folder} is not empty: one folder per campaign");
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); // only the module's operator
        var key = RsaBlindPrivateKey.Generate(bits, Random);
        WriteSecret(Path.Combine(folder, KeyFile), key.ExportPkcs8());
        WriteSecret(Path.Combine(folder, SecretFile), RandomNumberGenerator.GetBytes(32));
        var terms = new CampaignTerms(chainId, campaign.ToString(), opensAtMs, closesAtMs, perPersonCap, key.PublicKey.KeyId.ToString(), issueUntilMs, server);
        WriteSecret(Path.Combine(folder, TermsFile), Encoding.UTF8.GetBytes(JsonSerializer.Serialize(terms)));
        WriteSecret(Path.Combine(folder, IssuedFile), []);
        return (new TokenIssuer(folder, terms), key.PublicKey);
    }

    /// <summary>Opens a campaign folder made by <see cref="Create"/>; a folder without one, or with a damaged one, is an <see cref="IOException"/> or <see cref="InvalidDataException"/> that says so.</summary>
    public static TokenIssuer Open(string folder)
    {
        string path = Path.Combine(folder, TermsFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"{folder} is not a campaign folder made by munt-module create (it has no {TermsFile})", path);
        CampaignTerms? terms;
        try
        {
            terms = JsonSerializer.Deserialize<CampaignTerms>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is damaged ({e.Message}); restore it from a copy before using this desk", e);
        }
        if (terms is null || !CampaignId.TryParse(terms.Campaign, out _) || string.IsNullOrEmpty(terms.ChainId) || string.IsNullOrEmpty(terms.KeyId) || terms.PerPersonCap < 1)
            throw new InvalidDataException($"{path} is damaged (a field is missing); restore it from a copy before using this desk");
        return new TokenIssuer(folder, terms);
    }

    /// <summary>
    /// Signs one blinded token for the person with eligibility id <paramref name="personId"/> (a voter pass number, a panel
    /// member number: whatever the desk checks), at <paramref name="nowMs"/>. Throws <see cref="IssueRefusedException"/> when
    /// the person had their tokens, the campaign is not open, the key is retired, or the blinded message is not one. The same
    /// person showing the same blinded message again gets the same answer again, and it does not count twice.
    /// Safe with several desks on one folder (an exclusive lock on the issued list) and across a crash (the record is on
    /// disk, flushed, before the answer is returned).
    /// </summary>
    public byte[] Issue(string personId, byte[] blindedMessage, long nowMs)
    {
        string normalised = NormalisePerson(personId);
        if (normalised.Length is 0 or > 128) throw IssueRefusedException.PersonMissing();
        if (nowMs >= Terms.IssueEndMs && nowMs < Terms.ClosesAtMs)
            throw new IssueRefusedException("issuing_ended", "De balie geeft voor deze actie geen bonnen meer. Wie al een bon heeft, kan hem nog inleveren.",
                "The desk gives no more vouchers for this campaign. Anyone who has one can still hand it in.");
        if (nowMs < Terms.OpensAtMs || nowMs >= Terms.ClosesAtMs)
            throw new IssueRefusedException("campaign_not_open", "Deze actie is nu niet open.", "This campaign is not open now.");
        // One desk at a time, also across processes: the list is read, checked and appended under one exclusive handle.
        using var list = OpenListExclusively();
        if (Retired) throw new IssueRefusedException("campaign_retired", "Deze actie is gesloten; de sleutel is vernietigd.", "This campaign is closed; its key was destroyed.");
        string person = PersonHash(normalised);
        string blindedHash = Convert.ToHexStringLower(SHA256.HashData(blindedMessage));
        CatchUp(list);
        var issued = _byPerson.TryGetValue(person, out var hashes) ? hashes : [];
        bool again = issued.Contains(blindedHash);
        if (!again && issued.Count >= Terms.PerPersonCap)
            throw new IssueRefusedException("already_issued", "Deze persoon heeft de bon voor deze actie al gekregen.", "This person already got the voucher for this campaign.");
        var key = _key ??= RsaBlindPrivateKey.ImportPkcs8(File.ReadAllBytes(Path.Combine(_folder, KeyFile)));
        byte[] signature;
        try
        {
            signature = RsaBlindSignatures.BlindSign(key, blindedMessage, Random);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
        {
            throw IssueRefusedException.CodeMisread();
        }
        if (again) return signature; // the same answer as before (RSA signing is deterministic); nothing new to note
        // On disk before the answer leaves: a crash after this costs the person a token, never gives one twice.
        var record = new IssuedToken(person, DateTimeOffset.FromUnixTimeMilliseconds(nowMs).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), blindedHash);
        byte[] line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(record) + "\n");
        list.Seek(0, SeekOrigin.End);
        list.Write(line);
        list.Flush(flushToDisk: true);
        Note(record);
        _readUpTo += line.Length;
        return signature;
    }

    /// <summary>
    /// Reads what other desks appended since this one last looked (under the exclusive lock). A last line without its newline
    /// was being written when a desk stopped (its answer never left): it is cut off. A list that shrank or no longer lines up
    /// with what was read (edited by hand) is read again from the start.
    /// </summary>
    private void CatchUp(FileStream list)
    {
        if (_readUpTo > list.Length || (_readUpTo > 0 && !EndsLineAt(list, _readUpTo)))
        {
            _byPerson.Clear();
            _readUpTo = 0;
        }
        byte[] chunk = new byte[list.Length - _readUpTo];
        list.Seek(_readUpTo, SeekOrigin.Begin);
        list.ReadExactly(chunk);
        int kept = chunk.AsSpan().LastIndexOf((byte)'\n') + 1;
        if (kept < chunk.Length) list.SetLength(_readUpTo + kept);
        foreach (var token in Parse(Encoding.UTF8.GetString(chunk, 0, kept))) Note(token);
        _readUpTo += kept;
    }

    private static bool EndsLineAt(FileStream list, long position)
    {
        list.Seek(position - 1, SeekOrigin.Begin);
        return list.ReadByte() == '\n';
    }

    private void Note(IssuedToken token)
    {
        if (!_byPerson.TryGetValue(token.Person, out var hashes)) _byPerson[token.Person] = hashes = [];
        hashes.Add(token.BlindedHash);
    }

    /// <summary>
    /// The form a person's id is counted in: Unicode NFKC, upper case, letters and digits only (no spaces, dashes of any
    /// kind, dots, slashes, invisible characters), so "nl-123", "NL 123", "ＮＬ-123" and "NL‐123" are one person. Leading
    /// zeros stay: whether they matter is the id scheme's business.
    /// </summary>
    public static string NormalisePerson(string? personId) =>
        string.Concat((personId ?? "").Normalize(NormalizationForm.FormKC).ToUpperInvariant().Where(char.IsLetterOrDigit));

    private FileStream OpenListExclusively()
    {
        string path = Path.Combine(_folder, IssuedFile);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                return new FileStream(path, options);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20); // another desk is issuing
            }
        }
    }

    /// <summary>
    /// Retires the key when the campaign closes: deletes the private key and the person secret (after this no token can be
    /// made, and the hashes in the issued list can no longer be matched to anyone's id).
    /// </summary>
    public void Retire()
    {
        using var list = OpenListExclusively(); // not while a desk is issuing
        _key = null;
        {
            foreach (var name in new[] { KeyFile, SecretFile })
            {
                string path = Path.Combine(_folder, name);
                if (!File.Exists(path)) continue;
                // Overwrite in place and flush, then delete: a plain delete leaves the bytes on the disk. On SSDs and
                // copy-on-write file systems even this is no guarantee; keep the folder on an encrypted volume.
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None))
                {
                    stream.Write(RandomNumberGenerator.GetBytes((int)stream.Length));
                    stream.Flush(flushToDisk: true);
                }
                File.Delete(path);
            }
        }
    }

    /// <summary>
    /// Removes the folder of a campaign that was never opened on the chain (the ledger refused it, or it failed before it
    /// was sent): the key is destroyed first, then every file, so the folder can be used again.
    /// </summary>
    public void Discard()
    {
        Retire();
        foreach (var name in new[] { TermsFile, IssuedFile }) File.Delete(Path.Combine(_folder, name));
        if (!Directory.EnumerateFileSystemEntries(_folder).Any()) Directory.Delete(_folder);
    }

    private string PersonHash(string normalisedPersonId)
    {
        byte[] secret = File.ReadAllBytes(Path.Combine(_folder, SecretFile));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(normalisedPersonId)));
    }

    private static void WriteSecret(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
        stream.Flush(flushToDisk: true); // all on disk before the campaign goes on the chain
    }
}
