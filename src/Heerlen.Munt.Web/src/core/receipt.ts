// Receipts: check what the server sends against the mathematics, not the server's word (C# Receipts,
// src/Heerlen.Munt.Client/Receipts.cs). The inputs are the JSON forms of the Audit API (protos/heerlen/munt/v1/audit.proto
// through JSON transcoding: lowerCamelCase fields, bytes as base64, int64 as decimal strings, default values left out).
// The operator key must come from somewhere other than the response (the app's configuration).

import { concat, equalBytes, fromBase64, fromHex, Reader, toHex, utf8, Writer } from './bytes.js';
import { verifySchnorr } from './commands.js';
import { sha256, taggedHash, Tags } from './hash.js';
import { verifyConsistencyProof, verifyInclusionProof } from './merkle.js';

/** Checkpoint message (common.proto) as JSON. */
export interface CheckpointJson {
  number?: string | number;
  treeSize?: string | number;
  rootHash?: string;
  previousBlockHash?: string;
  firstHeight?: string | number;
  sealedAtMs?: string | number;
  signature?: string;
  blockHash?: string;
  operatorKey?: string;
  /** The stored block bytes, base64. */
  encoded?: string;
  /** The C2SP signed note. */
  note?: string;
}

/** InclusionProof message (audit.proto) as JSON. */
export interface InclusionProofJson {
  height?: string | number;
  entryHash?: string;
  treeSize?: string | number;
  hashes?: string[];
  checkpoint?: CheckpointJson;
}

/** ConsistencyProof message (audit.proto) as JSON. */
export interface ConsistencyProofJson {
  oldSize?: string | number;
  newSize?: string | number;
  hashes?: string[];
  oldCheckpoint?: CheckpointJson;
  newCheckpoint?: CheckpointJson;
}

/** A decoded block (docs/chain-format.md, "Blocks"). */
export interface Block {
  number: bigint;
  firstHeight: bigint;
  treeSize: bigint;
  merkleRoot: Uint8Array;
  previousBlockHash: Uint8Array;
  sealedAtMs: bigint;
  signature: Uint8Array;
  /** TaggedHash("heerlen-munt/v1/block", all fields but the signature). */
  hash: Uint8Array;
}

export const BLOCK_BYTES = 161;
const I64_MAX = (1n << 63n) - 1n;

/** Decodes the 161 stored bytes of a block and computes its hash; throws on bad input. */
export function decodeBlock(bytes: Uint8Array): Block {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new Error('block version is unknown');
  const number = r.u64(), firstHeight = r.u64(), treeSize = r.u64();
  if (number > I64_MAX || firstHeight > I64_MAX || treeSize > I64_MAX || firstHeight > treeSize) throw new Error('block numbers out of range');
  const merkleRoot = r.fixed(32), previousBlockHash = r.fixed(32), sealedAtMs = r.i64();
  const unsigned = bytes.slice(0, r.position);
  const signature = r.fixed(64);
  r.end();
  return { number, firstHeight, treeSize, merkleRoot, previousBlockHash, sealedAtMs, signature, hash: taggedHash(Tags.block, unsigned) };
}

/** True if the block's signature is the operator's BIP340 signature of its hash. */
export function blockIsSigned(block: Block, operatorKey: Uint8Array): boolean {
  return verifySchnorr(block.signature, block.hash, operatorKey);
}

/** A decoded entry (docs/chain-format.md, "Entry"). */
export interface Entry {
  height: bigint;
  previousHash: Uint8Array;
  timestampMs: bigint;
  outcome: number;
  envelope: Uint8Array;
  entryHash: Uint8Array;
}

/** Decodes a stored entry; throws if it is malformed or its entry_hash does not match its content. */
export function decodeEntry(bytes: Uint8Array): Entry {
  const r = new Reader(bytes);
  if (r.u8() !== 1) throw new Error('entry version is unknown');
  const height = r.u64(), previousHash = r.fixed(32), timestampMs = r.i64(), outcome = r.u16(), envelope = r.bytes16();
  const content = bytes.slice(0, r.position);
  const entryHash = r.fixed(32);
  r.end();
  if (!equalBytes(entryHash, taggedHash(Tags.entry, content))) throw new Error('the entry hash does not match its content');
  return { height, previousHash, timestampMs, outcome, envelope, entryHash };
}

