// RSA blind signatures, RFC 9474 (RSABSSA with SHA-384, MGF1-SHA-384, salt length 48 or 0), and the reward token of
// docs/chain-format.md ("Participation campaigns"): the same algorithm, steps and refusals as the C# RsaBlindSignatures,
// RsaBlindPublicKey and RewardToken (src/Heerlen.Munt.Ledger/Crypto, .../Participation), checked against the RFC's vectors
// and a token made in C# (docs/vectors/rsabssa-rfc9474.json, reward-token-v1.json).
//
// Numbers are BigInt; modular exponentiation is plain square-and-multiply. Only the client's side is here (blind,
// finalize, verify): the public exponent is small, so r^e and s^e are cheap even for a 4096-bit key. BigInt arithmetic is
// not constant-time; what it handles (the blind r, its inverse) stays in this browser.

import { sha384 } from '@noble/hashes/sha2.js';
import { keyFromAccount } from './account.js';
import { concat, fromHex, randomBytes, Reader, toHex, utf8, Writer } from './bytes.js';
import { isChainId } from './commands.js';
import { sha256 } from './hash.js';

/** SHA-384's output length, hLen. */
const HASH_LENGTH = 48;

/** The RFC 9474 variants (section 5): their salt length and whether a 32-byte random prefix is put before the message. */
export const RsaBlindVariants = {
  'RSABSSA-SHA384-PSS-Randomized': { saltLength: 48, randomized: true },
  'RSABSSA-SHA384-PSSZERO-Randomized': { saltLength: 0, randomized: true },
  'RSABSSA-SHA384-PSS-Deterministic': { saltLength: 48, randomized: false },
  'RSABSSA-SHA384-PSSZERO-Deterministic': { saltLength: 0, randomized: false },
} as const;
export type RsaBlindVariant = keyof typeof RsaBlindVariants;

/** A PSS salt length the ledger's variants use: 48 (SHA-384's length) or 0 (PSSZERO). */
export type SaltLength = 48 | 0;

/** Length of the random prefix of the Randomized variants (RFC 9474 section 4.1). */
export const PREFIX_LENGTH = 32;

/** The smallest and largest modulus the ledger accepts for a campaign key, in bits. */
export const RSA_MODULUS_BITS_MIN = 2048;
export const RSA_MODULUS_BITS_MAX = 4096;

/** The signer's answer does not unblind to a valid signature (another key, a damaged or incomplete answer). */
export class InvalidBlindSignature extends Error {
  constructor(reason: string) {
    super(`invalid blind signature: ${reason}`);
    this.name = 'InvalidBlindSignature';
  }
}

/** An RSA public key as the chain carries it (OpenCampaign): n and e, its canonical encoding and key id. */
export interface RsaPublicKey {
  readonly n: bigint;
  readonly e: bigint;
  /** The length of n in bits. */
  readonly modulusBits: number;
  /** k: the length of n in bytes, which is also the length of blinded messages and signatures. */
  readonly modulusBytes: number;
  /** `u16 len(n) ‖ n ‖ u16 len(e) ‖ e`, big-endian, no leading zero byte. */
  readonly encoding: Uint8Array;
  /** SHA-256 of the encoding, lower-case hex: what the module shows at its desk (the API's key_id). */
  readonly keyId: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Integers

/** The big-endian unsigned integer of the bytes (0 for none). */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** I2OSP: x as exactly `length` big-endian bytes; throws if it does not fit. */
export function bigIntToBytes(x: bigint, length: number): Uint8Array {
  if (x < 0n) throw new RangeError('a negative number has no unsigned encoding');
  const hex = x.toString(16);
  if (hex.length > 2 * length) throw new RangeError(`integer too large: needs more than ${length} bytes`);
  return fromHex(hex.padStart(2 * length, '0'));
}

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** base^exponent mod modulus, by square-and-multiply (exponent ≥ 0, modulus > 1). */
export function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  if (modulus <= 1n) throw new RangeError('the modulus must be above 1');
  if (exponent < 0n) throw new RangeError('the exponent must not be negative');
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
    e >>= 1n;
  }
  return result;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** a⁻¹ mod n (extended Euclid); throws if a has no inverse modulo n. */
export function modInverse(a: bigint, n: bigint): bigint {
  let [oldR, r] = [((a % n) + n) % n, n];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('no inverse: the numbers share a factor');
  return ((oldS % n) + n) % n;
}

// ---------------------------------------------------------------------------------------------------------------
// The key

/**
 * Reads a campaign key in the chain's encoding. Throws an Error saying why on anything the ledger refuses (as the C#
 * RsaBlindPublicKey.Decode): truncated or trailing bytes, an empty field, a leading zero byte in n or e, a modulus below
 * 2048 or above 4096 bits or even, an exponent below 3, even, or not below n.
 */
