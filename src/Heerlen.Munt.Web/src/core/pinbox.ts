// A secret key sealed under a PIN: the phone's stored copy and the printed munt card (docs/munt-card.md; the same format
// as the C# MuntCard in src/Heerlen.Munt.Client/MuntCard.cs).
//
//   payload = "hmc1." + base64url(no padding) of
//     version     u8     = 1
//     account     [32]   the account id (x-only key the account was opened with), readable without the PIN
//     memory_kib  u32    Argon2id m (KiB)          \
//     iterations  u8     Argon2id t                 } stored so the parameters can grow without a new version
//     parallelism u8     Argon2id p                /
//     salt        [16]   random per seal
//     nonce       [12]   AES-GCM nonce, random per seal
//     sealed      [48]   AES-256-GCM(key, nonce, aad = all 67 bytes above) of the 32-byte secret, then the 16-byte tag
//   key = Argon2id(password = PIN as ASCII digits, salt, m, t, p, version 0x13, 32 bytes)
//
// The associated data is the whole header (which starts with the account), so neither the account nor the parameters
// can be changed without the PIN failing. 115 bytes, 159 characters of text: a small QR code.
// Not WebCrypto: crypto.subtle is missing on plain-http LAN addresses, where the apps also run.

import { gcm } from '@noble/ciphers/aes.js';
import { argon2id, argon2idAsync } from '@noble/hashes/argon2.js';
import { accountFromKey, keyFromAccount } from './account.js';
import { concat, fromBase64Url, randomBytes, Reader, toBase64Url, utf8, Writer } from './bytes.js';

export const CARD_PREFIX = 'hmc1.';
export const CARD_VERSION = 1;

/** Argon2id parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  m: number;
  /** Iterations. */
  t: number;
  /** Parallelism (lanes). */
  p: number;
}

/** OWASP's minimum for Argon2id (m = 19 MiB, t = 2, p = 1): about 0.5 s in Node on a laptop core. */
export const DEFAULT_ARGON2: Readonly<Argon2Params> = { m: 19_456, t: 2, p: 1 };

// Bounds for reading: never weaker than the default, never so heavy that a hostile payload stalls a phone.
const M_MIN = 19_456, M_MAX = 262_144, T_MIN = 2, T_MAX = 16, P_MIN = 1, P_MAX = 4;

const SALT_BYTES = 16;
const NONCE_BYTES = 12;
const SECRET_BYTES = 32;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + 32 + 4 + 1 + 1 + SALT_BYTES + NONCE_BYTES;
export const CARD_BYTES = HEADER_BYTES + SECRET_BYTES + TAG_BYTES;

/** The PIN does not open the card (or the sealed part was damaged: the two cannot be told apart). */
export class WrongPin extends Error {
  constructor() {
    super('wrong PIN');
    this.name = 'WrongPin';
  }
}

/** Throws a clear Error unless the PIN is 5-8 ASCII digits. */
export function checkPin(pin: string): void {
  if (typeof pin !== 'string' || !/^[0-9]+$/.test(pin)) throw new Error('a PIN is digits only (0-9)');
  if (pin.length < 5 || pin.length > 8) throw new Error(`a PIN has 5 to 8 digits, this one has ${pin.length}`);
}

function checkParams(p: Argon2Params): void {
  const ok = (v: number, lo: number, hi: number) => Number.isInteger(v) && v >= lo && v <= hi;
  if (!ok(p.m, M_MIN, M_MAX) || !ok(p.t, T_MIN, T_MAX) || !ok(p.p, P_MIN, P_MAX)) {
    throw new Error(`Argon2id parameters m=${p.m} t=${p.t} p=${p.p} are outside m ${M_MIN}-${M_MAX} KiB, t ${T_MIN}-${T_MAX}, p ${P_MIN}-${P_MAX}`);
  }
}

/** Fixed salt, nonce and parameters: for test vectors only. */
export interface SealOptions {
  salt?: Uint8Array;
  nonce?: Uint8Array;
  params?: Argon2Params;
}

interface Parsed {
  header: Uint8Array;
  account: string;
  params: Argon2Params;
  salt: Uint8Array;
  nonce: Uint8Array;
  sealed: Uint8Array;
}

