using System.Text.Json;
using System.Text.Json.Serialization;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Chain;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Verify;

/// <summary>The last checkpoint this verifier checked for one chain: next time, history up to it must be unchanged.</summary>
/// <param name="ChainId">The chain.</param>
/// <param name="OperatorKey">The operator's key named at height 0 (hex).</param>
/// <param name="TreeSize">Entries the checkpoint covers.</param>
/// <param name="RootHash">Its Merkle root (hex).</param>
/// <param name="BlockNumber">Its block number.</param>
/// <param name="BlockHash">Its block hash (hex).</param>
/// <param name="VerifiedAtUtc">When it was verified (ISO 8601).</param>
/// <param name="Source">Where it was read from.</param>
internal sealed record RememberedCheckpoint(string ChainId, string OperatorKey, long TreeSize, string RootHash, long BlockNumber, string BlockHash, string VerifiedAtUtc, string Source)
{
    /// <summary>The format name written into the file.</summary>
    public const string FormatName = "munt-verify-state/1";

    /// <summary>The root as a hash.</summary>
    [JsonIgnore]
    public Hash32 Root => Hash32.FromHex(RootHash);

    /// <summary>The operator key as an account id.</summary>
    [JsonIgnore]
    public AccountId Operator => new(Convert.FromHexString(OperatorKey));

    /// <summary>What to remember after verifying up to <paramref name="block"/>.</summary>
    public static RememberedCheckpoint Of(string chainId, AccountId operatorKey, Block block, DateTimeOffset now, string source) =>
        new(chainId, Convert.ToHexStringLower(operatorKey.Span), block.TreeSize, block.MerkleRoot.ToHex(), block.Number, block.Hash.ToHex(), now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture), source);
}

/// <summary>
/// The small state file (<c>--state FILE</c>; by default one per chain under <c>~/.local/state/heerlen-munt/</c>).
/// JSON, written atomically (a temporary file renamed over the old one), so a crash never leaves half a file.
/// </summary>
internal static class StateFile
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed record Document(string Format, RememberedCheckpoint Checkpoint);

    /// <summary>The default file for a chain.</summary>
    public static string DefaultPath(string chainId)
    {
        string home = Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(home, "heerlen-munt", "verify-" + chainId.Replace('/', '_') + ".json");
    }

    /// <summary>The remembered checkpoint, or null if the file does not exist.</summary>
    public static RememberedCheckpoint? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var doc = JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json);
            if (doc?.Format != RememberedCheckpoint.FormatName || doc.Checkpoint is not { } c)
                throw new UsageException($"{path} is geen toestandsbestand van munt-verify", $"{path} is not a munt-verify state file");
            _ = c.Root;
            _ = c.Operator;
            if (c.TreeSize < 1) throw new FormatException("tree size");
            return c;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{path} is niet te lezen ({e.Message})", $"{path} cannot be read ({e.Message})");
        }
        catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
        {
            throw new UsageException($"{path} is beschadigd ({e.Message}); verwijder het alleen als u weet waarom", $"{path} is damaged ({e.Message}); remove it only if you know why");
        }
    }

    /// <summary>Writes the file atomically.</summary>
    public static void Write(string path, RememberedCheckpoint checkpoint)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            string temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(new Document(RememberedCheckpoint.FormatName, checkpoint), Json));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"de keten klopt, maar {path} is niet te schrijven ({e.Message}); de volgende controle kan herschrijven dan niet zien",
                $"the chain checks out, but {path} cannot be written ({e.Message}); the next check could not see a rewrite");
        }
    }
}
