import { describe, expect, it } from 'vitest';
import { accountFromKey, keyFromAccount } from './account.js';
import { fromHex, toBase64, toHex } from './bytes.js';
import { commandDigest, decodeCommand, decodeEnvelope, encodeCommand, envelopeIsSigned, signCommand, verifySchnorr, type Command } from './commands.js';
import { taggedHash } from './hash.js';
import { merkleRoot } from './merkle.js';
import { blockIsSigned, decodeBlock, decodeEntry, encodeEntry, verifyCheckpoint } from './receipt.js';
import { readVectors, vectorSecretHex } from './test-support.js';
import { walletFromSecret, type Wallet } from './wallet.js';

interface VectorEntry {
  height: number;
  command_type: string;
  fields: Record<string, unknown>;
  outcome: string;
  command_hex: string;
  signing_digest: string;
  signatures: { signer: string; public_key: string; signature: string }[];
  envelope_hex: string;
  timestamp_ms: number;
  previous_hash: string;
  entry_hex: string;
  entry_hash: string;
  merkle_root_after: string;
}
interface VectorBlock {
  number: number; first_height: number; tree_size: number; merkle_root: string; previous_block_hash: string;
  sealed_at_ms: number; block_hash: string; signature: string; block_hex: string;
}
interface Vectors {
  chain_id: string;
  tagged_hash_example: { tag: string; data_hex: string; hash: string };
  keys: Record<string, { x_only_public_key: string; account_id: string }>;
  operator_key: string;
  entries: VectorEntry[];
  blocks: VectorBlock[];
}

const v = readVectors<Vectors>('chain-format-v1.json');
const numberInParens = (s: unknown) => Number(/\((\d+)\)$/.exec(String(s))?.[1]);

// The vector's fields in snake_case with roles and reasons as "Name (n)"; ours in camelCase with plain numbers.
function asVectorFields(cmd: Command): Record<string, unknown> {
  const out: Record<string, unknown> = { version: 1, chain_id: cmd.chainId, type: 0 };
  for (const [k, value] of Object.entries(cmd)) {
    if (k === 'type' || k === 'chainId') continue;
    const snake = k.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase()).replace('command_id', 'command_id');
    out[snake] = value;
  }
  return out;
}

