import { schnorr } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { fromHex, toBase64, toHex, utf8 } from './bytes.js';
import { taggedHash, Tags } from './hash.js';
import { consistencyProof, inclusionProof, merkleRoot, verifyConsistencyProof, verifyInclusionProof } from './merkle.js';
import { noteKeyId, verifyCheckpoint, verifyCheckpointNote, verifyConsistency, verifyInclusion, type CheckpointJson } from './receipt.js';
import { readVectors, vectorSecretHex } from './test-support.js';

interface Vectors {
  chain_id: string;
  operator_key: string;
  entries: { entry_hash: string }[];
  blocks: { number: number; first_height: number; tree_size: number; merkle_root: string; previous_block_hash: string; sealed_at_ms: number; block_hash: string; signature: string; block_hex: string }[];
}
const v = readVectors<Vectors>('chain-format-v1.json');
const hashes = v.entries.map((e) => fromHex(e.entry_hash));
const operatorSecret = fromHex(vectorSecretHex('operator'));

function note(origin: string, size: number, root: Uint8Array, secret = operatorSecret): string {
  const text = `${origin}\n${size}\n${toBase64(root)}\n`;
  const key = schnorr.getPublicKey(secret);
  const id = new Uint8Array(4);
  new DataView(id.buffer).setUint32(0, noteKeyId(origin, key));
  const sig = schnorr.sign(taggedHash(Tags.checkpointNote, utf8(text)), secret);
  return `${text}\n\u2014 ${origin} ${toBase64(new Uint8Array([...id, ...sig]))}\n`;
}

// The Checkpoint message of a vector block as the server's JSON transcoding writes it (int64 as strings, zero left out).
function checkpointJson(i: number): CheckpointJson {
  const b = v.blocks[i]!;
  const cp: CheckpointJson = {
    treeSize: String(b.tree_size), rootHash: b.merkle_root, previousBlockHash: b.previous_block_hash, firstHeight: String(b.first_height),
    sealedAtMs: String(b.sealed_at_ms), signature: b.signature, blockHash: b.block_hash, operatorKey: v.operator_key,
    encoded: toBase64(fromHex(b.block_hex)), note: note(v.chain_id, b.tree_size, fromHex(b.merkle_root)),
  };
  if (b.number !== 0) cp.number = String(b.number);
  if (b.first_height === 0) delete cp.firstHeight;
  return cp;
}

describe('a signed checkpoint', () => {
  it('of every vector block verifies against the operator key, and its note too', () => {
    for (let i = 0; i < v.blocks.length; i++) expect(verifyCheckpoint(checkpointJson(i), v.operator_key, v.chain_id), `block ${i}`).toBe(true);
  });

  it('checked against another key does not verify', () => {
    expect(verifyCheckpoint(checkpointJson(0), toHex(schnorr.getPublicKey(fromHex(vectorSecretHex('issuer')))))).toBe(false);
  });

  it('whose message claims another root or size than its block does not verify', () => {
    expect(verifyCheckpoint({ ...checkpointJson(1), rootHash: v.blocks[0]!.merkle_root }, v.operator_key)).toBe(false);
    expect(verifyCheckpoint({ ...checkpointJson(1), treeSize: '9' }, v.operator_key)).toBe(false);
  });

  it('whose note is signed by another key, or names another origin, does not verify with the note', () => {
    const b = v.blocks[0]!;
    const forged = note(v.chain_id, b.tree_size, fromHex(b.merkle_root), fromHex(vectorSecretHex('issuer')));
    expect(verifyCheckpoint({ ...checkpointJson(0), note: forged }, v.operator_key, v.chain_id)).toBe(false);
    expect(verifyCheckpoint(checkpointJson(0), v.operator_key, 'heerlen-munt/other')).toBe(false);
  });
});

describe('a checkpoint note', () => {
  const b = v.blocks[1]!;
  const good = note(v.chain_id, b.tree_size, fromHex(b.merkle_root));

  it('signed by the operator verifies, also with a witness line of an unknown key after it', () => {
    expect(verifyCheckpointNote(good, v.chain_id, v.operator_key)).toBe(true);
    expect(verifyCheckpointNote(good + '\u2014 witness.example AAAAAAAAAAAAAAA=\n', v.chain_id, v.operator_key)).toBe(true);
  });

  it('with one character of its text changed does not verify', () => {
    expect(verifyCheckpointNote(good.replace(`\n${b.tree_size}\n`, `\n${b.tree_size + 1}\n`), v.chain_id, v.operator_key)).toBe(false);
  });

  it('with a line that claims the operator key but does not verify is invalid, even beside a good line', () => {
    const lines = good.split('\n');
    const bad = lines[4]!.slice(0, -8) + 'AAAAAAA=';
    expect(verifyCheckpointNote(good + bad + '\n', v.chain_id, v.operator_key)).toBe(false);
  });
});

