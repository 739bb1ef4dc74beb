// The one place the apps meet the core library (src/core): wallets, PIN seals, commands, sessions, receipts.
import * as core from '../core';
import { ApiError, api } from './api';
import { dict } from './i18n';

const T = dict(
  { pinDigits: 'Een pincode heeft alleen cijfers: 5 tot 8.', pinWeak: 'Kies een pincode die niet zo makkelijk te raden is.' },
  { pinDigits: 'A PIN has only digits: 5 to 8 of them.', pinWeak: 'Choose a PIN that is not so easy to guess.' },
);

export type Wallet = core.Wallet;
export const WrongPin = core.WrongPin;
export type WrongPin = core.WrongPin;

/** Roles on the chain (bit values, chain-format.md). */
export const Role = { issuer: 1, officer: 2, merchant: 4, resident: 8, module: 16, auditor: 32 } as const;

/** A command's body; the header (chain, id, actor, expiry) is added by Actor.submit. */
export type Body =
  | { type: 'OpenAccount' }
  | { type: 'GrantRole'; account: string; role: number }
  | { type: 'RevokeRole'; account: string; role: number }
  | { type: 'MintBudget'; budget: string; amount: number }
  | { type: 'PublishJob'; job: string; budget: string; category: string; neighbourhood: string; reward: number; slots: number; deadlineMs: number }
  | { type: 'Enrol'; job: string }
  | { type: 'SubmitCompletion'; job: string; evidenceHash: string }
  | { type: 'ApproveCompletion'; job: string; worker: string }
  | { type: 'RejectCompletion'; job: string; worker: string; reason: number }
  | { type: 'CancelJob'; job: string }
  | { type: 'Pay'; merchant: string; amount: number; request?: string }
  | { type: 'Refund'; payer: string; payment: string; amount: number }
  | { type: 'Redeem'; amount: number }
  | { type: 'SettleRedemption'; merchant: string; redemption: string; bankReference: string }
  | { type: 'AdmitMerchant'; merchant: string; neighbourhood: string }
  | { type: 'SuspendMerchant'; merchant: string }
  | { type: 'RotateKey'; account: string; /** the new key as an account-style id (hm1…) */ newKey: string }
  | { type: 'FreezeAccount'; account: string; frozen: boolean }
  | { type: 'SetSpendingLimit'; account: string; dailyLimit: number }
  | { type: 'FundCampaign'; campaign: string; amount: number }
  | { type: 'RedeemReward'; campaign: string; /** 32 bytes, hex */ serial: string; /** hex */ signature: string }
  | { type: 'CloseCampaign'; campaign: string };

export const createPhrase = (): string => core.newPhrase();
export const phraseValid = (phrase: string): boolean => core.isValidPhrase(normalise(phrase));
export const walletFromPhrase = (phrase: string): Wallet => core.walletFromPhrase(normalise(phrase));
export const phraseWords = (phrase: string): string[] => normalise(phrase).split(' ');

function normalise(phrase: string): string {
  return phrase.trim().toLowerCase().split(/\s+/).join(' ');
}

/** A wallet with a fresh random key and no words (a munt card's). */
export function randomWallet(): Wallet {
  return core.walletFromPhrase(core.newPhrase());
}

/** Why this PIN cannot be used, or null. */
export function checkPin(pin: string): string | null {
  if (!/^\d{5,8}$/.test(pin)) return T('pinDigits');
  if (/^(\d)\1+$/.test(pin) || '0123456789'.includes(pin) || '9876543210'.includes(pin)) return T('pinWeak');
  return null;
}

/** The key sealed under the PIN (Argon2id + AEAD): the text stored on the device or printed on a munt card. */
export const seal = (wallet: Wallet, pin: string): Promise<string> => core.sealSecretAsync(wallet.secret, wallet.account, pin);

/** Opens a sealed key; throws WrongPin when the PIN is not the one it was sealed with. */
export async function unseal(sealed: string, pin: string): Promise<Wallet> {
  const opened = await core.openSecretAsync(sealed.trim(), pin);
  return core.walletFromSecret(core.toHex(opened.secret), opened.account);
}

/** The account `account` with the key of `fresh` (after two officers rotated the account to that key). */
export const walletWithKeyOf = (fresh: Wallet, account: string): Wallet => core.walletFromSecret(core.toHex(fresh.secret), account);

/** The account a sealed key belongs to (readable without the PIN). */
export const sealedAccount = (sealed: string): string => core.cardAccount(sealed);

export const newCommandId = (): string => core.newCommandId();

/** The chain's field rules (chain-format.md), checked before signing so the form can say what is wrong. */
export const isSlug = (text: string): boolean => core.isSlug(text);
export const isAccount = (text: string): boolean => core.isAccount(text.trim());
export const isBankReference = (text: string): boolean => core.isBankReference(text);

export function signCommand(
  header: { chainId: string; commandId: string; actor: string; expiresAtMs: number; body: Body },
  actor: Wallet,
  cosigner?: Wallet,
): string {
  const command = { ...header.body, chainId: header.chainId, commandId: header.commandId, actor: header.actor, expiresAtMs: header.expiresAtMs } as core.Command;
  return core.toBase64(core.signCommand(command, actor, cosigner));
}