describe('the chain format vectors (docs/vectors/chain-format-v1.json)', () => {
  it('hold an entry of every command type from 1 to 24', () => {
    expect(v.entries.length).toBeGreaterThanOrEqual(24);
    const types = new Set(v.entries.map((e) => numberInParens(e.command_type)));
    for (let t = 1; t <= 24; t++) expect(types.has(t), `type ${t}`).toBe(true);
  });

  it('give the listed tagged hash for the example', () => {
    const ex = v.tagged_hash_example;
    expect(toHex(taggedHash(ex.tag, fromHex(ex.data_hex)))).toBe(ex.hash);
  });

  it('name keys whose secrets derive as described and whose account ids are their bech32m form', () => {
    for (const [label, k] of Object.entries(v.keys)) {
      const w = walletFromSecret(vectorSecretHex(label));
      expect(toHex(w.publicKey), label).toBe(k.x_only_public_key);
      expect(w.account).toBe(k.account_id);
      expect(toHex(keyFromAccount(k.account_id))).toBe(k.x_only_public_key);
    }
  });

  describe.each(v.entries.map((e) => [`${e.height} ${e.command_type}`, e] as const))('entry %s', (_, e) => {
    const env = decodeEnvelope(fromHex(e.envelope_hex), v.chain_id);

    it('decodes to its listed fields and re-encodes to the same command bytes', () => {
      expect(toHex(env.commandBytes)).toBe(e.command_hex);
      expect(toHex(encodeCommand(env.command))).toBe(e.command_hex);
      expect(toHex(encodeCommand(decodeCommand(fromHex(e.command_hex))))).toBe(e.command_hex);
      const expected = { ...e.fields } as Record<string, unknown>;
      for (const k of ['role', 'reason', 'scope']) if (k in expected) expected[k] = numberInParens(expected[k]);
      const ours = asVectorFields(env.command);
      ours.type = expected.type;
      // A payment without a request: the C# generator writes "request": null or leaves it out; both mean absent.
      for (const side of [ours, expected]) if ('request' in side && side.request === null) delete side.request;
      expect(ours).toEqual(expected);
    });

    it('has the listed signing digest and signatures that verify', () => {
      expect(toHex(commandDigest(env.commandBytes))).toBe(e.signing_digest);
      expect(env.signatures.map((s) => ({ signer: s.signer, public_key: toHex(s.publicKey), signature: toHex(s.signature) }))).toEqual(e.signatures);
      expect(envelopeIsSigned(env)).toBe(true);
    });

    it('is signed again by the same keys into an envelope that differs only in the signatures and verifies', () => {
      const wallets: Wallet[] = e.signatures.map((s) => {
        const label = Object.entries(v.keys).find(([, k]) => k.x_only_public_key === s.public_key)![0];
        return walletFromSecret(vectorSecretHex(label), s.signer);
      });
      const again = decodeEnvelope(signCommand(env.command, wallets[0]!, wallets[1]));
      expect(toHex(again.commandBytes)).toBe(e.command_hex);
      expect(again.signatures.map((s) => [s.signer, toHex(s.publicKey)])).toEqual(e.signatures.map((s) => [s.signer, s.public_key]));
      expect(envelopeIsSigned(again)).toBe(true);
    });

    it('is stored as an entry whose hash is the listed one', () => {
      const entry = decodeEntry(fromHex(e.entry_hex));
      expect(toHex(entry.entryHash)).toBe(e.entry_hash);
      expect(Number(entry.height)).toBe(e.height);
      expect(toHex(entry.previousHash)).toBe(e.previous_hash);
      expect(toHex(entry.envelope)).toBe(e.envelope_hex);
      expect(toHex(encodeEntry(e.height, fromHex(e.previous_hash), e.timestamp_ms, entry.outcome, entry.envelope))).toBe(e.entry_hex);
    });
  });

  it('give the listed Merkle root after every entry', () => {
    const hashes: Uint8Array[] = [];
    for (const e of v.entries) {
      hashes.push(fromHex(e.entry_hash));
      expect(toHex(merkleRoot(hashes)), `after ${e.height}`).toBe(e.merkle_root_after);
    }
  });

  it('have blocks whose hash, root and operator signature check out, linked one to the next', () => {
    const operator = fromHex(v.operator_key);
    let previous: Uint8Array = new Uint8Array(32);
    for (const b of v.blocks) {
      const block = decodeBlock(fromHex(b.block_hex));
      expect(toHex(block.hash)).toBe(b.block_hash);
      expect(toHex(block.merkleRoot)).toBe(b.merkle_root);
      expect(toHex(block.merkleRoot)).toBe(toHex(merkleRoot(v.entries.slice(0, b.tree_size).map((e) => fromHex(e.entry_hash)))));
      expect(Number(block.treeSize)).toBe(b.tree_size);
      expect(toHex(block.previousBlockHash)).toBe(toHex(previous));
      expect(blockIsSigned(block, operator)).toBe(true);
      expect(verifySchnorr(fromHex(b.signature), block.hash, operator)).toBe(true);
      previous = block.hash;
    }
  });

  it('have a block whose signature fails once a single byte of it changes', () => {
    const bytes = fromHex(v.blocks[0]!.block_hex);
    bytes[20] = bytes[20]! ^ 1;
    expect(blockIsSigned(decodeBlock(bytes), fromHex(v.operator_key))).toBe(false);
    const cp = { treeSize: String(v.blocks[0]!.tree_size), rootHash: v.blocks[0]!.merkle_root, encoded: toBase64(bytes) };
    expect(verifyCheckpoint(cp, v.operator_key)).toBe(false);
  });
});

describe('an account id', () => {
  it('is the bech32m form given in chain-format.md', () => {
    const key = fromHex('f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9');
    expect(accountFromKey(key)).toBe('hm1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57');
    expect(toHex(keyFromAccount('hm1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57'))).toBe(toHex(key));
  });

  it('with one character changed is refused for its checksum', () => {
    expect(() => keyFromAccount('hm1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha56')).toThrow(/checksum/);
  });

  it('of the wrong length, prefix or mixed case is refused with a reason', () => {
    expect(() => keyFromAccount('hm1lycg5q')).toThrow(/61 characters/);
    expect(() => keyFromAccount('bc1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57')).toThrow(/hm1/);
    expect(() => keyFromAccount('HM1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57')).toThrow(/mixed/);
  });

  it('in upper case reads as the same key', () => {
    const upper = 'hm1lycg5qvjtrp3qjf5f7zl382j9x6nrjz9sdhenvyxq8c3808qxmusycha57'.toUpperCase();
    expect(toHex(keyFromAccount(upper))).toBe('f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9');
  });
});
