import { describe, expect, it } from 'vitest';
import { fromHex, Reader, toHex, Writer } from './bytes.js';
import { decodeCommand, decodeEnvelope, encodeCommand, envelopeIsSigned, newCommandId, signCommand, type Command } from './commands.js';
import { isValidPhrase, newPhrase, walletFromPhrase, walletFromSecret } from './wallet.js';

const officer = walletFromPhrase('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about');
const other = walletFromPhrase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong');
const header = { chainId: 'heerlen-munt/demo', commandId: '000000000000000000000000000000ff', actor: officer.account, expiresAtMs: 1_780_000_060_000 };

describe('a SetSpendingLimit command (type 20)', () => {
  const cmd: Command = { ...header, type: 'SetSpendingLimit', account: other.account, dailyLimit: 2_500 };

  it('is encoded as the header, type byte 20, the account and the limit as i64', () => {
    const bytes = encodeCommand(cmd);
    const r = new Reader(bytes);
    expect(r.u8()).toBe(1);
    expect(r.text()).toBe('heerlen-munt/demo');
    expect(r.u8()).toBe(20);
    expect(toHex(r.fixed(16))).toBe(header.commandId);
    expect(toHex(r.fixed(32))).toBe(toHex(officer.publicKey));
    expect(r.i64Number()).toBe(header.expiresAtMs);
    expect(toHex(r.fixed(32))).toBe(toHex(other.publicKey));
    expect(r.i64Number()).toBe(2_500);
    r.end();
  });

  it('decodes back to itself and signs into an envelope that verifies', () => {
    expect(decodeCommand(encodeCommand(cmd))).toEqual(cmd);
    const env = decodeEnvelope(signCommand(cmd, officer), 'heerlen-munt/demo');
    expect(env.command).toEqual(cmd);
    expect(envelopeIsSigned(env)).toBe(true);
  });
});

describe('encoding a command', () => {
  it('refuses an amount that is not a safe integer, naming the field', () => {
    expect(() => encodeCommand({ ...header, type: 'Redeem', amount: 1.5 })).toThrow(/amount/);
    expect(() => encodeCommand({ ...header, type: 'Redeem', amount: 2 ** 53 })).toThrow(/amount/);
  });

  it('refuses a bad slug, chain id, id, account, role and bank reference', () => {
    expect(() => encodeCommand({ ...header, type: 'MintBudget', budget: 'Klussen', amount: 1 })).toThrow(/budget/);
    expect(() => encodeCommand({ ...header, chainId: 'Heerlen', type: 'OpenAccount' })).toThrow(/chain id/);
    expect(() => encodeCommand({ ...header, commandId: 'FF', type: 'OpenAccount' })).toThrow(/commandId/);
    expect(() => encodeCommand({ ...header, type: 'SuspendMerchant', merchant: 'hm1nope' })).toThrow(/merchant/);
    expect(() => encodeCommand({ ...header, type: 'GrantRole', account: other.account, role: 3 as 1 })).toThrow(/role/);
    expect(() => encodeCommand({ ...header, type: 'SettleRedemption', merchant: other.account, redemption: header.commandId, bankReference: ' HM-1' })).toThrow(/bank reference/);
  });

  it('of a Pay without a request writes has_request = 0 and reads back with request null', () => {
    const pay: Command = { ...header, type: 'Pay', merchant: other.account, amount: 475 };
    const bytes = encodeCommand(pay);
    expect(bytes[bytes.length - 1]).toBe(0);
    expect(decodeCommand(bytes)).toEqual({ ...pay, request: null });
  });
});

