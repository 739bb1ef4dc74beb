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
    /// <summary>Stable code: <c>already_issued</c>, <c>campaign_not_open</c>, <c>campaign_retired</c>, <c>blinded_message_invalid</c>, <c>person_id_invalid</c>.</summary>
    public string Code { get; } = code;

    /// <summary>The reason in plain Dutch.</summary>
    public string Dutch { get; } = dutch;
}

/// <summary>What the module remembers of one token it signed: who (as a keyed hash), when, and the blinded message it saw.</summary>
/// <param name="Person">HMAC-SHA256 of the person's eligibility id under the campaign's person secret (hex).</param>
/// <param name="IssuedAtMs">When (unix ms).</param>
/// <param name="BlindedMessage">The blinded message it signed (base64): kept to show that even all of it links nothing.</param>
public sealed record IssuedToken(string Person, long IssuedAtMs, string BlindedMessage);

/// <summary>The campaign's terms as the module keeps them next to its key.</summary>
/// <param name="ChainId">The chain.</param>
/// <param name="Campaign">The campaign id (hex).</param>
/// <param name="OpensAtMs">Issuing starts.</param>
/// <param name="ClosesAtMs">Issuing ends.</param>
/// <param name="PerPersonCap">Tokens per person.</param>
/// <param name="KeyId">The public key's id (hex), to show at the desk.</param>
public sealed record CampaignTerms(string ChainId, string Campaign, long OpensAtMs, long ClosesAtMs, int PerPersonCap, string KeyId);

/// <summary>
/// The issuing side of a campaign, in one folder: the RSA private key (<c>key.pk8</c>), a secret for hashing people's ids
/// (<c>person-secret</c>), the terms (<c>campaign.json</c>) and the list of tokens issued (<c>issued.jsonl</c>). It signs
/// blinded messages (RFC 9474), at most <see cref="CampaignTerms.PerPersonCap"/> per person, and never sees what it signs.
/// It keeps who got a token — as a keyed hash — never what anyone voted or answered: it is never told.
/// Thread-safe (one desk at a time per folder).
/// </summary>
public sealed class TokenIssuer
{
    private const string KeyFile = "key.pk8", SecretFile = "person-secret", TermsFile = "campaign.json", IssuedFile = "issued.jsonl";
    private static readonly SecureRandom Random = new();
    private readonly object _gate = new();
    private readonly string _folder;
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    private TokenIssuer(string folder, CampaignTerms terms)
    {
        _folder = folder;
        Terms = terms;
        foreach (var token in Issued) _counts[token.Person] = _counts.GetValueOrDefault(token.Person) + 1;
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
            if (!File.Exists(path)) return [];
            return [.. File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => JsonSerializer.Deserialize<IssuedToken>(l)!)];
        }
    }

    /// <summary>Makes a new campaign key (<paramref name="bits"/>, 2048-4096) and person secret in a new folder; the campaign is opened on the chain next.</summary>
    public static (TokenIssuer Issuer, RsaBlindPublicKey Key) Create(string folder, string chainId, CampaignId campaign, long opensAtMs, long closesAtMs, int perPersonCap, int bits = 3072)
    {
        if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any()) throw new IOException($"{folder} is not empty: one folder per campaign");
        Directory.CreateDirectory(folder);
        var key = RsaBlindPrivateKey.Generate(bits, Random);
        WriteSecret(Path.Combine(folder, KeyFile), key.ExportPkcs8());
        WriteSecret(Path.Combine(folder, SecretFile), RandomNumberGenerator.GetBytes(32));
        var terms = new CampaignTerms(chainId, campaign.ToString(), opensAtMs, closesAtMs, perPersonCap, key.PublicKey.KeyId.ToString());
        File.WriteAllText(Path.Combine(folder, TermsFile), JsonSerializer.Serialize(terms));
        return (new TokenIssuer(folder, terms), key.PublicKey);
    }

    /// <summary>Opens a campaign folder made by <see cref="Create"/>.</summary>
    public static TokenIssuer Open(string folder) =>
        new(folder, JsonSerializer.Deserialize<CampaignTerms>(File.ReadAllText(Path.Combine(folder, TermsFile))) ?? throw new IOException("campaign.json is empty"));

    /// <summary>
    /// Signs one blinded token for the person with eligibility id <paramref name="personId"/> (a voter pass number, a panel
    /// member number: whatever the desk checks), at <paramref name="nowMs"/>. Throws <see cref="IssueRefusedException"/> when
    /// the person had their tokens, the campaign is not open, the key is retired, or the blinded message is not one.
    /// </summary>
    public byte[] Issue(string personId, byte[] blindedMessage, long nowMs)
    {
        if (string.IsNullOrWhiteSpace(personId) || personId.Length > 128)
            throw new IssueRefusedException("person_id_invalid", "Vul het nummer van de persoon in.", "Enter the person's number.");
        lock (_gate)
        {
            if (Retired) throw new IssueRefusedException("campaign_retired", "Deze actie is gesloten; de sleutel is vernietigd.", "This campaign is closed; its key was destroyed.");
            if (nowMs < Terms.OpensAtMs || nowMs >= Terms.ClosesAtMs)
                throw new IssueRefusedException("campaign_not_open", "Deze actie is nu niet open.", "This campaign is not open now.");
            string person = PersonHash(personId);
            if (_counts.GetValueOrDefault(person) >= Terms.PerPersonCap)
                throw new IssueRefusedException("already_issued", "Deze persoon heeft de bon voor deze actie al gekregen.", "This person already got the voucher for this campaign.");
            var key = RsaBlindPrivateKey.ImportPkcs8(File.ReadAllBytes(Path.Combine(_folder, KeyFile)));
            byte[] signature;
            try
            {
                signature = RsaBlindSignatures.BlindSign(key, blindedMessage, Random);
            }
            catch (Exception e) when (e is ArgumentException or CryptographicException or FormatException)
            {
                throw new IssueRefusedException("blinded_message_invalid", "De code van de app is niet goed gelezen. Scan hem opnieuw.", "The app's code was not read correctly. Scan it again.");
            }
            // Written before the answer leaves: a crash after this costs the person a token, never gives one twice.
            var record = new IssuedToken(person, nowMs, Convert.ToBase64String(blindedMessage));
            File.AppendAllText(Path.Combine(_folder, IssuedFile), JsonSerializer.Serialize(record) + "\n");
            _counts[person] = _counts.GetValueOrDefault(person) + 1;
            return signature;
        }
    }

    /// <summary>
    /// Retires the key when the campaign closes: deletes the private key and the person secret (after this no token can be
    /// made, and the hashes in the issued list can no longer be matched to anyone's id).
    /// </summary>
    public void Retire()
    {
        lock (_gate)
        {
            foreach (var name in new[] { KeyFile, SecretFile })
            {
                string path = Path.Combine(_folder, name);
                if (!File.Exists(path)) continue;
                // Overwrite, then delete: a plain delete leaves the bytes on many file systems.
                long length = new FileInfo(path).Length;
                File.WriteAllBytes(path, RandomNumberGenerator.GetBytes((int)length));
                File.Delete(path);
            }
        }
    }

    private string PersonHash(string personId)
    {
        byte[] secret = File.ReadAllBytes(Path.Combine(_folder, SecretFile));
        return Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(personId.Trim())));
    }

    private static void WriteSecret(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }
}
