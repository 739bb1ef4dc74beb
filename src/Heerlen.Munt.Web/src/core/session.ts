// Sessions for reading one's own data (docs/api.md, "Sessions"; C# Heerlen.Munt.Ledger.Sessions.SessionToken):
// "hms1." + base64url(version u8 = 1 | chain id text | account [32] | key [32] | issued at i64 ms | expires at i64 ms |
// nonce [16] | signature [64]), the signature BIP340 over TaggedHash("heerlen-munt/v1/session", all before it).

import { schnorr } from '@noble/curves/secp256k1.js';
import { keyFromAccount } from './account.js';
import { randomBytes, toBase64Url, Writer } from './bytes.js';
import { isChainId } from './commands.js';
import { taggedHash, Tags } from './hash.js';
import type { Wallet } from './wallet.js';

export const SESSION_PREFIX = 'hms1.';
export const SESSION_VERSION = 1;
/** The longest a session may last (the server refuses longer ones). */
export const SESSION_LIFETIME_MS_MAX = 60 * 60 * 1000;

/** Fixed values for reproducing a test vector; never pass them in an app. */
export interface SessionTestInputs {
  nonce: Uint8Array;
  auxRand: Uint8Array;
}

/**
 * A session for the wallet's account on `chainId`, valid from `nowMs` for `ttlMs` (at most 60 minutes), to send as
 * `authorization: Bearer <token>`.
 */
export function makeSession(wallet: Wallet, chainId: string, nowMs: number, ttlMs: number, test?: SessionTestInputs): string {
  if (!isChainId(chainId)) throw new Error(`chain id '${chainId}' breaks the chain id rule`);
  if (!Number.isSafeInteger(nowMs)) throw new Error(`nowMs must be unix milliseconds, got ${nowMs}`);
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0 || ttlMs > SESSION_LIFETIME_MS_MAX) {
    throw new Error(`a session lasts more than 0 and at most ${SESSION_LIFETIME_MS_MAX / 60_000} minutes, got ${ttlMs} ms`);
  }
  const nonce = test?.nonce ?? randomBytes(16);
  const w = new Writer()
    .u8(SESSION_VERSION)
    .text(chainId)
    .fixed(keyFromAccount(wallet.account))
    .fixed(wallet.publicKey, 32)
    .i64(nowMs)
    .i64(nowMs + ttlMs)
    .fixed(nonce, 16);
  const digest = taggedHash(Tags.session, w.toBytes());
  w.fixed(schnorr.sign(digest, wallet.secret, test?.auxRand ?? randomBytes(32)), 64);
  return SESSION_PREFIX + toBase64Url(w.toBytes());
}
