// RSA blind signatures against RFC 9474's own vectors (docs/vectors/rsabssa-rfc9474.json, also read by the C#
// RsaBlindSignatureVectorTests), and reward tokens against tokens the C# ledger made (docs/vectors/reward-token-v1.json,
// written by RewardTokenVectorTests): the browser must blind, unblind and check exactly as the ledger does.
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './bytes.js';
import {
  blind, bigIntToBytes, bytesToBigInt, decodeRsaPublicKey, emsaPssEncode, emsaPssVerify, finalize, InvalidBlindSignature, modInverse, modPow,
  prepareMessage, rewardTokenMessage, RsaBlindVariants, rsaPublicKeyFromComponents, verify, verifyRewardToken, type RsaBlindVariant, type RsaPublicKey,
  type SaltLength,
} from './blindrsa.js';
import { readVectors } from './test-support.js';
import { walletFromPhrase } from './wallet.js';

interface RfcVector {
  name: RsaBlindVariant; salt_length: number; randomized: boolean; n: string; e: string; d: string; msg: string; msg_prefix: string;
  prepared_msg: string; salt: string; encoded_msg: string; inv: string; blinded_msg: string; blind_sig: string; sig: string;
}

const rfc = readVectors<{ vectors: RfcVector[] }>('rsabssa-rfc9474.json').vectors;
const byName = (name: RsaBlindVariant) => rfc.find((v) => v.name === name)!;
const keyOf = (v: { n: string; e: string }) => rsaPublicKeyFromComponents(fromHex(v.n), fromHex(v.e));
const saltOf = (v: RfcVector) => v.salt_length as SaltLength;
// r from the published inverse: r = inv⁻¹ mod n (as the C# test derives it).
const blindOf = (key: RsaPublicKey, inverseHex: string) => bigIntToBytes(modInverse(bytesToBigInt(fromHex(inverseHex)), key.n), key.modulusBytes);
const flip = (bytes: Uint8Array, bit: number) => {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] ^= 1 << (bit & 7);
  return copy;
};

describe('the integer helpers', () => {
  it('raise to a power and invert modulo n', () => {
    expect(modPow(4n, 13n, 497n)).toBe(445n);
    expect(modPow(7n, 0n, 13n)).toBe(1n);
    expect(modInverse(3n, 11n)).toBe(4n);
    expect(() => modInverse(6n, 9n)).toThrow(/no inverse/);
  });

  it('write a number into exactly k bytes and refuse one that does not fit', () => {
    expect(toHex(bigIntToBytes(0x1234n, 4))).toBe('00001234');
    expect(bytesToBigInt(fromHex('00001234'))).toBe(0x1234n);
    expect(() => bigIntToBytes(0x123456n, 2)).toThrow(/too large/);
  });
});

