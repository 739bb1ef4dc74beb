using BenchmarkDotNet.Attributes;
using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Commands;
using Heerlen.Munt.Ledger.Crypto;
using Heerlen.Munt.Ledger.Participation;
using Org.BouncyCastle.Security;

namespace Heerlen.Munt.Benchmarks;

/// <summary>
/// Participation rewards (issue 8): what the ledger pays to check one reward token on the sequencer thread
/// (<see cref="RewardToken.Verify"/>, an RSA public operation), per key size, against the BIP340 check every command
/// gets anyway (baseline); and the module's and phone's side of one token: blind, sign blinded, finalize.
/// </summary>
[MemoryDiagnoser]
public class RewardTokenBenchmarks
{
    private const string Chain = "heerlen-munt/bench";
    private static readonly SecureRandom Random = new();
    private readonly CampaignId _campaign = new(42);
    private readonly Hash32 _serial = Hash32.Sha256([7]);
    private AccountId _account;
    private RsaBlindPrivateKey _key = null!;
    private byte[] _message = [];
    private byte[] _token = [];
    private RsaBlinding _blinding = null!;
    private byte[] _blindSignature = [];
    private byte[] _digest = [];
    private byte[] _schnorr = [];
    private SigningKey _signer = null!;

    /// <summary>The campaign key's size.</summary>
    [Params(2048, 3072, 4096)]
    public int Bits { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _signer = SigningKey.Generate();
        _account = _signer.PublicKey;
        _key = RsaBlindPrivateKey.Generate(Bits, Random);
        _message = RewardToken.Message(Chain, _campaign, _account, _serial);
        _blinding = RsaBlindSignatures.Blind(_key.PublicKey, _message, RewardToken.Variant, Random);
        _blindSignature = RsaBlindSignatures.BlindSign(_key, _blinding.BlindedMessage, Random);
        _token = RsaBlindSignatures.Finalize(_key.PublicKey, _message, _blindSignature, _blinding.Inverse, RewardToken.Variant);
        _digest = Hash32.Sha256([1]).Span.ToArray();
        _schnorr = _signer.Sign(_digest);
        if (!LedgerChecksToken() || !BaselineSchnorr()) throw new InvalidOperationException("does not verify");
    }

    [Benchmark(Baseline = true, Description = "BIP340 verify, native (every command)")]
    public bool BaselineSchnorr() => NativeSchnorrVerifier.Instance.Verify(_account.Span, _digest, _schnorr);

    [Benchmark(Description = "ledger: check a reward token (RSA-PSS verify)")]
    public bool LedgerChecksToken() => RewardToken.Verify(_key.PublicKey, Chain, _campaign, _account, _serial, _token);

    [Benchmark(Description = "phone: blind")]
    public RsaBlinding PhoneBlinds() => RsaBlindSignatures.Blind(_key.PublicKey, _message, RewardToken.Variant, Random);

    [Benchmark(Description = "module: sign blinded")]
    public byte[] ModuleSigns() => RsaBlindSignatures.BlindSign(_key, _blinding.BlindedMessage, Random);

    [Benchmark(Description = "phone: finalize (unblind and check)")]
    public byte[] PhoneFinalizes() => RsaBlindSignatures.Finalize(_key.PublicKey, _message, _blindSignature, _blinding.Inverse, RewardToken.Variant);
}
