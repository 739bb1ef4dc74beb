// SHA-256 and the BIP340-style tagged hash of docs/chain-format.md: TaggedHash(tag, data) =
// SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data). Domain separation: a hash made for one purpose is never taken for another.

import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { concat, utf8 } from './bytes.js';

/** The tags in use (docs/chain-format.md, docs/api.md). */
export const Tags = {
  command: 'heerlen-munt/v1/command',
  entry: 'heerlen-munt/v1/entry',
  block: 'heerlen-munt/v1/block',
  checkpointNote: 'heerlen-munt/v1/checkpoint-note',
  session: 'heerlen-munt/v1/session',
} as const;

/** SHA-256 of the bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  return nobleSha256(data);
}

const prefixes = new Map<string, Uint8Array>();

/** SHA256(SHA256(tag) ‖ SHA256(tag) ‖ data), tag as UTF-8. */
export function taggedHash(tag: string, data: Uint8Array): Uint8Array {
  let prefix = prefixes.get(tag);
  if (prefix === undefined) {
    const t = nobleSha256(utf8(tag));
    prefix = concat(t, t);
    if (prefixes.size < 64) prefixes.set(tag, prefix);
  }
  return nobleSha256(concat(prefix, data));
}