function parse(payload: string): Parsed {
  if (typeof payload !== 'string' || !payload.startsWith(CARD_PREFIX)) throw new Error(`a munt card starts with '${CARD_PREFIX}'`);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(payload.slice(CARD_PREFIX.length).trim());
  } catch {
    throw new Error('the munt card is not base64url');
  }
  if (bytes.length !== CARD_BYTES) throw new Error(`a munt card holds ${CARD_BYTES} bytes, this one ${bytes.length}`);
  const r = new Reader(bytes);
  const version = r.u8();
  if (version !== CARD_VERSION) throw new Error(`munt card version ${version} is not supported (this app reads ${CARD_VERSION})`);
  const account = accountFromKey(r.fixed(32));
  const params = { m: r.u32(), t: r.u8(), p: r.u8() };
  checkParams(params);
  const salt = r.fixed(SALT_BYTES), nonce = r.fixed(NONCE_BYTES), sealed = r.fixed(SECRET_BYTES + TAG_BYTES);
  r.end();
  return { header: bytes.slice(0, HEADER_BYTES), account, params, salt, nonce, sealed };
}

function argonOpts(p: Argon2Params) {
  return { m: p.m, t: p.t, p: p.p, dkLen: 32, version: 0x13 };
}

function sealWith(key: Uint8Array, header: Uint8Array, nonce: Uint8Array, secret: Uint8Array): string {
  const sealed = gcm(key, nonce, header).encrypt(secret);
  key.fill(0);
  return CARD_PREFIX + toBase64Url(concat(header, sealed));
}

function prepare(secret: Uint8Array, account: string, pin: string, options?: SealOptions) {
  if (!(secret instanceof Uint8Array) || secret.length !== SECRET_BYTES) throw new Error(`a secret key is ${SECRET_BYTES} bytes`);
  checkPin(pin);
  const params = options?.params ?? DEFAULT_ARGON2;
  checkParams(params);
  const salt = options?.salt ?? randomBytes(SALT_BYTES);
  const nonce = options?.nonce ?? randomBytes(NONCE_BYTES);
  if (salt.length !== SALT_BYTES || nonce.length !== NONCE_BYTES) throw new Error(`salt is ${SALT_BYTES} bytes, nonce ${NONCE_BYTES}`);
  const header = new Writer().u8(CARD_VERSION).fixed(keyFromAccount(account)).u32(params.m).u8(params.t).u8(params.p).fixed(salt).fixed(nonce).toBytes();
  return { params, salt, nonce, header };
}

/** Seals the 32-byte secret of `account` (hm1…) under the PIN; returns the card text "hmc1.…". */
export function sealSecret(secret: Uint8Array, account: string, pin: string, options?: SealOptions): string {
  const { params, salt, nonce, header } = prepare(secret, account, pin, options);
  return sealWith(argon2id(utf8(pin), salt, argonOpts(params)), header, nonce, secret);
}

/** As {@link sealSecret}, yielding to the event loop while Argon2id runs (keeps a page responsive). */
export async function sealSecretAsync(secret: Uint8Array, account: string, pin: string, options?: SealOptions): Promise<string> {
  const { params, salt, nonce, header } = prepare(secret, account, pin, options);
  return sealWith(await argon2idAsync(utf8(pin), salt, { ...argonOpts(params), asyncTick: 20 }), header, nonce, secret);
}

function openWith(key: Uint8Array, c: Parsed): { secret: Uint8Array; account: string } {
  try {
    return { secret: gcm(key, c.nonce, c.header).decrypt(c.sealed), account: c.account };
  } catch {
    throw new WrongPin();
  } finally {
    key.fill(0);
  }
}

/**
 * Opens a card with its PIN. Throws {@link WrongPin} if the PIN does not fit, an Error for a payload that is not a
 * card or a PIN that breaks the PIN rules (no Argon2id is run then).
 */
export function openSecret(payload: string, pin: string): { secret: Uint8Array; account: string } {
  checkPin(pin);
  const c = parse(payload);
  return openWith(argon2id(utf8(pin), c.salt, argonOpts(c.params)), c);
}

/** As {@link openSecret}, yielding to the event loop while Argon2id runs. */
export async function openSecretAsync(payload: string, pin: string): Promise<{ secret: Uint8Array; account: string }> {
  checkPin(pin);
  const c = parse(payload);
  return openWith(await argon2idAsync(utf8(pin), c.salt, { ...argonOpts(c.params), asyncTick: 20 }), c);
}

/** The account (hm1…) a card is for, without the PIN: to show whose card it is, or look up its balance. */
export function cardAccount(payload: string): string {
  return parse(payload).account;
}

/** The Argon2id parameters a card was sealed with. */
export function cardParams(payload: string): Argon2Params {
  return parse(payload).params;
}