export function decodeRsaPublicKey(encoding: Uint8Array): RsaPublicKey {
  const r = new Reader(encoding);
  const field = (name: string): Uint8Array => {
    if (r.remaining < 2) throw new Error(`RSA public key: truncated before the length of the ${name}`);
    const length = r.u16();
    if (length === 0) throw new Error(`RSA public key: the ${name} is empty`);
    if (r.remaining < length) throw new Error(`RSA public key: the ${name} says ${length} bytes, only ${r.remaining} follow`);
    const bytes = r.fixed(length);
    if (bytes[0] === 0) throw new Error(`RSA public key: the ${name} has a leading zero byte (not canonical)`);
    return bytes;
  };
  const modulus = field('modulus');
  const exponent = field('exponent');
  if (r.remaining !== 0) throw new Error(`RSA public key: ${r.remaining} bytes after the exponent`);
  const n = bytesToBigInt(modulus);
  const e = bytesToBigInt(exponent);
  const bits = bitLength(n);
  if (bits < RSA_MODULUS_BITS_MIN) throw new Error(`RSA public key: the modulus has ${bits} bits, fewer than ${RSA_MODULUS_BITS_MIN}`);
  if (bits > RSA_MODULUS_BITS_MAX) throw new Error(`RSA public key: the modulus has ${bits} bits, more than ${RSA_MODULUS_BITS_MAX}`);
  if ((n & 1n) === 0n) throw new Error('RSA public key: the modulus is even');
  if (e < 3n) throw new Error('RSA public key: the exponent is below 3');
  if ((e & 1n) === 0n) throw new Error('RSA public key: the exponent is even');
  if (e >= n) throw new Error('RSA public key: the exponent is not below the modulus');
  const copy = Uint8Array.from(encoding);
  return { n, e, modulusBits: bits, modulusBytes: modulus.length, encoding: copy, keyId: toHex(sha256(copy)) };
}

/** The chain's encoding of (n, e), big-endian, leading zero bytes dropped; then read back with {@link decodeRsaPublicKey}'s checks. */
export function rsaPublicKeyFromComponents(modulus: Uint8Array, exponent: Uint8Array): RsaPublicKey {
  const strip = (b: Uint8Array) => {
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.slice(i);
  };
  return decodeRsaPublicKey(new Writer().bytes16(strip(modulus)).bytes16(strip(exponent)).toBytes());
}

// ---------------------------------------------------------------------------------------------------------------
// EMSA-PSS (RFC 8017 section 9.1) with SHA-384 and MGF1-SHA-384

function checkSaltLength(saltLength: number): asserts saltLength is SaltLength {
  if (saltLength !== 48 && saltLength !== 0) throw new Error(`the salt length is 48 or 0, not ${saltLength}`);
}

// target ^= MGF1-SHA-384(seed, target.length), in place.
function xorMask(target: Uint8Array, seed: Uint8Array): void {
  const input = new Uint8Array(seed.length + 4);
  input.set(seed);
  const view = new DataView(input.buffer);
  for (let offset = 0, counter = 0; offset < target.length; offset += HASH_LENGTH, counter++) {
    view.setUint32(seed.length, counter);
    const block = sha384(input);
    for (let i = 0; i < HASH_LENGTH && offset + i < target.length; i++) target[offset + i] ^= block[i];
  }
}

// H = SHA-384(0x00 × 8 ‖ mHash ‖ salt).
function saltedHash(messageHash: Uint8Array, salt: Uint8Array): Uint8Array {
  return sha384(concat(new Uint8Array(8), messageHash, salt));
}

// The bits of the first byte an encoding of emBits bits may use.
function topByteMask(emLength: number, emBits: number): number {
  return 0xff >> (8 * emLength - emBits);
}

/** EMSA-PSS-ENCODE(message, salt) into ceil(emBits / 8) bytes. Throws if the key is too small for the salt. */
export function emsaPssEncode(message: Uint8Array, salt: Uint8Array, emBits: number): Uint8Array {
  const emLength = Math.ceil(emBits / 8);
  if (emLength < HASH_LENGTH + salt.length + 2) throw new Error('encoding error: the key is too small for this salt');
  const h = saltedHash(sha384(message), salt);
  const encoded = new Uint8Array(emLength);
  const dbLength = emLength - HASH_LENGTH - 1;
  // DB = PS (zeros) ‖ 0x01 ‖ salt, masked with MGF1(H).
  encoded[dbLength - salt.length - 1] = 0x01;
  encoded.set(salt, dbLength - salt.length);
  xorMask(encoded.subarray(0, dbLength), h);
  encoded[0] &= topByteMask(emLength, emBits);
  encoded.set(h, dbLength);
  encoded[emLength - 1] = 0xbc;
  return encoded;
}

