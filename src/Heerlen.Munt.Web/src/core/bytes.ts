// Byte helpers and the canonical big-endian encoding of docs/chain-format.md ("Conventions"): fixed-width integers,
// text = u8 length + UTF-8, bytes16 = u16 length + bytes. One value, one encoding; a reader refuses trailing bytes.

import { base64, base64nopad, base64urlnopad, hex as hexCoder } from '@scure/base';

/** Lower-case hex of the bytes. */
export function toHex(bytes: Uint8Array): string {
  return hexCoder.encode(bytes);
}

/** Bytes of a hex string (either case, even length); throws on anything else. */
export function fromHex(text: string, expectedLength?: number): Uint8Array {
  if (typeof text !== 'string' || text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new Error(`not hex: ${JSON.stringify(String(text).slice(0, 80))}`);
  }
  const bytes = hexCoder.decode(text.toLowerCase());
  if (expectedLength !== undefined && bytes.length !== expectedLength) {
    throw new Error(`expected ${expectedLength} bytes of hex, got ${bytes.length}`);
  }
  return bytes;
}

/** Standard base64 with padding (as protobuf JSON writes bytes). */
export function toBase64(bytes: Uint8Array): string {
  return base64.encode(bytes);
}

/** Standard base64, with or without padding. Protobuf JSON readers accept both; so do we. */
export function fromBase64(text: string): Uint8Array {
  const unpadded = text.replace(/=+$/, '');
  return base64nopad.decode(unpadded);
}

/** base64url without padding (RFC 4648 §5), as in session tokens and card payloads. */
export function toBase64Url(bytes: Uint8Array): string {
  return base64urlnopad.encode(bytes);
}

/** base64url without padding; throws on padding or characters outside the alphabet. */
export function fromBase64Url(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error('not base64url (A-Z a-z 0-9 - _, no padding)');
  return base64urlnopad.decode(text);
}

/** The bytes of all the arrays, one after the other. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** True if both arrays hold the same bytes. Not constant-time: for public data only. */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Fresh random bytes from the platform's CSPRNG (crypto.getRandomValues: browsers and Node 20+). */
export function randomBytes(length: number): Uint8Array {
  const out = new Uint8Array(length);
  globalThis.crypto.getRandomValues(out);
  return out;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 bytes of a string. */
export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

/** The string of UTF-8 bytes; throws on invalid UTF-8 (as the C# reader does). */
export function fromUtf8(bytes: Uint8Array): string {
  return utf8Decoder.decode(bytes);
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

function toBigInt(value: number | bigint, what: string): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what}: ${value} is not a safe integer`);
  return BigInt(value);
}

/** Writes the canonical big-endian encoding. Every method checks its range and throws RangeError outside it. */
export class Writer {
  private buffer = new Uint8Array(256);
  private length = 0;

  private take(count: number): DataView {
    if (this.length + count > this.buffer.length) {
      const bigger = new Uint8Array(Math.max(this.buffer.length * 2, this.length + count));
      bigger.set(this.buffer.subarray(0, this.length));
      this.buffer = bigger;
    }
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset + this.length, count);
    this.length += count;
    return view;
  }

  u8(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`u8: ${value} is out of range`);
    this.take(1).setUint8(0, value);
    return this;
  }

  u16(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff) throw new RangeError(`u16: ${value} is out of range`);
    this.take(2).setUint16(0, value);
    return this;
  }

  u32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new RangeError(`u32: ${value} is out of range`);
    this.take(4).setUint32(0, value);
    return this;
  }

  u64(value: number | bigint): this {
    const v = toBigInt(value, 'u64');
    if (v < 0n || v > U64_MAX) throw new RangeError(`u64: ${v} is out of range`);
    this.take(8).setBigUint64(0, v);
    return this;
  }

  i64(value: number | bigint): this {
    const v = toBigInt(value, 'i64');
    if (v < I64_MIN || v > I64_MAX) throw new RangeError(`i64: ${v} is out of range`);
    this.take(8).setBigInt64(0, v);
    return this;
  }

  bool(value: boolean): this {
    return this.u8(value ? 1 : 0);
  }

  /** Exactly these bytes, no length. */
  fixed(bytes: Uint8Array, expectedLength?: number): this {
    if (expectedLength !== undefined && bytes.length !== expectedLength) {
      throw new RangeError(`expected ${expectedLength} bytes, got ${bytes.length}`);
    }
    const view = this.take(bytes.length);
    new Uint8Array(view.buffer, view.byteOffset, bytes.length).set(bytes);
    return this;
  }

  /** u8 byte length, then UTF-8 (at most 255 bytes). */
  text(value: string): this {
    const bytes = utf8(value);
    if (bytes.length > 0xff) throw new RangeError(`text of ${bytes.length} bytes; at most 255`);
    return this.u8(bytes.length).fixed(bytes);
  }

  /** u16 byte length, then the bytes. */
  bytes16(bytes: Uint8Array): this {
    if (bytes.length > 0xffff) throw new RangeError(`bytes16 of ${bytes.length} bytes; at most 65535`);
    return this.u16(bytes.length).fixed(bytes);
  }

  /** A copy of what was written. */
  toBytes(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Reads the canonical encoding; throws Error on running short, bad values or (at {@link end}) trailing bytes. */
export class Reader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes read so far. */
  get position(): number {
    return this.at;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.bytes.length - this.at;
  }

  private need(count: number): number {
    if (this.at + count > this.bytes.length) throw new Error(`truncated: need ${count} more bytes at offset ${this.at}`);
    const start = this.at;
    this.at += count;
    return start;
  }

  u8(): number {
    return this.view.getUint8(this.need(1));
  }

  u16(): number {
    return this.view.getUint16(this.need(2));
  }

  u32(): number {
    return this.view.getUint32(this.need(4));
  }

  /** u64 as a bigint (exact). */
  u64(): bigint {
    return this.view.getBigUint64(this.need(8));
  }

  /** i64 as a bigint (exact). */
  i64(): bigint {
    return this.view.getBigInt64(this.need(8));
  }

  /** i64 as a number; throws if it is not a safe integer (amounts and times always are). */
  i64Number(): number {
    const v = this.i64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw new Error(`i64 ${v} is beyond a safe integer`);
    return Number(v);
  }

  /** u64 as a number; throws if it is not a safe integer. */
  u64Number(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`u64 ${v} is beyond a safe integer`);
    return Number(v);
  }

  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw new Error(`bool byte ${b} is neither 0 nor 1`);
    return b === 1;
  }

  fixed(count: number): Uint8Array {
    const start = this.need(count);
    return this.bytes.slice(start, start + count);
  }

  text(): string {
    return fromUtf8(this.fixed(this.u8()));
  }

  bytes16(): Uint8Array {
    return this.fixed(this.u16());
  }

  /** Throws if anything is left: every value has exactly one encoding. */
  end(): void {
    if (this.at !== this.bytes.length) throw new Error(`${this.bytes.length - this.at} trailing bytes`);
  }
}