describe('an inclusion proof', () => {
  const cp = checkpointJson(3);
  const size = v.blocks[3]!.tree_size;

  it('of every entry in the last vector block verifies against the signed checkpoint', () => {
    for (let h = 0; h < size; h++) {
      const proof = { height: h === 0 ? undefined : String(h), entryHash: v.entries[h]!.entry_hash, treeSize: String(size), hashes: inclusionProof(hashes.slice(0, size), h).map(toHex), checkpoint: cp };
      expect(verifyInclusion(proof, v.entries[h]!.entry_hash, v.operator_key), `height ${h}`).toBe(true);
    }
  });

  it('for another entry hash, height or with a changed path does not verify', () => {
    const path = inclusionProof(hashes.slice(0, size), 5).map(toHex);
    const proof = { height: '5', entryHash: v.entries[5]!.entry_hash, treeSize: String(size), hashes: path, checkpoint: cp };
    expect(verifyInclusion(proof, v.entries[6]!.entry_hash, v.operator_key)).toBe(false);
    expect(verifyInclusion({ ...proof, height: '6' }, v.entries[5]!.entry_hash, v.operator_key)).toBe(false);
    expect(verifyInclusion({ ...proof, hashes: [...path].reverse() }, v.entries[5]!.entry_hash, v.operator_key)).toBe(false);
    expect(verifyInclusion({ ...proof, hashes: path.slice(1) }, v.entries[5]!.entry_hash, v.operator_key)).toBe(false);
  });

  it('matches RFC 9162 for every leaf of every tree size up to 40', () => {
    const leaves = Array.from({ length: 40 }, (_, i) => taggedHash('test', Uint8Array.of(i)));
    for (let n = 1; n <= 40; n++) {
      const root = merkleRoot(leaves.slice(0, n));
      for (let i = 0; i < n; i++) {
        const path = inclusionProof(leaves.slice(0, n), i);
        expect(verifyInclusionProof(leaves[i]!, i, n, path, root)).toBe(true);
        expect(verifyInclusionProof(leaves[(i + 1) % 40]!, i, n, path, root)).toBe(false);
      }
    }
  });
});

describe('a consistency proof', () => {
  it('between every pair of vector blocks verifies, old to new', () => {
    for (let a = 0; a < v.blocks.length; a++) {
      for (let b = a; b < v.blocks.length; b++) {
        const oldCp = checkpointJson(a), newCp = checkpointJson(b);
        const proof = { oldSize: oldCp.treeSize, newSize: newCp.treeSize, hashes: consistencyProof(hashes.slice(0, v.blocks[b]!.tree_size), v.blocks[a]!.tree_size).map(toHex), oldCheckpoint: oldCp, newCheckpoint: newCp };
        expect(verifyConsistency(proof, v.operator_key), `${a} -> ${b}`).toBe(true);
      }
    }
  });

  it('with a hash changed, or from a tree that was rewritten, does not verify', () => {
    const oldCp = checkpointJson(1), newCp = checkpointJson(3);
    const path = consistencyProof(hashes.slice(0, v.blocks[3]!.tree_size), v.blocks[1]!.tree_size).map(toHex);
    const changed = [...path];
    changed[0] = toHex(taggedHash('x', new Uint8Array(1)));
    expect(verifyConsistency({ hashes: changed, oldCheckpoint: oldCp, newCheckpoint: newCp }, v.operator_key)).toBe(false);
    const rewritten = [...hashes];
    rewritten[3] = new Uint8Array(32);
    const oldRoot = merkleRoot(rewritten.slice(0, 16));
    expect(verifyConsistencyProof(16, 28, oldRoot, merkleRoot(hashes.slice(0, 28)), consistencyProof(hashes.slice(0, 28), 16))).toBe(false);
  });

  it('matches RFC 9162 for every pair of sizes up to 33', () => {
    const leaves = Array.from({ length: 33 }, (_, i) => taggedHash('test', Uint8Array.of(i)));
    for (let n = 1; n <= 33; n++) {
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(leaves.slice(0, n), m);
        expect(verifyConsistencyProof(m, n, merkleRoot(leaves.slice(0, m)), merkleRoot(leaves.slice(0, n)), proof), `${m} -> ${n}`).toBe(true);
        if (m < n) expect(verifyConsistencyProof(m, n, merkleRoot(leaves.slice(1, m + 1)), merkleRoot(leaves.slice(0, n)), proof)).toBe(false);
      }
    }
  });
});