/** EMSA-PSS-VERIFY with exactly this salt length: true if `encoded` (ceil(emBits / 8) bytes) is an encoding of `message`. */
export function emsaPssVerify(message: Uint8Array, encoded: Uint8Array, emBits: number, saltLength: SaltLength): boolean {
  const emLength = encoded.length;
  if (emLength !== Math.ceil(emBits / 8) || emLength < HASH_LENGTH + saltLength + 2) return false;
  if (encoded[emLength - 1] !== 0xbc) return false;
  const dbLength = emLength - HASH_LENGTH - 1;
  const mask = topByteMask(emLength, emBits);
  if ((encoded[0] & ~mask & 0xff) !== 0) return false;
  const h = encoded.slice(dbLength, dbLength + HASH_LENGTH);
  const db = encoded.slice(0, dbLength);
  xorMask(db, h);
  db[0] &= mask;
  const separator = dbLength - saltLength - 1;
  for (let i = 0; i < separator; i++) if (db[i] !== 0) return false;
  if (db[separator] !== 0x01) return false;
  const expected = saltedHash(sha384(message), db.subarray(separator + 1));
  let diff = 0;
  for (let i = 0; i < HASH_LENGTH; i++) diff |= expected[i] ^ h[i];
  return diff === 0;
}

// ---------------------------------------------------------------------------------------------------------------
// The protocol (RFC 9474 section 4)

/** RFC 9474 section 4.1: the message itself, or for a Randomized variant 32 random bytes (or the given prefix) before it. */
export function prepareMessage(message: Uint8Array, randomized: boolean, prefix?: Uint8Array): Uint8Array {
  if (!randomized) {
    if (prefix !== undefined && prefix.length !== 0) throw new Error('a Deterministic variant takes no prefix');
    return Uint8Array.from(message);
  }
  const p = prefix ?? randomBytes(PREFIX_LENGTH);
  if (p.length !== PREFIX_LENGTH) throw new Error(`the prefix is ${PREFIX_LENGTH} bytes, got ${p.length}`);
  return concat(p, message);
}

/** What blinding gives: the blinded message for the signer, and the inverse of the blind, which stays on the device. Both k bytes. */
export interface Blinding {
  blindedMessage: Uint8Array;
  inverse: Uint8Array;
}

/** A blind r uniformly in [1, n) with an inverse: k random bytes cut to n's bit length, drawn again until they fit. */
function randomBlind(key: RsaPublicKey): bigint {
  const excess = 8 * key.modulusBytes - key.modulusBits;
  for (let attempt = 0; attempt < 256; attempt++) {
    const bytes = randomBytes(key.modulusBytes);
    bytes[0] &= 0xff >> excess;
    const r = bytesToBigInt(bytes);
    bytes.fill(0);
    if (r > 0n && r < key.n && gcd(r, key.n) === 1n) return r;
  }
  throw new Error('blinding error: no invertible blind found; the public key is not a proper RSA modulus');
}

/**
 * RFC 9474 section 4.2: EMSA-PSS-encodes the prepared message with a fresh salt (or `options.salt`, for test vectors)
 * and multiplies it by r^e for a fresh uniform r in [1, n) coprime to n (or `options.r`, big-endian, for test vectors).
 * Throws if the encoded message shares a factor with n (the key is not a proper RSA key) or a given r is unusable.
 */
export function blind(key: RsaPublicKey, preparedMessage: Uint8Array, saltLength: SaltLength, options?: { salt?: Uint8Array; r?: Uint8Array }): Blinding {
  checkSaltLength(saltLength);
  const salt = options?.salt ?? randomBytes(saltLength);
  if (salt.length !== saltLength) throw new Error(`the salt is ${saltLength} bytes, got ${salt.length}`);
  const m = bytesToBigInt(emsaPssEncode(preparedMessage, salt, key.modulusBits - 1));
  // Section 4.2 steps 4-5: a representative sharing a factor with n would reveal it.
  if (gcd(m, key.n) !== 1n) throw new Error('invalid input: the encoded message is not coprime with n; the public key is not a proper RSA modulus');
  let r: bigint;
  if (options?.r !== undefined) {
    r = bytesToBigInt(options.r);
    if (r <= 0n || r >= key.n) throw new Error('the blind r must be in [1, n)');
    if (gcd(r, key.n) !== 1n) throw new Error('blinding error: r has no inverse modulo n');
  } else r = randomBlind(key);
  const z = (m * modPow(r, key.e, key.n)) % key.n;
  const inverse = modInverse(r, key.n);
  return { blindedMessage: bigIntToBytes(z, key.modulusBytes), inverse: bigIntToBytes(inverse, key.modulusBytes) };
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 section 8.1.2) with SHA-384, MGF1-SHA-384 and exactly this salt length. Never throws:
 * a signature of the wrong length or not below n is simply false.
 */