/** The stored bytes of an entry (its hash computed). */
export function encodeEntry(height: bigint | number, previousHash: Uint8Array, timestampMs: bigint | number, outcome: number, envelope: Uint8Array): Uint8Array {
  const content = new Writer().u8(1).u64(height).fixed(previousHash, 32).i64(timestampMs).u16(outcome).bytes16(envelope).toBytes();
  return concat(content, taggedHash(Tags.entry, content));
}

// ---------------------------------------------------------------------------------------------------------------
// JSON helpers

function int64(value: string | number | undefined): bigint | null {
  if (value === undefined) return 0n; // proto3 JSON leaves zero out
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : null;
  return /^-?\d{1,19}$/.test(value) ? BigInt(value) : null;
}

function hash(hex: string | undefined): Uint8Array | null {
  if (typeof hex !== 'string' || !/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return fromHex(hex);
}

function hashes(list: string[] | undefined): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  for (const h of list ?? []) {
    const b = hash(h);
    if (b === null) return null;
    out.push(b);
  }
  return out;
}

function operatorKeyBytes(hex: string): Uint8Array {
  return fromHex(hex.trim(), 32);
}

function safeNumber(n: bigint): number | null {
  return n >= 0n && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null;
}

/**
 * True if the checkpoint's block bytes decode, say what the message says (tree size, root) and are signed by the
 * operator. With `origin` (the chain id) its C2SP note must also name the same size and root and be signed.
 */
export function verifyCheckpoint(checkpoint: CheckpointJson, operatorKeyHex: string, origin?: string): boolean {
  try {
    const key = operatorKeyBytes(operatorKeyHex);
    if (typeof checkpoint?.encoded !== 'string') return false;
    const block = decodeBlock(fromBase64(checkpoint.encoded));
    const root = hash(checkpoint.rootHash);
    if (root === null || int64(checkpoint.treeSize) !== block.treeSize || !equalBytes(root, block.merkleRoot)) return false;
    if (!blockIsSigned(block, key)) return false;
    if (origin === undefined) return true;
    const note = parseCheckpointNote(checkpoint.note ?? '');
    return note.origin === origin && BigInt(note.treeSize) === block.treeSize && equalBytes(note.rootHash, root) && noteIsSignedBy(note, origin, key);
  } catch {
    return false;
  }
}

/** True if the entry with hash `entryHashHex` is at its height in the signed checkpoint the proof carries. */
export function verifyInclusion(proof: InclusionProofJson, entryHashHex: string, operatorKeyHex: string): boolean {
  try {
    if (typeof proof?.entryHash !== 'string' || proof.entryHash.toLowerCase() !== entryHashHex.toLowerCase()) return false;
    const cp = proof.checkpoint;
    if (cp === undefined || !verifyCheckpoint(cp, operatorKeyHex)) return false;
    const height = int64(proof.height), size = int64(proof.treeSize);
    if (height === null || size === null || size !== int64(cp.treeSize)) return false;
    const path = hashes(proof.hashes), leaf = hash(entryHashHex), root = hash(cp.rootHash);
    const h = safeNumber(height), n = safeNumber(size);
    return path !== null && leaf !== null && root !== null && h !== null && n !== null && verifyInclusionProof(leaf, h, n, path, root);
  } catch {
    return false;
  }
}

