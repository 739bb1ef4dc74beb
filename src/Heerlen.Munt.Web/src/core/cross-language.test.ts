// The cross-language vectors this library shares with the C# tests (docs/vectors/wallets-v1.json, sessions-v1.json,
// munt-card-v1.json). HEERLEN_MUNT_WRITE_VECTORS=1 rewrites them from this code; the C# tests then check them against
// SigningKey/Wallet, SessionToken and MuntCard, and these tests check the files against this code on every run.
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, fromHex, Reader, toHex } from './bytes.js';
import { taggedHash, Tags } from './hash.js';
import { cardAccount, openSecret, sealSecret, WrongPin, type Argon2Params } from './pinbox.js';
import { makeSession } from './session.js';
import { readVectors, writeVectors, writingVectors } from './test-support.js';
import { walletFromPhrase, walletFromSecret } from './wallet.js';
import { verifySchnorr } from './commands.js';

const ABANDON = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';

// ---------------------------------------------------------------------------------------------------------------
// Wallets

interface WalletCase { phrase_input: string; account_index: number; normalised_phrase: string; secret: string; x_only_public_key: string; y_is_odd: boolean; account_id: string }

function walletCase(input: string, index: number): WalletCase {
  const w = walletFromPhrase(input, index);
  return {
    phrase_input: input,
    account_index: index,
    normalised_phrase: w.phrase!,
    secret: toHex(w.secret),
    x_only_public_key: toHex(w.publicKey),
    y_is_odd: secp256k1.getPublicKey(w.secret, true)[0] === 3,
    account_id: w.account,
  };
}

if (writingVectors) {
  writeVectors('wallets-v1.json', {
    description: "Heerlen Munt wallets: BIP39 phrase (English, empty passphrase) -> BIP32 m/44'/8470'/{account_index}'/0/0 -> secret, x-only key, hm1 account id. phrase_input is normalised as the apps and Wallet.Restore do (split on white space, single spaces, lower case). Test phrases only.",
    cases: [
      walletCase(ABANDON, 0),
      walletCase(ABANDON, 1),
      walletCase('  Legal winner thank year wave sausage\tworth useful legal WINNER thank yellow\n', 0),
      walletCase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong', 7),
      walletCase('letter advice cage absurd amount doctor acoustic avoid letter advice cage above', 2),
    ],
  });
}

const wallets = readVectors<{ cases: WalletCase[] }>('wallets-v1.json');

