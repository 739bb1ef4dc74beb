// The resident's pending reward token: made, finished with the desk's answer, and kept sealed on the device.
import { describe, expect, it } from 'vitest';
import { fromBase64, fromBase64Url, fromHex, toBase64, toBase64Url, toHex } from './bytes.js';
import { bigIntToBytes, bytesToBigInt, decodeRsaPublicKey, InvalidBlindSignature, modPow, rewardTokenMessage, verify } from './blindrsa.js';
import { deskAnswerText, finishReward, openPendingReward, requestReward, sealPendingReward } from './reward.js';
import { readVectors } from './test-support.js';
import { walletFromPhrase } from './wallet.js';

const vector = readVectors<{ tokens: { public_key: string; d: string; chain_id: string; campaign: string }[] }>('reward-token-v1.json').tokens[0];
const key = decodeRsaPublicKey(fromHex(vector.public_key));
const resident = walletFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');
const other = walletFromPhrase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong');
// The desk, with the vector's test key: blinded^d mod n.
const desk = (blinded: Uint8Array) => bigIntToBytes(modPow(bytesToBigInt(blinded), bytesToBigInt(fromHex(vector.d)), key.n), key.modulusBytes);

describe('a pending reward token', () => {
  const pending = requestReward(vector.chain_id, vector.campaign, resident.account, key, 1_780_000_000_000);

  it('has a fresh 32-byte serial, and a blinded message and inverse of the key size', () => {
    expect(pending.serial.length).toBe(32);
    expect(pending.blindedMessage.length).toBe(key.modulusBytes);
    expect(pending.inverse.length).toBe(key.modulusBytes);
    const again = requestReward(vector.chain_id, vector.campaign, resident.account, key);
    expect(toHex(again.serial)).not.toBe(toHex(pending.serial));
    expect(toHex(again.blindedMessage)).not.toBe(toHex(pending.blindedMessage));
  });

  it("finishes with the desk's answer into a signature of the token message for this account", () => {
    const done = finishReward(pending, desk(pending.blindedMessage));
    const message = rewardTokenMessage(vector.chain_id, vector.campaign, resident.account, pending.serial);
    expect(verify(key, message, done.signature!, 48)).toBe(true);
    expect(verify(key, rewardTokenMessage(vector.chain_id, vector.campaign, other.account, pending.serial), done.signature!, 48)).toBe(false);
  });

  it("refuses an answer to another token's blinded message, or a damaged one", () => {
    const another = requestReward(vector.chain_id, vector.campaign, resident.account, key);
    expect(() => finishReward(pending, desk(another.blindedMessage))).toThrow(InvalidBlindSignature);
    const answer = desk(pending.blindedMessage);
    answer[answer.length - 1] ^= 1;
    expect(() => finishReward(pending, answer)).toThrow(InvalidBlindSignature);
    expect(() => finishReward(pending, answer.slice(1))).toThrow(InvalidBlindSignature);
  });

  it('is sealed under the account key and opens to the same values, with or without its signature', () => {
    for (const p of [pending, finishReward(pending, desk(pending.blindedMessage))]) {
      const sealed = sealPendingReward(p, resident.secret);
      expect(sealed).toMatch(/^hmr1\.[A-Za-z0-9_-]+$/);
      // Nothing of the serial, the inverse or the campaign is readable without the key.
      for (const secret of [toHex(p.serial), vector.campaign, toBase64Url(p.inverse).slice(0, 40)]) expect(sealed).not.toContain(secret);
      const opened = openPendingReward(sealed, resident.secret);
      expect({ ...opened, signature: opened.signature && toHex(opened.signature) }).toEqual({ ...p, signature: p.signature && toHex(p.signature) });
    }
  });

  it('sealed twice differs, and does not open under another key or after a change', () => {
    const sealed = sealPendingReward(pending, resident.secret);
    expect(sealPendingReward(pending, resident.secret)).not.toBe(sealed);
    expect(() => openPendingReward(sealed, other.secret)).toThrow(/another key/);
    const bytes = fromBase64Url(sealed.slice(5));
    bytes[20] ^= 1;
    expect(() => openPendingReward('hmr1.' + toBase64Url(bytes), resident.secret)).toThrow(/another key|damaged/);
    expect(() => openPendingReward('hmc1.' + sealed.slice(5), resident.secret)).toThrow(/hmr1/);
  });
});

describe("the desk's answer as read from a QR code or typed", () => {
  const pending = requestReward(vector.chain_id, vector.campaign, resident.account, key);
  const answer = toBase64(desk(pending.blindedMessage));

  it('is the base64 text itself, white space and line breaks ignored, and finishes the token', () => {
    expect(answer.length).toBe(344); // 256 bytes: a 2048-bit key
    expect(deskAnswerText(answer)).toBe(answer);
    const wrapped = `  ${answer.slice(0, 76)}\n${answer.slice(76, 200)}\r\n ${answer.slice(200)}\n`;
    const clean = deskAnswerText(wrapped)!;
    expect(clean).toBe(answer);
    expect(finishReward(pending, fromBase64(clean)).signature).toBeDefined();
  });

  it('accepts the sizes of 2048- to 4096-bit keys and nothing else', () => {
    expect(deskAnswerText(toBase64(new Uint8Array(512).fill(7)))).not.toBeNull(); // 684 characters
    expect(deskAnswerText(toBase64(new Uint8Array(384).fill(7)))).not.toBeNull();
    expect(deskAnswerText(toBase64(new Uint8Array(255).fill(7)))).toBeNull();
    expect(deskAnswerText(toBase64(new Uint8Array(513).fill(7)))).toBeNull();
  });

  it('is not some other QR code: a payment code, an account, a web address, a cut-off answer', () => {
    expect(deskAnswerText('heerlenmunt:pay?code=AB12CD34&merchant=hm1q')).toBeNull();
    expect(deskAnswerText(resident.account)).toBeNull();
    expect(deskAnswerText('https://heerlen.nl/munt')).toBeNull();
    expect(deskAnswerText(answer.slice(0, 343))).toBeNull();
    expect(deskAnswerText(`-${answer.slice(1)}`)).toBeNull();
    expect(deskAnswerText('')).toBeNull();
  });
});