export function sessionToken(wallet: Wallet, chainId: string, fromMs: number, untilMs: number): string {
  return core.makeSession(wallet, chainId, fromMs, untilMs - fromMs);
}

export const newJobId = (): string => core.newCommandId();

/** Checks a receipt against the chain: the entry is in a checkpoint signed by the operator key this device trusts. */
export async function checkReceipt(height: number, entryHash: string, operatorKey: string): Promise<{ kind: 'included'; checkpoint: number } | { kind: 'not_yet' } | { kind: 'bad' }> {
  let proof: core.InclusionProofJson;
  try {
    proof = await api.get<core.InclusionProofJson>(`/v1/proofs/inclusion/${height}`);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { kind: 'not_yet' };
    if (e instanceof ApiError && e.reason === 'failed_precondition') return { kind: 'not_yet' };
    throw e;
  }
  return core.verifyInclusion(proof, entryHash, operatorKey) ? { kind: 'included', checkpoint: Number(proof.checkpoint?.number ?? 0) } : { kind: 'bad' };
}

/** The checkpoint's block is signed by the operator key and says what the message says. */
export const checkCheckpoint = (checkpoint: core.CheckpointJson, operatorKey: string): boolean => core.verifyCheckpoint(checkpoint, operatorKey);

/** The latest checkpoint extends the one of `oldSize` entries with root `oldRoot` seen before. */
export async function checkConsistency(oldSize: number, oldRoot: string, newSize: number, operatorKey: string): Promise<boolean> {
  const proof = await api.get<core.ConsistencyProofJson>(`/v1/proofs/consistency?oldSize=${oldSize}&newSize=${newSize}`);
  return proof.oldCheckpoint?.rootHash === oldRoot && core.verifyConsistency(proof, operatorKey);
}

// Reward tokens (participation campaigns): RFC 9474 blind signatures; the serial and the blinding's inverse stay here.
// The RSA code is loaded only with the reward screen (loadRewardKit): most visits to any app never need it.

export type PendingReward = core.PendingReward;
export type CampaignKey = core.RsaPublicKey;

export interface RewardKit {
  /** The desk's answer does not make a valid token with this pending one (another key, or a damaged or partial answer). */
  InvalidBlindSignature: typeof core.InvalidBlindSignature;
  /** A campaign key from the API (`public_key`, base64); throws if the ledger would refuse it. */
  campaignKey(base64: string): CampaignKey;
  /** A fresh serial and blinding for one token of `campaign` that pays `wallet`'s account. */
  requestReward(chainId: string, campaign: string, wallet: Wallet, key: CampaignKey): PendingReward;
  /** Unblinds and checks the desk's answer (base64, white space ignored); throws InvalidBlindSignature if it is not a good one. */
  finishReward(pending: PendingReward, answer: string): PendingReward;
  /** The pending token sealed under a key derived from the wallet's secret key, for IndexedDB. */
  sealReward(pending: PendingReward, wallet: Wallet): string;
  /** Opens sealReward's text with the same wallet; throws if it was sealed under another key. */
  openReward(sealed: string, wallet: Wallet): PendingReward;
}

export async function loadRewardKit(): Promise<RewardKit> {
  const [rsa, reward] = await Promise.all([import('../core/blindrsa'), import('../core/reward')]);
  return {
    InvalidBlindSignature: rsa.InvalidBlindSignature,
    campaignKey: (base64) => rsa.decodeRsaPublicKey(core.fromBase64(base64)),
    requestReward: (chainId, campaign, wallet, key) => reward.requestReward(chainId, campaign, wallet.account, key),
    finishReward(pending, answer) {
      let bytes: Uint8Array;
      try {
        bytes = core.fromBase64(answer.replace(/\s+/g, ''));
      } catch {
        throw new rsa.InvalidBlindSignature('the answer is not base64');
      }
      return reward.finishReward(pending, bytes);
    },
    sealReward: (pending, wallet) => reward.sealPendingReward(pending, wallet.secret),
    openReward: (sealed, wallet) => reward.openPendingReward(sealed, wallet.secret),
  };
}

/** What the desk needs: the blinded message, base64. */
/**
 * The code the desk reads: base64 of the blinded message and the first 4 bytes of its SHA-256 (C# RewardTokens.DeskCode),
 * so a misread code is refused before it is signed and counted as the person's token.
 */
export const blindedMessageText = (pending: PendingReward): string => {
  const check = core.sha256(pending.blindedMessage).subarray(0, 4);
  const code = new Uint8Array(pending.blindedMessage.length + 4);
  code.set(pending.blindedMessage);
  code.set(check, pending.blindedMessage.length);
  return core.toBase64(code);
};

/** The RedeemReward body of a finished token. */
export function redeemBody(pending: PendingReward): Body {
  if (!pending.signature) throw new Error('the token is not finished: the desk has not answered yet');
  return { type: 'RedeemReward', campaign: pending.campaign, serial: core.toHex(pending.serial), signature: core.toHex(pending.signature) };
}

/** A random local id (hex), e.g. for a stored pending token. */
export const randomId = (): string => core.toHex(core.randomBytes(16));
