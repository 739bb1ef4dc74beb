// Wallets: keys from twelve BIP39 words (English list, empty passphrase), BIP32 path m/44'/8470'/{account}'/0/0 —
// exactly as the C# SigningKey.FromPhrase and Wallet.Restore (src/Heerlen.Munt.Ledger/Crypto/SigningKey.cs,
// src/Heerlen.Munt.Client/Wallet.cs), so the same words give the same account in the app and in the .NET SDK.

import { schnorr } from '@noble/curves/secp256k1.js';
import { HDKey } from '@scure/bip32';
import { generateMnemonic, mnemonicToSeedSync, validateMnemonic } from '@scure/bip39';
import { wordlist as english } from '@scure/bip39/wordlists/english.js';
import { accountFromKey, keyFromAccount } from './account.js';
import { fromHex } from './bytes.js';

/** BIP32 path of an account key; {0} is the account index. Part of the wallet format: to be versioned with care. */
export const DERIVATION_PATH_TEMPLATE = "m/44'/8470'/{0}'/0/0";

/**
 * A person's keys. `secret` signs; whoever holds it can spend: never log it, never send it anywhere.
 * `publicKey` is the current x-only key; `account` the hm1… id, which stays the first key's after a rotation.
 */
export interface Wallet {
  readonly phrase?: string;
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly account: string;
}

/**
 * The words as the C# Wallet.Restore reads them: split on any white space, joined by single spaces, lower case.
 * (BIP39's own NFKD normalisation happens inside the seed derivation, on both sides.)
 */
export function normalisePhrase(phrase: string): string {
  return phrase.split(/\s+/u).filter((w) => w.length > 0).join(' ').toLowerCase();
}

/** Fresh twelve words (128 bits of entropy) from the English BIP39 list. */
export function newPhrase(): string {
  return generateMnemonic(english, 128);
}

/** True if the words (after {@link normalisePhrase}) are a BIP39 phrase of 12–24 English words with a valid checksum. */
export function isValidPhrase(phrase: string): boolean {
  return validateMnemonic(normalisePhrase(phrase), english);
}

/** The x-only public key (32 bytes) of a secret; throws if the secret is zero or not below the curve order. */
export function publicKeyOf(secret: Uint8Array): Uint8Array {
  if (secret.length !== 32) throw new Error(`a secret key is 32 bytes, got ${secret.length}`);
  try {
    return schnorr.getPublicKey(secret);
  } catch {
    throw new Error('not a valid secp256k1 secret key');
  }
}

/** The wallet of account index `accountIndex` of these words; throws if they do not fit together. */
export function walletFromPhrase(phrase: string, accountIndex = 0): Wallet {
  if (!Number.isInteger(accountIndex) || accountIndex < 0 || accountIndex >= 0x8000_0000) {
    throw new Error(`account index ${accountIndex} is not in 0 … 2^31 − 1`);
  }
  const words = normalisePhrase(phrase);
  if (!validateMnemonic(words, english)) throw new Error('the words do not fit together (unknown word, wrong count or checksum)');
  const root = HDKey.fromMasterSeed(mnemonicToSeedSync(words, ''));
  const child = root.derive(DERIVATION_PATH_TEMPLATE.replace('{0}', String(accountIndex)));
  if (child.privateKey === null) throw new Error('derivation gave no private key');
  // The secret is the BIP32 child key as is; BIP340 signing negates it internally when its point has an odd y,
  // as NBitcoin does. The account id is the x coordinate only.
  const secret = Uint8Array.from(child.privateKey);
  const publicKey = publicKeyOf(secret);
  return { phrase: words, secret, publicKey, account: accountFromKey(publicKey) };
}

/** A wallet from a raw secret key (hex). `account` (hm1…) is for a key that replaced the account's first key. */
export function walletFromSecret(secretHex: string, account?: string): Wallet {
  const secret = fromHex(secretHex.trim(), 32);
  const publicKey = publicKeyOf(secret);
  if (account !== undefined) keyFromAccount(account);
  return { secret, publicKey, account: account ?? accountFromKey(publicKey) };
}