describe('the wallet vectors (docs/vectors/wallets-v1.json)', () => {
  it('hold keys with both an even and an odd y, so the x-only handling is exercised', () => {
    expect(new Set(wallets.cases.map((c) => c.y_is_odd)).size).toBe(2);
  });

  it.each(wallets.cases.map((c) => [c.phrase_input.trim().slice(0, 30), c.account_index, c] as const))(
    'derive "%s…" account %i to the listed secret, key and account id',
    (_, __, c) => {
      const w = walletFromPhrase(c.phrase_input, c.account_index);
      expect(w.phrase).toBe(c.normalised_phrase);
      expect(toHex(w.secret)).toBe(c.secret);
      expect(toHex(w.publicKey)).toBe(c.x_only_public_key);
      expect(w.account).toBe(c.account_id);
      expect(walletFromSecret(c.secret).account).toBe(c.account_id);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// Sessions

interface SessionCase { phrase: string; chain_id: string; now_ms: number; ttl_ms: number; nonce: string; aux_rand: string; account_id: string; digest: string; signature: string; token: string }

function sessionCase(phrase: string, chainId: string, nowMs: number, ttlMs: number, nonceHex: string): SessionCase {
  const w = walletFromPhrase(phrase);
  const auxRand = new Uint8Array(32);
  const token = makeSession(w, chainId, nowMs, ttlMs, { nonce: fromHex(nonceHex), auxRand });
  const bytes = fromBase64Url(token.slice(5));
  return {
    phrase, chain_id: chainId, now_ms: nowMs, ttl_ms: ttlMs, nonce: nonceHex, aux_rand: toHex(auxRand), account_id: w.account,
    digest: toHex(taggedHash(Tags.session, bytes.slice(0, -64))), signature: toHex(bytes.slice(-64)), token,
  };
}

if (writingVectors) {
  writeVectors('sessions-v1.json', {
    description: 'Heerlen Munt session tokens (docs/api.md, "Sessions") made by the web core with a fixed nonce and BIP340 aux_rand, for the C# SessionToken to read, check and reproduce. Test phrases only.',
    cases: [
      sessionCase(ABANDON, 'heerlen-munt/demo', 1_780_000_000_000, 5 * 60_000, '000102030405060708090a0b0c0d0e0f'),
      sessionCase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong', 'heerlen-munt/vectors', 1_780_000_123_456, 60 * 60_000, 'ffeeddccbbaa99887766554433221100'),
    ],
  });
}

const sessions = readVectors<{ cases: SessionCase[] }>('sessions-v1.json');

describe('the session vectors (docs/vectors/sessions-v1.json)', () => {
  it.each(sessions.cases.map((c) => [c.chain_id, c] as const))('for %s are made again byte for byte and carry a valid signature', (_, c) => {
    const w = walletFromPhrase(c.phrase);
    const token = makeSession(w, c.chain_id, c.now_ms, c.ttl_ms, { nonce: fromHex(c.nonce), auxRand: fromHex(c.aux_rand) });
    expect(token).toBe(c.token);
    const r = new Reader(fromBase64Url(token.slice('hms1.'.length)));
    expect(r.u8()).toBe(1);
    expect(r.text()).toBe(c.chain_id);
    r.fixed(32);
    const key = r.fixed(32);
    expect(r.i64Number()).toBe(c.now_ms);
    expect(r.i64Number()).toBe(c.now_ms + c.ttl_ms);
    expect(toHex(r.fixed(16))).toBe(c.nonce);
    expect(verifySchnorr(r.fixed(64), fromHex(c.digest), key)).toBe(true);
    r.end();
  });
});

describe('a session', () => {
  const w = walletFromPhrase(ABANDON);

  it('longer than 60 minutes, or of no length, is refused', () => {
    expect(() => makeSession(w, 'heerlen-munt/demo', 0, 60 * 60_000 + 1)).toThrow(/at most 60 minutes/);
    expect(() => makeSession(w, 'heerlen-munt/demo', 0, 0)).toThrow(/at most 60 minutes/);
  });

  it('for a chain id that breaks the rule is refused', () => {
    expect(() => makeSession(w, 'Heerlen Munt', 0, 60_000)).toThrow(/chain id/);
  });

  it('made twice differs (fresh nonce) and has no padding', () => {
    const a = makeSession(w, 'heerlen-munt/demo', 1000, 60_000), b = makeSession(w, 'heerlen-munt/demo', 1000, 60_000);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^hms1\.[A-Za-z0-9_-]+$/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Munt card

interface CardCase { name: string; secret: string; account: string; pin: string; params: Argon2Params; salt: string; nonce: string; payload: string }
interface CardVectors { cases: CardCase[]; wrong_pin: { payload: string; pin: string }[]; malformed: { payload: string; problem: string }[] }

function cardCase(name: string, secretHex: string, account: string, pin: string, params: Argon2Params, saltHex: string, nonceHex: string): CardCase {
  const payload = sealSecret(fromHex(secretHex), account, pin, { salt: fromHex(saltHex), nonce: fromHex(nonceHex), params });
  return { name, secret: secretHex, account, pin, params, salt: saltHex, nonce: nonceHex, payload };
}

if (writingVectors) {
  const a = walletFromPhrase(ABANDON), z = walletFromPhrase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong');
  const first = cardCase('default parameters, five-digit PIN', toHex(a.secret), a.account, '12345', { m: 19_456, t: 2, p: 1 },
    '000102030405060708090a0b0c0d0e0f', '101112131415161718191a1b');
  const payloadBytes = fromBase64Url(first.payload.slice(5));
  payloadBytes[100] = payloadBytes[100]! ^ 1;
  writeVectors('munt-card-v1.json', {
    description: 'Heerlen Munt card (docs/munt-card.md): a secret key sealed under a PIN with Argon2id and AES-256-GCM. Made by the web core with fixed salt and nonce; the C# MuntCard must seal to the same payload and open it. Test keys only.',
    cases: [
      first,
      // A card for an account whose key was rotated: the sealed secret is not the key the account id was made from.
      cardCase('rotated key, eight-digit PIN, t = 3', toHex(z.secret), a.account, '00000000', { m: 19_456, t: 3, p: 1 },
        'f0e0d0c0b0a090807060504030201000', 'a1a2a3a4a5a6a7a8a9aaabac'),
    ],
    wrong_pin: [
      { payload: first.payload, pin: '12346' },
      { payload: first.payload, pin: '123450' },
      { payload: 'hmc1.' + Buffer.from(payloadBytes).toString('base64url'), pin: '12345' },
    ],
    malformed: [
      { payload: 'hmc2.' + first.payload.slice(5), problem: 'prefix' },
      { payload: first.payload.slice(0, -4), problem: 'length' },
      { payload: 'hmc1.E' + first.payload.slice(6), problem: 'version' },
    ],
  });
}

const cards = readVectors<CardVectors>('munt-card-v1.json');

describe('the munt card vectors (docs/vectors/munt-card-v1.json)', () => {
  it.each(cards.cases.map((c) => [c.name, c] as const))('%s: seals to the listed payload and opens with its PIN', (_, c) => {
    const payload = sealSecret(fromHex(c.secret), c.account, c.pin, { salt: fromHex(c.salt), nonce: fromHex(c.nonce), params: c.params });
    expect(payload).toBe(c.payload);
    expect(cardAccount(c.payload)).toBe(c.account);
    const opened = openSecret(c.payload, c.pin);
    expect(toHex(opened.secret)).toBe(c.secret);
    expect(opened.account).toBe(c.account);
  });

  it.each(cards.wrong_pin.map((c) => [c.pin, c] as const))('with PIN %s (or a damaged seal) do not open, and say WrongPin', (_, c) => {
    expect(() => openSecret(c.payload, c.pin)).toThrow(WrongPin);
  });

  it.each(cards.malformed.map((c) => [c.problem, c] as const))('with a wrong %s are refused as not a card, not as a wrong PIN', (_, c) => {
    let thrown: unknown;
    try {
      openSecret(c.payload, '12345');
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(WrongPin);
  });
});
