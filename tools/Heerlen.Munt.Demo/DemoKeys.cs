using System.Security.Cryptography;
using System.Text.Json;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Demo;

/// <summary>
/// The demo community's keys, kept in the data directory (mode 600) so that the next run continues the same chain
/// with the same issuer, operator, officers and shop. Demo keys only: a real municipality keeps its keys in an HSM.
/// </summary>
public sealed class DemoKeys
{
    private readonly Dictionary<string, string> _secrets;

    private DemoKeys(Dictionary<string, string> secrets) => _secrets = secrets;

    /// <summary>Where the keys are.</summary>
    public string Path { get; private init; } = "";

    /// <summary>True if the file was made by this run.</summary>
    public bool New { get; private init; }

    /// <summary>Loads the keys, or makes and saves them.</summary>
    public static DemoKeys LoadOrCreate(string dataDirectory)
    {
        string path = System.IO.Path.Combine(dataDirectory, "demo-keys.json");
        if (File.Exists(path))
            return new DemoKeys(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path)) ?? []) { Path = path };
        var secrets = new Dictionary<string, string>();
        foreach (string name in new[] { "issuer", "operator", "anna", "bram", "bakery" }) secrets[name] = NewSecret();
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path, options))
            JsonSerializer.Serialize(file, secrets, new JsonSerializerOptions { WriteIndented = true });
        return new DemoKeys(secrets) { Path = path, New = true };
    }

    /// <summary>The key with this name.</summary>
    public SigningKey this[string name] => SigningKey.FromSecret(Convert.FromHexString(_secrets[name]));

    private static string NewSecret()
    {
        while (true)
        {
            byte[] secret = RandomNumberGenerator.GetBytes(32);
            try
            {
                SigningKey.FromSecret(secret);
                return Convert.ToHexStringLower(secret);
            }
            catch (ArgumentException)
            {
                // not a valid secp256k1 scalar (chance about 2^-128): draw again
            }
        }
    }
}
