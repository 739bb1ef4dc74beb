using Heerlen.Munt.Ledger.Accounts;
using Heerlen.Munt.Ledger.Canonical;
using Heerlen.Munt.Ledger.Crypto;

namespace Heerlen.Munt.Ledger.Commands;

/// <summary>One signature on a command: who signed, with which key, and the BIP340 signature.</summary>
/// <param name="Signer">The account signing (its id never changes).</param>
/// <param name="PublicKey">The key that made the signature: the account's current key.</param>
/// <param name="Signature">64-byte BIP340 signature of the command's signing digest.</param>
public sealed record CommandSignature(AccountId Signer, AccountId PublicKey, byte[] Signature)
{
    /// <summary>Bytes on the wire: signer 32, key 32, signature 64.</summary>
    public const int Size = 128;
}

/// <summary>
/// A command with its signatures, exactly as the client sent it: the unit that goes into a chain entry.
/// Keeps its original bytes so that the chain stores what was signed, not a re-encoding of it.
/// </summary>
public sealed class SignedCommand
{
    /// <summary>Largest envelope the ledger accepts; the biggest command with two signatures is far below it.</summary>
    public const int EnvelopeBytesMax = 1024;

    /// <summary>At most two signers: the actor and one cosigner (four-eyes).</summary>
    public const int SignaturesMax = 2;

    private SignedCommand(Command command, byte[] envelope, int commandLength, IReadOnlyList<CommandSignature> signatures)
    {
        Command = command;
        Envelope = envelope;
        CommandLength = commandLength;
        Signatures = signatures;
        Digest = CommandCodec.SigningDigest(envelope.AsSpan(0, commandLength));
    }

    /// <summary>The decoded command.</summary>
    public Command Command { get; }

    /// <summary>The whole envelope: canonical command, then u8 signature count, then the signatures.</summary>
    public byte[] Envelope { get; }

    /// <summary>How many leading bytes of <see cref="Envelope"/> are the command.</summary>
    public int CommandLength { get; }

    /// <summary>The signatures, actor first.</summary>
    public IReadOnlyList<CommandSignature> Signatures { get; }

    /// <summary>What every signature signs; also the identity of the command's content for idempotency.</summary>
    public Hash32 Digest { get; }

    /// <summary>Encodes and signs a command by its actor and, optionally, a cosigner.</summary>
    public static SignedCommand Create(Command command, SigningKey actorKey, SigningKey? cosignerKey = null, AccountId? cosigner = null, AccountId? actorAccount = null)
    {
        byte[] body = CommandCodec.Encode(command);
        Hash32 digest = CommandCodec.SigningDigest(body);
        var signatures = new List<CommandSignature>
        {
            new(actorAccount ?? command.Header.Actor, actorKey.PublicKey, actorKey.Sign(digest.Span)),
        };
        if (cosignerKey is not null)
            signatures.Add(new(cosigner ?? cosignerKey.PublicKey, cosignerKey.PublicKey, cosignerKey.Sign(digest.Span)));
        return FromParts(body, signatures);
    }

    /// <summary>Puts an encoded command and signatures together (signatures made elsewhere, e.g. on a phone).</summary>
    public static SignedCommand FromParts(byte[] encodedCommand, IReadOnlyList<CommandSignature> signatures)
    {
        if (signatures.Count is 0 or > SignaturesMax) throw new ArgumentException("one or two signatures", nameof(signatures));
        var w = new CanonicalWriter(encodedCommand.Length + 1 + signatures.Count * CommandSignature.Size);
        w.Fixed(encodedCommand);
        w.U8((byte)signatures.Count);
        foreach (var s in signatures)
        {
            if (s.Signature.Length != 64) throw new ArgumentException("a signature is 64 bytes", nameof(signatures));
            w.Fixed(s.Signer.Span);
            w.Fixed(s.PublicKey.Span);
            w.Fixed(s.Signature);
        }
        var decoded = Decode(w.ToArray(), null);
        return decoded.Command ?? throw new ArgumentException($"the parts do not make a valid command: {decoded.Detail}");
    }

    /// <summary>
    /// Reads an envelope. Never throws on bad input: returns the refusal code and a detail instead.
    /// With <paramref name="expectedChainId"/> set, a command for another chain is refused.
    /// </summary>
    public static DecodeResult Decode(ReadOnlySpan<byte> envelope, string? expectedChainId) => Decode(envelope, null, expectedChainId);

    /// <summary>
    /// Reads an envelope that is already its own array and never changes, such as a decoded entry's: the command keeps
    /// that array instead of a copy (the engine shares it the same way between a command and its entry).
    /// </summary>
    internal static DecodeResult DecodeShared(byte[] envelope, string? expectedChainId) => Decode(envelope, envelope, expectedChainId);

    private static DecodeResult Decode(ReadOnlySpan<byte> envelope, byte[]? shared, string? expectedChainId)
    {
        if (envelope.Length == 0) return new DecodeResult(null, RejectionCode.MalformedCommand, "empty input");
        if (envelope.Length > EnvelopeBytesMax)
            return new DecodeResult(null, RejectionCode.CommandTooLarge, $"{envelope.Length} bytes, at most {EnvelopeBytesMax}");
        var r = new CanonicalReader(envelope);
        RejectionCode refusal = RejectionCode.None;
        try
        {
            Command command = CommandCodec.Read(ref r, out refusal);
            int commandLength = r.Position;
            int count = r.U8();
            if (count is 0 or > SignaturesMax) throw new DecodeException($"{count} signatures; one or two are allowed");
            var signatures = new CommandSignature[count];
            for (int i = 0; i < count; i++)
                signatures[i] = new CommandSignature(new AccountId(r.Fixed(32)), new AccountId(r.Fixed(32)), r.Fixed(64).ToArray());
            r.ExpectEnd();
            if (expectedChainId is not null && command.Header.ChainId != expectedChainId)
                return new DecodeResult(null, RejectionCode.WrongChainId, $"command is for chain '{command.Header.ChainId}', this is '{expectedChainId}'");
            return new DecodeResult(new SignedCommand(command, shared ?? envelope.ToArray(), commandLength, signatures), RejectionCode.None, "");
        }
        catch (DecodeException e)
        {
            return new DecodeResult(null, refusal == RejectionCode.None ? RejectionCode.MalformedCommand : refusal, e.Message);
        }
    }

    /// <summary>
    /// Checks every signature against the key it names. Stateless and thread-safe, so the server runs it on
    /// all cores before the sequencer; whether the key is the signer's current key is checked by the rules.
    /// </summary>
    public bool SignaturesAreValid(ISchnorrVerifier verifier)
    {
        foreach (var s in Signatures)
            if (!verifier.Verify(s.PublicKey.Span, Digest.Span, s.Signature)) return false;
        return true;
    }
}

/// <summary>The result of decoding an envelope: the command, or why not.</summary>
/// <param name="Command">The decoded command, or null.</param>
/// <param name="Refusal">Why it was refused (None when decoded).</param>
/// <param name="Detail">Technical detail for developers (not for residents: use the code's message).</param>
public readonly record struct DecodeResult(SignedCommand? Command, RejectionCode Refusal, string Detail);
