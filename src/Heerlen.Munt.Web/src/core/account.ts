// Account ids: the 32-byte x-only public key an account was opened with, shown as bech32m (BIP350) with
// human-readable part "hm" — 61 characters, e.g. hm1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57.

import { bech32m } from '@scure/base';

/** Human-readable part of an account id. */
export const ACCOUNT_PREFIX = 'hm';

/** Characters in an account id. */
export const ACCOUNT_ID_LENGTH = 61;

/** The hm1… form of a 32-byte x-only key. */
export function accountFromKey(key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== 32) {
    throw new Error(`an account id is made from a 32-byte x-only key, got ${key instanceof Uint8Array ? key.length + ' bytes' : typeof key}`);
  }
  return bech32m.encode(ACCOUNT_PREFIX, bech32m.toWords(key));
}

/**
 * The 32-byte key of an hm1… account id. Throws an Error saying what is wrong: not a string, wrong length, prefix,
 * mixed case, bad checksum (a typo), or bech32 (BIP173) instead of bech32m.
 */
export function keyFromAccount(account: string): Uint8Array {
  if (typeof account !== 'string') throw new Error('an account id is text (hm1…)');
  const text = account.trim();
  if (text.length !== ACCOUNT_ID_LENGTH) {
    throw new Error(`an account id is ${ACCOUNT_ID_LENGTH} characters (hm1…), this one has ${text.length}`);
  }
  if (text !== text.toLowerCase() && text !== text.toUpperCase()) throw new Error('an account id is all lower case or all upper case, not mixed');
  const lower = text.toLowerCase();
  if (!lower.startsWith(ACCOUNT_PREFIX + '1')) throw new Error(`an account id starts with '${ACCOUNT_PREFIX}1'`);
  let decoded: { prefix: string; words: number[] };
  try {
    decoded = bech32m.decode(lower as `${string}1${string}`, ACCOUNT_ID_LENGTH);
  } catch (e) {
    throw new Error(`'${text}' is not a valid account id: ${(e as Error).message.includes('checksum') || (e as Error).message.includes('Invalid') ? 'the checksum does not match (a typo?)' : (e as Error).message}`);
  }
  if (decoded.prefix !== ACCOUNT_PREFIX) throw new Error(`an account id starts with '${ACCOUNT_PREFIX}1'`);
  if (decoded.words.length !== 52) throw new Error('an account id holds 52 five-bit words');
  let bytes: Uint8Array;
  try {
    bytes = bech32m.fromWords(decoded.words);
  } catch {
    throw new Error('an account id has non-zero padding bits');
  }
  if (bytes.length !== 32) throw new Error('an account id holds 32 bytes');
  return bytes;
}

/** True if the text is a valid hm1… account id. */
export function isAccount(account: string): boolean {
  try {
    keyFromAccount(account);
    return true;
  } catch {
    return false;
  }
}
