import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, toHex } from './bytes.js';
import { CARD_BYTES, cardAccount, cardParams, checkPin, openSecret, openSecretAsync, sealSecret, WrongPin } from './pinbox.js';
import { walletFromPhrase } from './wallet.js';

const w = walletFromPhrase('legal winner thank year wave sausage worth useful legal winner thank yellow');

describe('a munt card', () => {
  const card = sealSecret(w.secret, w.account, '24680');

  it('is 159 characters of hmc1. and base64url holding 115 bytes', () => {
    expect(card).toMatch(/^hmc1\.[A-Za-z0-9_-]+$/);
    expect(card.length).toBe(159);
    expect(fromBase64Url(card.slice(5)).length).toBe(CARD_BYTES);
  });

  it('tells its account without the PIN and opens with it', async () => {
    expect(cardAccount(card)).toBe(w.account);
    expect(cardParams(card)).toEqual({ m: 19_456, t: 2, p: 1 });
    expect(toHex((await openSecretAsync(card, '24680')).secret)).toBe(toHex(w.secret));
  });

  it('sealed twice differs (fresh salt and nonce)', () => {
    expect(sealSecret(w.secret, w.account, '24680')).not.toBe(card);
  });

  it('whose account is swapped for another no longer opens', () => {
    const bytes = fromBase64Url(card.slice(5));
    bytes.set(walletFromPhrase('zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo wrong').publicKey, 1);
    const swapped = 'hmc1.' + toBase64Url(bytes);
    expect(() => openSecret(swapped, '24680')).toThrow(WrongPin);
  });

  it('with weakened Argon2id parameters is refused before any PIN is tried', () => {
    const bytes = fromBase64Url(card.slice(5));
    bytes[36] = 0; // memory_kib low byte and more: 19456 -> 19456 & ~0xff
    bytes[35] = 0;
    expect(() => cardAccount('hmc1.' + toBase64Url(bytes))).toThrow(/parameters/);
  });
});

describe('a PIN', () => {
  it.each(['1234', '123456789', '12a45', ' 12345', '١٢٣٤٥', ''])('"%s" breaks the rules and is refused with a reason', (pin) => {
    expect(() => checkPin(pin)).toThrow(/PIN/);
    expect(() => sealSecret(w.secret, w.account, pin)).toThrow(/PIN/);
  });

  it.each(['12345', '00000000', '9876543'])('"%s" is accepted', (pin) => {
    expect(() => checkPin(pin)).not.toThrow();
  });
});