export function verify(key: RsaPublicKey, preparedMessage: Uint8Array, signature: Uint8Array, saltLength: SaltLength): boolean {
  if (saltLength !== 48 && saltLength !== 0) return false;
  if (!(signature instanceof Uint8Array) || signature.length !== key.modulusBytes) return false;
  const s = bytesToBigInt(signature);
  if (s >= key.n) return false;
  // RSAVP1, then I2OSP into emLen bytes: a representative that does not fit is not a signature.
  const m = modPow(s, key.e, key.n);
  const emBits = key.modulusBits - 1;
  const emLength = Math.ceil(emBits / 8);
  if (bitLength(m) > 8 * emLength) return false;
  return emsaPssVerify(preparedMessage, bigIntToBytes(m, emLength), emBits, saltLength);
}

/**
 * RFC 9474 section 4.4: unblinds the signer's answer (s = blind_sig · inv mod n) and returns the signature (k bytes)
 * only if it verifies. An answer that is not k bytes, not below n or does not unblind to a valid signature throws
 * {@link InvalidBlindSignature}; an inverse that is not k bytes in [1, n) is the caller's error (Error).
 */
export function finalize(key: RsaPublicKey, preparedMessage: Uint8Array, blindSignature: Uint8Array, inverse: Uint8Array, saltLength: SaltLength): Uint8Array {
  checkSaltLength(saltLength);
  const k = key.modulusBytes;
  if (inverse.length !== k) throw new Error(`unexpected input size: the inverse for this key is ${k} bytes, got ${inverse.length}`);
  const inv = bytesToBigInt(inverse);
  if (inv <= 0n || inv >= key.n) throw new Error('the inverse is not in [1, n)');
  if (blindSignature.length !== k) throw new InvalidBlindSignature(`a blind signature for this key is ${k} bytes, got ${blindSignature.length}`);
  const z = bytesToBigInt(blindSignature);
  if (z >= key.n) throw new InvalidBlindSignature('the blind signature is not below n');
  const signature = bigIntToBytes((z * inv) % key.n, k);
  if (!verify(key, preparedMessage, signature, saltLength)) throw new InvalidBlindSignature('it does not finalize to a valid signature under this key');
  return signature;
}

// ---------------------------------------------------------------------------------------------------------------
// Reward tokens (docs/chain-format.md, "Participation campaigns")

/** Domain tag at the start of every reward token message. */
export const REWARD_TOKEN_TAG = 'heerlen-munt/v1/reward-token';

/** A reward token is an RSABSSA-SHA384-PSS-Deterministic signature: salt 48 bytes, no message prefix. */
export const REWARD_TOKEN_VARIANT: RsaBlindVariant = 'RSABSSA-SHA384-PSS-Deterministic';
export const REWARD_TOKEN_SALT_LENGTH: SaltLength = 48;

/** Length of a token's random serial. */
export const REWARD_SERIAL_LENGTH = 32;

/**
 * The message a campaign key signs for a token: the tag (ASCII) ‖ text(chain id) ‖ u128 campaign ‖ the account's
 * 32-byte x-only key ‖ the 32-byte serial. `campaign` is 32 lower-case hex digits, `account` an hm1… id.
 */
export function rewardTokenMessage(chainId: string, campaign: string, account: string, serial: Uint8Array): Uint8Array {
  if (typeof chainId !== 'string' || !isChainId(chainId)) throw new Error(`chain id '${chainId}' breaks the chain id rule (1-64 of a-z 0-9 - . /)`);
  if (typeof campaign !== 'string' || !/^[0-9a-f]{32}$/.test(campaign)) throw new Error('campaign must be 32 lower-case hex digits (u128)');
  if (!(serial instanceof Uint8Array) || serial.length !== REWARD_SERIAL_LENGTH) throw new Error(`a serial is ${REWARD_SERIAL_LENGTH} bytes`);
  return new Writer().fixed(utf8(REWARD_TOKEN_TAG)).text(chainId).fixed(fromHex(campaign)).fixed(keyFromAccount(account)).fixed(serial).toBytes();
}

/** True if `signature` is the campaign key's signature of the token (chain, campaign, account, serial). Never throws on bad input. */
export function verifyRewardToken(key: RsaPublicKey, chainId: string, campaign: string, account: string, serial: Uint8Array, signature: Uint8Array): boolean {
  let message: Uint8Array;
  try {
    message = rewardTokenMessage(chainId, campaign, account, serial);
  } catch {
    return false;
  }
  return verify(key, message, signature, REWARD_TOKEN_SALT_LENGTH);
}