describe('the RFC 9474 vectors (docs/vectors/rsabssa-rfc9474.json)', () => {
  it('hold the four variants with the salt lengths and prefixes this code gives them', () => {
    expect(rfc.map((v) => v.name).sort()).toEqual(Object.keys(RsaBlindVariants).sort());
    for (const v of rfc) {
      expect(v.salt_length).toBe(RsaBlindVariants[v.name].saltLength);
      expect(v.randomized).toBe(RsaBlindVariants[v.name].randomized);
    }
  });

  describe.each(rfc.map((v) => [v.name, v] as const))('%s', (_, v) => {
    const key = keyOf(v);
    const prepared = fromHex(v.prepared_msg);

    it('is a 4096-bit key with e = 65537', () => {
      expect(key.modulusBits).toBe(4096);
      expect(key.modulusBytes).toBe(512);
      expect(key.e).toBe(65537n);
    });

    it('prepares the message to the published prepared message', () => {
      expect(toHex(prepareMessage(fromHex(v.msg), v.randomized, fromHex(v.msg_prefix)))).toBe(v.prepared_msg);
    });

    it('EMSA-PSS-encodes it with the published salt to the published encoded message, which verifies', () => {
      const encoded = emsaPssEncode(prepared, fromHex(v.salt), key.modulusBits - 1);
      expect(toHex(encoded)).toBe(v.encoded_msg);
      expect(emsaPssVerify(prepared, encoded, key.modulusBits - 1, saltOf(v))).toBe(true);
      expect(emsaPssVerify(flip(prepared, 0), encoded, key.modulusBits - 1, saltOf(v))).toBe(false);
    });

    it('blinds with the published salt and r to the published blinded message and inverse', () => {
      const b = blind(key, prepared, saltOf(v), { salt: fromHex(v.salt), r: blindOf(key, v.inv) });
      expect(toHex(b.blindedMessage)).toBe(v.blinded_msg);
      expect(toHex(b.inverse)).toBe(v.inv);
    });

    it('finalizes the published blind signature to the published signature, which verifies', () => {
      expect(toHex(finalize(key, prepared, fromHex(v.blind_sig), fromHex(v.inv), saltOf(v)))).toBe(v.sig);
      expect(verify(key, prepared, fromHex(v.sig), saltOf(v))).toBe(true);
    });

    it('verifies the signature only with its own salt length, and a Randomized one only with its prefix', () => {
      expect(verify(key, prepared, fromHex(v.sig), v.salt_length === 48 ? 0 : 48)).toBe(false);
      if (v.randomized) expect(verify(key, fromHex(v.msg), fromHex(v.sig), saltOf(v))).toBe(false);
    });

    it('refuses the signature after a one-bit change to the message or the signature', () => {
      for (const bit of [0, 7, 8 * prepared.length - 1]) expect(verify(key, flip(prepared, bit), fromHex(v.sig), saltOf(v))).toBe(false);
      const sig = fromHex(v.sig);
      for (const bit of [0, 1, 4 * sig.length, 8 * sig.length - 1]) expect(verify(key, prepared, flip(sig, bit), saltOf(v))).toBe(false);
    });

    it('says false, never throws, for a signature of the wrong length or not below n', () => {
      const sig = fromHex(v.sig);
      expect(verify(key, prepared, sig.slice(1), saltOf(v))).toBe(false);
      expect(verify(key, prepared, new Uint8Array([...sig, 0]), saltOf(v))).toBe(false);
      expect(verify(key, prepared, new Uint8Array(0), saltOf(v))).toBe(false);
      expect(verify(key, prepared, fromHex(v.n), saltOf(v))).toBe(false);
      expect(verify(key, prepared, new Uint8Array(512).fill(0xff), saltOf(v))).toBe(false);
    });
  });

  it('refuses to finalize an answer that does not unblind to a valid signature, with InvalidBlindSignature', () => {
    const v = byName('RSABSSA-SHA384-PSS-Deterministic');
    const key = keyOf(v);
    const prepared = fromHex(v.prepared_msg);
    const run = (blindSig: Uint8Array, inv = fromHex(v.inv)) => () => finalize(key, prepared, blindSig, inv, 48);
    expect(run(flip(fromHex(v.blind_sig), 0))).toThrow(InvalidBlindSignature);
    // The other vector's inverse unblinds to garbage.
    expect(run(fromHex(v.blind_sig), fromHex(byName('RSABSSA-SHA384-PSSZERO-Deterministic').inv))).toThrow(InvalidBlindSignature);
    // An answer of the wrong size or not below n.
    expect(run(fromHex(v.blind_sig).slice(1))).toThrow(InvalidBlindSignature);
    expect(run(fromHex(v.n))).toThrow(InvalidBlindSignature);
    // The device's own inverse of the wrong size or out of range is a caller's error, not the signer's.
    expect(run(fromHex(v.blind_sig), fromHex(v.inv).slice(1))).toThrow(/inverse/);
    expect(run(fromHex(v.blind_sig), fromHex(v.inv).slice(1))).not.toThrow(InvalidBlindSignature);
    expect(run(fromHex(v.blind_sig), new Uint8Array(512))).toThrow(/inverse/);
  });

  it('refuses a salt of the wrong length and an r outside [1, n)', () => {
    const v = byName('RSABSSA-SHA384-PSS-Randomized');
    const key = keyOf(v);
    expect(() => blind(key, fromHex(v.prepared_msg), 48, { salt: new Uint8Array(47) })).toThrow(/salt/);
    expect(() => blind(key, fromHex(v.prepared_msg), 48, { r: new Uint8Array(512) })).toThrow(/\[1, n\)/);
    expect(() => blind(key, fromHex(v.prepared_msg), 48, { r: fromHex(v.n) })).toThrow(/\[1, n\)/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Reward tokens made by the C# ledger

interface TokenCase {
  modulus_bits: number; p: string; q: string; e: string; d: string; public_key: string; key_id: string; chain_id: string; campaign: string;
  account: string; serial: string; message: string; salt: string; inverse: string; blinded_message: string; blind_signature: string; signature: string;
}

const tokens = readVectors<{ tokens: TokenCase[]; refused_keys: { encoding: string; reason: string }[] }>('reward-token-v1.json');
const someoneElse = walletFromPhrase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong').account;

describe('the reward tokens the C# ledger made (docs/vectors/reward-token-v1.json)', () => {
  it('hold keys of 2048, 2049 and 3072 bits', () => {
    expect(tokens.tokens.map((t) => t.modulus_bits)).toEqual([2048, 2049, 3072]);
  });

  describe.each(tokens.tokens.map((t) => [t.modulus_bits, t] as const))('with a %i-bit campaign key', (_, t) => {
    const key = decodeRsaPublicKey(fromHex(t.public_key));
    const serial = fromHex(t.serial);

    it('decode the key from the chain encoding to its size and key id', () => {
      expect(key.modulusBits).toBe(t.modulus_bits);
      expect(key.keyId).toBe(t.key_id);
      expect(toHex(key.encoding)).toBe(t.public_key);
      expect(toHex(rsaPublicKeyFromComponents(bigIntToBytes(key.n, key.modulusBytes), fromHex('00' + t.e)).encoding)).toBe(t.public_key);
    });

    it('build the same token message', () => {
      expect(toHex(rewardTokenMessage(t.chain_id, t.campaign, t.account, serial))).toBe(t.message);
    });

    it('verify the finished token, and only for its own account, campaign, chain and serial', () => {
      const sig = fromHex(t.signature);
      expect(verifyRewardToken(key, t.chain_id, t.campaign, t.account, serial, sig)).toBe(true);
      expect(verifyRewardToken(key, t.chain_id, t.campaign, someoneElse, serial, sig)).toBe(false);
      const otherCampaign = t.campaign.slice(0, -1) + (t.campaign.endsWith('0') ? '1' : '0');
      expect(verifyRewardToken(key, t.chain_id, otherCampaign, t.account, serial, sig)).toBe(false);
      expect(verifyRewardToken(key, 'another-chain', t.campaign, t.account, serial, sig)).toBe(false);
      expect(verifyRewardToken(key, t.chain_id, t.campaign, t.account, flip(serial, 3), sig)).toBe(false);
      expect(verifyRewardToken(key, t.chain_id, t.campaign, t.account, serial, flip(sig, 9))).toBe(false);
    });

    it('blind with the recorded salt and r to the recorded blinded message and inverse, and finalize the answer to the signature', () => {
      const b = blind(key, fromHex(t.message), 48, { salt: fromHex(t.salt), r: blindOf(key, t.inverse) });
      expect(toHex(b.blindedMessage)).toBe(t.blinded_message);
      expect(toHex(b.inverse)).toBe(t.inverse);
      expect(toHex(finalize(key, fromHex(t.message), fromHex(t.blind_signature), b.inverse, 48))).toBe(t.signature);
    });

    it('make a fresh token with a random blind that the campaign key signs blind and that then verifies', () => {
      const message = rewardTokenMessage(t.chain_id, t.campaign, t.account, serial);
      const b = blind(key, message, 48);
      expect(toHex(b.blindedMessage)).not.toBe(t.blinded_message);
      // The desk: blinded^d mod n, with the test key's private exponent.
      const blindSig = bigIntToBytes(modPow(bytesToBigInt(b.blindedMessage), bytesToBigInt(fromHex(t.d)), key.n), key.modulusBytes);
      const sig = finalize(key, message, blindSig, b.inverse, 48);
      expect(verify(key, message, sig, 48)).toBe(true);
      // Deterministic variant, random salt: a second signature of the same message is another valid one.
      expect(toHex(sig)).not.toBe(t.signature);
      // The desk's answer to another blinding does not finish this one.
      expect(() => finalize(key, message, fromHex(t.blind_signature), b.inverse, 48)).toThrow(InvalidBlindSignature);
    });
  });

  it('refuse every key encoding the ledger refuses, for the same reason', () => {
    expect(tokens.refused_keys.length).toBeGreaterThanOrEqual(13);
    for (const r of tokens.refused_keys) {
      let reason = '(accepted)';
      try {
        decodeRsaPublicKey(fromHex(r.encoding));
      } catch (e) {
        reason = (e as Error).message;
      }
      expect(reason).toBe(r.reason);
    }
  });
});

describe('a reward token message', () => {
  const t = tokens.tokens[0];
  it('refuses a campaign that is not 32 lower-case hex digits, a serial that is not 32 bytes and a bad account or chain id', () => {
    expect(() => rewardTokenMessage(t.chain_id, t.campaign.toUpperCase(), t.account, fromHex(t.serial))).toThrow(/campaign/);
    expect(() => rewardTokenMessage(t.chain_id, t.campaign.slice(2), t.account, fromHex(t.serial))).toThrow(/campaign/);
    expect(() => rewardTokenMessage(t.chain_id, t.campaign, t.account, fromHex(t.serial).slice(1))).toThrow(/serial/);
    expect(() => rewardTokenMessage(t.chain_id, t.campaign, t.account.slice(0, -1) + 'q', fromHex(t.serial))).toThrow(/account|checksum/);
    expect(() => rewardTokenMessage('Heerlen', t.campaign, t.account, fromHex(t.serial))).toThrow(/chain id/);
  });
});