/** True if the newer signed checkpoint's tree extends the older one's (nothing before was changed). */
export function verifyConsistency(proof: ConsistencyProofJson, operatorKeyHex: string): boolean {
  try {
    const older = proof?.oldCheckpoint, newer = proof?.newCheckpoint;
    if (older === undefined || newer === undefined) return false;
    if (!verifyCheckpoint(older, operatorKeyHex) || !verifyCheckpoint(newer, operatorKeyHex)) return false;
    const oldSize = safeNumber(int64(older.treeSize) ?? -1n), newSize = safeNumber(int64(newer.treeSize) ?? -1n);
    const path = hashes(proof.hashes), oldRoot = hash(older.rootHash), newRoot = hash(newer.rootHash);
    if (oldSize === null || newSize === null || path === null || oldRoot === null || newRoot === null) return false;
    return verifyConsistencyProof(oldSize, newSize, oldRoot, newRoot, path);
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// C2SP checkpoint note (docs/chain-format.md, "Checkpoint note"; C# CheckpointNote)

export const NOTE_SIGNATURE_TYPE = 'heerlen-munt/bip340-secp256k1';
const NOTE_BYTES_MAX = 16 * 1024;
const NOTE_SIGNATURES_MAX = 64;
const DASH = '\u2014 ';

export interface NoteSignature {
  keyName: string;
  keyId: number;
  signature: Uint8Array;
}

export interface CheckpointNote {
  /** Everything before the blank line, final newline included: what is signed. */
  text: string;
  origin: string;
  treeSize: number;
  rootHash: Uint8Array;
  extensions: string[];
  signatures: NoteSignature[];
}

const isKeyName = (s: string): boolean => s.length > 0 && !/[\s+\u0000-\u001f\u007f-\u009f]/u.test(s);

/** Key id: the first four bytes (big-endian) of SHA-256(key name ‖ 0x0A ‖ 0xFF ‖ type name ‖ x-only key). */
export function noteKeyId(keyName: string, key: Uint8Array): number {
  const digest = sha256(concat(utf8(keyName), Uint8Array.of(0x0a, 0xff), utf8(NOTE_SIGNATURE_TYPE), key));
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/** Parses a signed note; throws an Error saying what is wrong. Checks no signature: {@link noteIsSignedBy}. */
export function parseCheckpointNote(note: string): CheckpointNote {
  if (note.length === 0 || utf8(note).length > NOTE_BYTES_MAX) throw new Error('the note is empty or longer than 16 KiB');
  if (/[\u0000-\u0009\u000b-\u001f]/.test(note)) throw new Error('the note holds control characters');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) throw new Error('no blank line before the signatures, or no final newline');
  if (split + 2 >= note.length) throw new Error('no signature lines');
  const text = note.slice(0, split + 1);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new Error('a checkpoint has an origin, a tree size and a root hash');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (!isKeyName(origin)) throw new Error('the origin line is empty or has spaces');
  if (!/^(0|[1-9]\d{0,18})$/.test(sizeText) || BigInt(sizeText) > I64_MAX) throw new Error('the tree size is not a decimal number without leading zeros');
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    throw new Error('the root hash is not base64');
  }
  if (rootHash.length !== 32) throw new Error('the root hash is not 32 bytes');
  const signatures: NoteSignature[] = [];
  for (const line of note.slice(split + 2, -1).split('\n')) {
    if (signatures.length === NOTE_SIGNATURES_MAX) throw new Error(`more than ${NOTE_SIGNATURES_MAX} signatures`);
    if (!line.startsWith(DASH)) throw new Error('a signature line does not start with an em dash and a space');
    const parts = line.slice(DASH.length).split(' ');
    if (parts.length !== 2 || !isKeyName(parts[0]!)) throw new Error("a signature line is not 'name signature'");
    let payload: Uint8Array;
    try {
      payload = fromBase64(parts[1]!);
    } catch {
      throw new Error('a signature is not base64');
    }
    if (payload.length < 5) throw new Error('a signature is shorter than its key id');
    signatures.push({ keyName: parts[0]!, keyId: new DataView(payload.buffer, payload.byteOffset, 4).getUint32(0), signature: payload.slice(4) });
  }
  const treeSize = Number(sizeText);
  if (!Number.isSafeInteger(treeSize)) throw new Error('the tree size is beyond a safe integer');
  return { text, origin, treeSize, rootHash, extensions: lines.slice(3), signatures };
}

/**
 * True if a line with this key name and key id verifies, and no line that claims them fails. Lines of other keys
 * (witnesses) are ignored.
 */
export function noteIsSignedBy(note: CheckpointNote, keyName: string, key: Uint8Array): boolean {
  const id = noteKeyId(keyName, key);
  const digest = taggedHash(Tags.checkpointNote, utf8(note.text));
  let verified = false;
  for (const s of note.signatures) {
    if (s.keyName !== keyName || s.keyId !== id) continue;
    if (s.signature.length !== 64 || !verifySchnorr(s.signature, digest, key)) return false;
    verified = true;
  }
  return verified;
}

/** True if the note text is a checkpoint signed by the operator key under the key name = origin (the chain id). */
export function verifyCheckpointNote(note: string, origin: string, operatorKeyHex: string): boolean {
  try {
    const parsed = parseCheckpointNote(note);
    return parsed.origin === origin && noteIsSignedBy(parsed, origin, operatorKeyBytes(operatorKeyHex));
  } catch {
    return false;
  }
}

/** Lower-case hex of a block's hash (for display). */
export function blockHashHex(block: Block): string {
  return toHex(block.hash);
}
