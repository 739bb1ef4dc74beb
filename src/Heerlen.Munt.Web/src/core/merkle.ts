// RFC 9162 (RFC 6962) Merkle trees over entry hashes, as docs/chain-format.md ("Blocks") and the C# Merkle,
// MerkleProofs: leaf = SHA256(0x00 ‖ entry_hash), node = SHA256(0x01 ‖ left ‖ right), empty root = SHA256("").

import { concat, equalBytes } from './bytes.js';
import { sha256 } from './hash.js';

/** Longest proof read (the tree never has more than 64 levels). */
export const PROOF_HASHES_MAX = 64;

export function leafHash(entryHash: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0), entryHash));
}

export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The root over these entry hashes (in order). */
export function merkleRoot(entryHashes: Uint8Array[]): Uint8Array {
  if (entryHashes.length === 0) return sha256(new Uint8Array(0));
  return subtreeRoot(entryHashes.map(leafHash));
}

function subtreeRoot(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0]!;
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return nodeHash(subtreeRoot(leaves.slice(0, split)), subtreeRoot(leaves.slice(split)));
}

/** The root an inclusion proof leads to for the entry at `index` in a tree of `treeSize`, or null if the proof cannot fit. */
export function rootFromInclusion(entryHash: Uint8Array, index: number, treeSize: number, proof: Uint8Array[]): Uint8Array | null {
  if (proof.length > PROOF_HASHES_MAX || !Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize)) return null;
  if (index < 0 || treeSize < 0 || index >= treeSize) return null;
  // BigInt: the bit arithmetic of RFC 9162 §2.1.3.2 on sizes beyond 2^31.
  let fn = BigInt(index), sn = BigInt(treeSize - 1);
  let r = leafHash(entryHash);
  for (const p of proof) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

/** RFC 9162 §2.1.3.2: true if the proof shows the entry at `index` in the tree with `root`. */
export function verifyInclusionProof(entryHash: Uint8Array, index: number, treeSize: number, proof: Uint8Array[], root: Uint8Array): boolean {
  const computed = rootFromInclusion(entryHash, index, treeSize, proof);
  return computed !== null && equalBytes(computed, root);
}

/** RFC 9162 §2.1.4.2: true if the tree of `newSize` with `newRoot` extends the tree of `oldSize` with `oldRoot`. */
export function verifyConsistencyProof(oldSize: number, newSize: number, oldRoot: Uint8Array, newRoot: Uint8Array, proof: Uint8Array[]): boolean {
  if (proof.length > PROOF_HASHES_MAX || !Number.isSafeInteger(oldSize) || !Number.isSafeInteger(newSize)) return false;
  if (oldSize < 1 || oldSize > newSize) return false;
  if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
  if (proof.length === 0) return false;
  let next = 0;
  let fn = BigInt(oldSize - 1), sn = BigInt(newSize - 1);
  // The RFC leaves the old root out of the proof when the old tree is a perfect subtree: put it back.
  const isPowerOfTwo = (BigInt(oldSize) & BigInt(oldSize - 1)) === 0n;
  let fr = isPowerOfTwo ? oldRoot : proof[next++]!;
  let sr = fr;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  for (; next < proof.length; next++) {
    const c = proof[next]!;
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
}

/** RFC 9162 §2.1.3.1: the inclusion proof of leaf `index` among these entry hashes (for tests and tools). */
export function inclusionProof(entryHashes: Uint8Array[], index: number): Uint8Array[] {
  if (index < 0 || index >= entryHashes.length) throw new Error('index outside the tree');
  return path(index, entryHashes.map(leafHash));
}

function path(m: number, leaves: Uint8Array[]): Uint8Array[] {
  if (leaves.length <= 1) return [];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return m < k
    ? [...path(m, leaves.slice(0, k)), subtreeRoot(leaves.slice(k))]
    : [...path(m - k, leaves.slice(k)), subtreeRoot(leaves.slice(0, k))];
}

/** RFC 9162 §2.1.4.1: the consistency proof from the first `oldSize` entries to all of them (for tests and tools). */
export function consistencyProof(entryHashes: Uint8Array[], oldSize: number): Uint8Array[] {
  if (oldSize < 1 || oldSize > entryHashes.length) throw new Error('old size outside the tree');
  return subproof(oldSize, entryHashes.map(leafHash), true);
}

function subproof(m: number, leaves: Uint8Array[], complete: boolean): Uint8Array[] {
  const n = leaves.length;
  if (m === n) return complete ? [] : [subtreeRoot(leaves)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...subproof(m, leaves.slice(0, k), complete), subtreeRoot(leaves.slice(k))]
    : [...subproof(m - k, leaves.slice(k), false), subtreeRoot(leaves.slice(0, k))];
}
