// The resident's side of a reward token (docs/chain-format.md, "Participation campaigns"; the C# RewardTokens and
// PendingReward in src/Heerlen.Munt.Client/RewardTokens.cs): a random serial and a blinding, of which only the blinded
// message is shown to the module's desk; the serial and the inverse stay on the device until the token is handed in.
//
// On the device a pending token is kept sealed (AES-256-GCM) under a key derived from the account's own secret key
// (HKDF-SHA-256), which is itself only ever stored sealed under the PIN: a copy of the browser's storage reveals
// neither the serial nor the inverse, nor which campaign it was for.
//
//   sealed = "hmr1." + base64url(no padding) of nonce [12] ‖ AES-256-GCM(key, nonce, aad = "hmr1.") of the JSON below
//   key    = HKDF-SHA-256(ikm = the 32-byte secret key, no salt, info = "heerlen-munt/v1/pending-reward", 32 bytes)

import { gcm } from '@noble/ciphers/aes.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { keyFromAccount } from './account.js';
import { concat, fromBase64, fromBase64Url, fromHex, fromUtf8, randomBytes, toBase64, toBase64Url, toHex, utf8 } from './bytes.js';
import {
  blind, decodeRsaPublicKey, finalize, REWARD_SERIAL_LENGTH, REWARD_TOKEN_SALT_LENGTH, rewardTokenMessage, type RsaPublicKey,
} from './blindrsa.js';

/** A token asked for and not yet handed in. Private: never send `serial`, `inverse` or `signature` anywhere but in RedeemReward. */
export interface PendingReward {
  chainId: string;
  /** 32 lower-case hex digits. */
  campaign: string;
  /** The hm1… account the token pays (inside the signed message). */
  account: string;
  /** The campaign key in the chain's encoding, as it was when the token was blinded. */
  publicKey: Uint8Array;
  serial: Uint8Array;
  /** What the desk signs (k bytes). */
  blindedMessage: Uint8Array;
  /** The blinding's inverse (k bytes), to unblind the desk's answer. */
  inverse: Uint8Array;
  /** The token's signature, once the desk's answer was unblinded and checked; kept until the ledger took it. */
  signature?: Uint8Array;
  createdAtMs: number;
}

/** A fresh serial and blinding for one token of `campaign` for `account` under the campaign's key. */
export function requestReward(chainId: string, campaign: string, account: string, key: RsaPublicKey, nowMs = Date.now()): PendingReward {
  const serial = randomBytes(REWARD_SERIAL_LENGTH);
  const message = rewardTokenMessage(chainId, campaign, account, serial);
  const { blindedMessage, inverse } = blind(key, message, REWARD_TOKEN_SALT_LENGTH);
  return { chainId, campaign, account, publicKey: Uint8Array.from(key.encoding), serial, blindedMessage, inverse, createdAtMs: nowMs };
}

/**
 * Unblinds the desk's answer into the token's signature and checks it against the campaign key; returns the pending
 * token with its signature. Throws InvalidBlindSignature if the answer does not make a valid token.
 */
export function finishReward(pending: PendingReward, blindSignature: Uint8Array): PendingReward {
  const key = decodeRsaPublicKey(pending.publicKey);
  const message = rewardTokenMessage(pending.chainId, pending.campaign, pending.account, pending.serial);
  return { ...pending, signature: finalize(key, message, blindSignature, pending.inverse, REWARD_TOKEN_SALT_LENGTH) };
}

export const PENDING_REWARD_PREFIX = 'hmr1.';
const SEAL_INFO = 'heerlen-munt/v1/pending-reward';
const NONCE_BYTES = 12;

interface PendingJson {
  chainId: string; campaign: string; account: string; publicKey: string; serial: string; blindedMessage: string; inverse: string;
  signature?: string; createdAtMs: number;
}

function sealKey(secret: Uint8Array): Uint8Array {
  if (!(secret instanceof Uint8Array) || secret.length !== 32) throw new Error('a secret key is 32 bytes');
  return hkdf(sha256, secret, undefined, utf8(SEAL_INFO), 32);
}

/** The pending token sealed under a key derived from `secret` (the account's secret key): the text kept on the device. */
export function sealPendingReward(pending: PendingReward, secret: Uint8Array, nonce: Uint8Array = randomBytes(NONCE_BYTES)): string {
  if (nonce.length !== NONCE_BYTES) throw new Error(`a nonce is ${NONCE_BYTES} bytes`);
  const json: PendingJson = {
    chainId: pending.chainId, campaign: pending.campaign, account: pending.account, publicKey: toBase64(pending.publicKey),
    serial: toHex(pending.serial), blindedMessage: toBase64(pending.blindedMessage), inverse: toBase64(pending.inverse),
    signature: pending.signature ? toBase64(pending.signature) : undefined, createdAtMs: pending.createdAtMs,
  };
  const key = sealKey(secret);
  try {
    return PENDING_REWARD_PREFIX + toBase64Url(concat(nonce, gcm(key, nonce, utf8(PENDING_REWARD_PREFIX)).encrypt(utf8(JSON.stringify(json)))));
  } finally {
    key.fill(0);
  }
}

/** Opens {@link sealPendingReward}'s text; throws an Error if it is not one or was sealed under another key (or damaged). */
export function openPendingReward(sealed: string, secret: Uint8Array): PendingReward {
  if (typeof sealed !== 'string' || !sealed.startsWith(PENDING_REWARD_PREFIX)) throw new Error(`a pending reward starts with '${PENDING_REWARD_PREFIX}'`);
  const bytes = fromBase64Url(sealed.slice(PENDING_REWARD_PREFIX.length));
  if (bytes.length < NONCE_BYTES + 16) throw new Error('a pending reward is too short');
  const key = sealKey(secret);
  let plain: Uint8Array;
  try {
    plain = gcm(key, bytes.subarray(0, NONCE_BYTES), utf8(PENDING_REWARD_PREFIX)).decrypt(bytes.subarray(NONCE_BYTES));
  } catch {
    throw new Error('this pending reward was sealed under another key, or it is damaged');
  } finally {
    key.fill(0);
  }
  const j = JSON.parse(fromUtf8(plain)) as PendingJson;
  keyFromAccount(j.account);
  return {
    chainId: j.chainId, campaign: j.campaign, account: j.account, publicKey: fromBase64(j.publicKey), serial: fromHex(j.serial, REWARD_SERIAL_LENGTH),
    blindedMessage: fromBase64(j.blindedMessage), inverse: fromBase64(j.inverse), signature: j.signature ? fromBase64(j.signature) : undefined,
    createdAtMs: j.createdAtMs,
  };
}

/**
 * The desk's answer as the app reads it, typed, pasted or scanned from the desk's QR code (which holds exactly the same
 * text): base64 of the blind signature, white space ignored. Returns the clean text, or null if it cannot be an answer
 * (not base64, or not the 256 to 512 bytes of a 2048- to 4096-bit key) — e.g. another QR code was scanned. Whether it
 * fits the token is checked by finishReward.
 */
export function deskAnswerText(text: string): string | null {
  const clean = text.replace(/\s+/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) return null;
  const bytes = (clean.length / 4) * 3 - (clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0);
  return bytes >= 256 && bytes <= 512 ? clean : null;
}
