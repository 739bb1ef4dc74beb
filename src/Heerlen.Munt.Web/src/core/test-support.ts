// Test helpers: the checked-in cross-language vectors in docs/vectors (shared with the C# tests).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sha256 } from './hash.js';
import { utf8, toHex } from './bytes.js';

export const vectorsDir = fileURLToPath(new URL('../../../../docs/vectors/', import.meta.url));

export function readVectors<T>(name: string): T {
  return JSON.parse(readFileSync(vectorsDir + name, 'utf8')) as T;
}

/** True when the run should rewrite the vector files (HEERLEN_MUNT_WRITE_VECTORS=1), as the C# tests do. */
export const writingVectors = process.env.HEERLEN_MUNT_WRITE_VECTORS === '1';

export function writeVectors(name: string, value: unknown): void {
  writeFileSync(vectorsDir + name, JSON.stringify(value, null, 2) + '\n');
}

/** The secret of a chain-format vector key: SHA-256(UTF-8 "heerlen-munt test vector key: " + label). */
export function vectorSecretHex(label: string): string {
  return toHex(sha256(utf8('heerlen-munt test vector key: ' + label)));
}