describe('decoding', () => {
  const bytes = encodeCommand({ ...header, type: 'OpenAccount' });

  it('refuses trailing bytes, a truncated command and an unknown type', () => {
    expect(() => decodeCommand(new Uint8Array([...bytes, 0]))).toThrow(/trailing/);
    expect(() => decodeCommand(bytes.slice(0, -1))).toThrow(/truncated/);
    const unknown = Uint8Array.from(bytes);
    unknown[1 + 1 + 'heerlen-munt/demo'.length] = 99;
    expect(() => decodeCommand(unknown)).toThrow(/type 99/);
  });

  it('refuses an envelope for another chain and one with three signatures', () => {
    const env = signCommand({ ...header, type: 'OpenAccount' }, officer);
    expect(() => decodeEnvelope(env, 'heerlen-munt/other')).toThrow(/chain/);
    const three = Uint8Array.from(env);
    three[bytes.length] = 3;
    expect(() => decodeEnvelope(three)).toThrow(/3 signatures/);
  });

  it('finds an envelope with a changed byte in the command no longer signed', () => {
    const env = signCommand({ ...header, type: 'Redeem', amount: 300 }, officer);
    env[bytes.length + 7] = env[bytes.length + 7]! ^ 1;
    expect(envelopeIsSigned(decodeEnvelope(env))).toBe(false);
  });
});

describe('signing', () => {
  it('refuses a wallet that is not the actor, and a co-signer that is the actor', () => {
    expect(() => signCommand({ ...header, type: 'OpenAccount' }, other)).toThrow(/actor/);
    expect(() => signCommand({ ...header, type: 'MintBudget', budget: 'k', amount: 1 }, officer, officer)).toThrow(/another/);
  });

  it('with a co-signer puts the actor first and both signatures verify', () => {
    const env = decodeEnvelope(signCommand({ ...header, type: 'MintBudget', budget: 'klussen-2026', amount: 2_000_000 }, officer, other));
    expect(env.signatures.map((s) => s.signer)).toEqual([officer.account, other.account]);
    expect(envelopeIsSigned(env)).toBe(true);
  });

  it('with a rotated key names the account as signer and the new key as public key', () => {
    const rotated = walletFromSecret(toHex(other.secret), officer.account);
    const env = decodeEnvelope(signCommand({ ...header, type: 'Redeem', amount: 1 }, rotated));
    expect(env.signatures[0]!.signer).toBe(officer.account);
    expect(toHex(env.signatures[0]!.publicKey)).toBe(toHex(other.publicKey));
    expect(envelopeIsSigned(env)).toBe(true);
  });
});

describe('ids and phrases', () => {
  it('a new command id is 32 lower-case hex digits and differs each time', () => {
    expect(newCommandId()).toMatch(/^[0-9a-f]{32}$/);
    expect(newCommandId()).not.toBe(newCommandId());
  });

  it('a new phrase is twelve valid words that derive a wallet', () => {
    const phrase = newPhrase();
    expect(phrase.split(' ')).toHaveLength(12);
    expect(isValidPhrase(phrase)).toBe(true);
    expect(walletFromPhrase(phrase).account).toMatch(/^hm1/);
  });

  it('words with a wrong checksum are not a phrase', () => {
    expect(isValidPhrase('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon')).toBe(false);
    expect(() => walletFromPhrase('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon')).toThrow(/fit together/);
  });
});

describe('the byte writer and reader', () => {
  it('write big-endian and refuse values out of range', () => {
    expect(toHex(new Writer().u16(0x0102).u32(0x03040506).i64(-1).u64(2n ** 64n - 1n).toBytes())).toBe('010203040506ffffffffffffffffffffffffffffffff');
    expect(() => new Writer().u8(256)).toThrow(RangeError);
    expect(() => new Writer().u64(-1)).toThrow(RangeError);
    expect(() => new Writer().i64(2n ** 63n)).toThrow(RangeError);
    expect(() => new Writer().i64(0.5)).toThrow(RangeError);
    expect(() => new Writer().text('x'.repeat(256))).toThrow(RangeError);
  });

  it('read a bool only as 0 or 1 and text only as valid UTF-8', () => {
    expect(() => new Reader(fromHex('02')).bool()).toThrow(/bool/);
    expect(() => new Reader(fromHex('01ff')).text()).toThrow();
  });
});
