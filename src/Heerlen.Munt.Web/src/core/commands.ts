// Commands and signed envelopes, byte for byte as docs/chain-format.md ("Command", "Signed command") and the C#
// CommandCodec/SignedCommand. Amounts are integer cents, times unix milliseconds (both JS numbers, checked to be safe
// integers), ids (u128) 32 lower-case hex digits, accounts and keys hm1… text.

import { schnorr } from '@noble/curves/secp256k1.js';
import { accountFromKey, keyFromAccount } from './account.js';
import { equalBytes, fromHex, randomBytes, Reader, toHex, Writer } from './bytes.js';
import { taggedHash, Tags } from './hash.js';
import type { Wallet } from './wallet.js';

/** Format version written first in every command. */
export const COMMAND_VERSION = 1;

/** Largest envelope the ledger accepts. */
export const ENVELOPE_BYTES_MAX = 1024;

/** Command type bytes (docs/chain-format.md). SetSpendingLimit (20) is new: cents per day, 0 = no limit; officers only. */
export const CommandTypes = {
  EstablishChain: 1,
  OpenAccount: 2,
  GrantRole: 3,
  RevokeRole: 4,
  MintBudget: 5,
  PublishJob: 6,
  Enrol: 7,
  SubmitCompletion: 8,
  ApproveCompletion: 9,
  RejectCompletion: 10,
  CancelJob: 11,
  Pay: 12,
  Refund: 13,
  Redeem: 14,
  SettleRedemption: 15,
  AdmitMerchant: 16,
  SuspendMerchant: 17,
  RotateKey: 18,
  FreezeAccount: 19,
  SetSpendingLimit: 20,
  OpenCampaign: 21,
  FundCampaign: 22,
  RedeemReward: 23,
  CloseCampaign: 24,
} as const;

/** Who a participation campaign is for (OpenCampaign). City has no area; district and neighbourhood name one (a slug). */
export const CampaignScopes = { City: 1, District: 2, Neighbourhood: 3 } as const;
export type CampaignScope = (typeof CampaignScopes)[keyof typeof CampaignScopes];

/** Longest campaign key field (a 4096-bit RSA modulus and its exponent with length prefixes) and reward signature. */
export const CAMPAIGN_KEY_BYTES_MAX = 2 + 512 + 2 + 8;
export const REWARD_SIGNATURE_BYTES_MAX = 512;

export type CommandTypeName = keyof typeof CommandTypes;

/** Roles: exactly one per grant. */
export const Roles = { Issuer: 1, Officer: 2, Merchant: 4, Resident: 8, Module: 16, Auditor: 32 } as const;
export type Role = (typeof Roles)[keyof typeof Roles];

/** Why an officer rejects a completion. */
export const CompletionRejectionReasons = { EvidenceUnclear: 1, WorkNotDone: 2, WrongLocation: 3, QualityInsufficient: 4, Unsafe: 5 } as const;
export type CompletionRejectionReason = (typeof CompletionRejectionReasons)[keyof typeof CompletionRejectionReasons];

/** The fields every command starts with. */
export interface CommandHeader {
  /** The chain it is for: 1-64 of a-z 0-9 - . / */
  chainId: string;
  /** u128 as 32 lower-case hex digits, chosen by the client, unique per actor ({@link newCommandId}). */
  commandId: string;
  /** The acting account (hm1…); signs first. */
  actor: string;
  /** Refused if the sequencer's time is later (unix ms). */
  expiresAtMs: number;
}

type C<T extends CommandTypeName, Body = object> = CommandHeader & { type: T } & Body;

export type Command =
  | C<'EstablishChain', { operatorKey: string; mintCosignThreshold: number }>
  | C<'OpenAccount'>
  | C<'GrantRole', { account: string; role: Role }>
  | C<'RevokeRole', { account: string; role: Role }>
  | C<'MintBudget', { budget: string; amount: number }>
  | C<'PublishJob', { job: string; budget: string; category: string; neighbourhood: string; reward: number; slots: number; deadlineMs: number }>
  | C<'Enrol', { job: string }>
  | C<'SubmitCompletion', { job: string; evidenceHash: string }>
  | C<'ApproveCompletion', { job: string; worker: string }>
  | C<'RejectCompletion', { job: string; worker: string; reason: CompletionRejectionReason }>
  | C<'CancelJob', { job: string }>
  | C<'Pay', { merchant: string; amount: number; request?: string | null }>
  | C<'Refund', { payer: string; payment: string; amount: number }>
  | C<'Redeem', { amount: number }>
  | C<'SettleRedemption', { merchant: string; redemption: string; bankReference: string }>
  | C<'AdmitMerchant', { merchant: string; neighbourhood: string }>
  | C<'SuspendMerchant', { merchant: string }>
  | C<'RotateKey', { account: string; newKey: string }>
  | C<'FreezeAccount', { account: string; frozen: boolean }>
  | C<'SetSpendingLimit', { account: string; dailyLimit: number }>
  // Participation (docs/participation.md). Byte fields are lower-case hex. A sensitive campaign has no name (null).
  | C<'OpenCampaign', {
    campaign: string; budget: string; reward: number; opensAtMs: number; closesAtMs: number; scope: CampaignScope; area: string | null;
    perPersonCap: number; sensitive: boolean; name: string | null; key: string;
  }>
  | C<'FundCampaign', { campaign: string; amount: number }>
  | C<'RedeemReward', { campaign: string; serial: string; signature: string }>
  | C<'CloseCampaign', { campaign: string }>;

const typeNames = new Map<number, CommandTypeName>(Object.entries(CommandTypes).map(([k, v]) => [v, k as CommandTypeName]));

// Field rules (docs/chain-format.md, "Text rules"; C# FieldRules).
const CHAIN_ID = /^[a-z0-9\-./]{1,64}$/;
const SLUG = /^[a-z0-9][a-z0-9-]{0,31}$/;
const BANK_REFERENCE = /^[\x20-\x7e]{1,35}$/;

export function isChainId(s: string): boolean {
  return CHAIN_ID.test(s);
}

export function isSlug(s: string): boolean {
  return SLUG.test(s);
}

export function isBankReference(s: string): boolean {
  return BANK_REFERENCE.test(s) && s.trim() === s;
}

/** A fresh random command id (u128, 32 hex digits). */
export function newCommandId(): string {
  return toHex(randomBytes(16));
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

function u128(w: Writer, hex: string, what: string): void {
  if (typeof hex !== 'string' || !/^[0-9a-f]{32}$/.test(hex)) throw new Error(`${what} must be 32 lower-case hex digits (u128)`);
  w.fixed(fromHex(hex));
}

function account(w: Writer, id: string, what: string): void {
  try {
    w.fixed(keyFromAccount(id));
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

function amount(w: Writer, cents: number, what: string): void {
  if (!Number.isSafeInteger(cents)) throw new Error(`${what} must be a whole number of cents (a safe integer), got ${cents}`);
  w.i64(cents);
}

function time(w: Writer, ms: number, what: string): void {
  if (!Number.isSafeInteger(ms)) throw new Error(`${what} must be unix milliseconds (a safe integer), got ${ms}`);
  w.i64(ms);
}

function slug(w: Writer, s: string, what: string): void {
  if (typeof s !== 'string' || !isSlug(s)) throw new Error(`${what} '${s}' is not a slug (a-z, 0-9, '-', 1-32, starting with a letter or digit)`);
  w.text(s);
}

function role(w: Writer, r: number): void {
  if (!Object.values(Roles).includes(r as Role)) throw new Error(`role ${r} is not one role (1, 2, 4, 8, 16 or 32)`);
  w.u8(r);
}

function writeOpenCampaign(w: Writer, c: Extract<Command, { type: 'OpenCampaign' }>): void {
  u128(w, c.campaign, 'campaign');
  slug(w, c.budget, 'budget');
  amount(w, c.reward, 'reward');
  time(w, c.opensAtMs, 'opensAtMs');
  time(w, c.closesAtMs, 'closesAtMs');
  if (!Object.values(CampaignScopes).includes(c.scope)) throw new Error(`campaign scope ${c.scope} is unknown`);
  w.u8(c.scope);
  if (c.scope === CampaignScopes.City) {
    if (c.area !== null) throw new Error('a city-wide campaign has no area');
  } else slug(w, c.area ?? '', 'area');
  w.u16(c.perPersonCap);
  w.bool(c.sensitive);
  // A sensitive campaign has no name field at all.
  if (c.sensitive) {
    if (c.name !== null) throw new Error('a sensitive campaign has no name on the chain');
  } else slug(w, c.name ?? '', 'name');
  const key = fromHex(c.key);
  if (key.length === 0 || key.length > CAMPAIGN_KEY_BYTES_MAX) throw new Error(`a campaign key is 1-${CAMPAIGN_KEY_BYTES_MAX} bytes`);
  w.bytes16(key);
}

/** The canonical bytes of a command. Throws an Error naming the field that breaks its rule. */
export function encodeCommand(cmd: Command): Uint8Array {
  const w = new Writer();
  if (typeof cmd.chainId !== 'string' || !isChainId(cmd.chainId)) throw new Error(`chain id '${cmd.chainId}' breaks the chain id rule (1-64 of a-z 0-9 - . /)`);
  const type = CommandTypes[cmd.type];
  if (type === undefined) throw new Error(`unknown command type '${String((cmd as { type: unknown }).type)}'`);
  w.u8(COMMAND_VERSION).text(cmd.chainId).u8(type);
  u128(w, cmd.commandId, 'commandId');
  account(w, cmd.actor, 'actor');
  time(w, cmd.expiresAtMs, 'expiresAtMs');
  writeBody(w, cmd);
  return w.toBytes();
}

function writeBody(w: Writer, c: Command): void {
  switch (c.type) {
    case 'EstablishChain': account(w, c.operatorKey, 'operatorKey'); amount(w, c.mintCosignThreshold, 'mintCosignThreshold'); break;
    case 'OpenAccount': break;
    case 'GrantRole':
    case 'RevokeRole': account(w, c.account, 'account'); role(w, c.role); break;
    case 'MintBudget': slug(w, c.budget, 'budget'); amount(w, c.amount, 'amount'); break;
    case 'PublishJob':
      u128(w, c.job, 'job'); slug(w, c.budget, 'budget'); slug(w, c.category, 'category'); slug(w, c.neighbourhood, 'neighbourhood');
      amount(w, c.reward, 'reward'); w.u16(c.slots); time(w, c.deadlineMs, 'deadlineMs');
      break;
    case 'Enrol':
    case 'CancelJob': u128(w, c.job, 'job'); break;
    case 'SubmitCompletion': u128(w, c.job, 'job'); w.fixed(fromHex(c.evidenceHash, 32)); break;
    case 'ApproveCompletion': u128(w, c.job, 'job'); account(w, c.worker, 'worker'); break;
    case 'RejectCompletion':
      u128(w, c.job, 'job'); account(w, c.worker, 'worker');
      if (!Object.values(CompletionRejectionReasons).includes(c.reason)) throw new Error(`rejection reason ${c.reason} is unknown (1-5)`);
      w.u8(c.reason);
      break;
    case 'Pay':
      account(w, c.merchant, 'merchant'); amount(w, c.amount, 'amount');
      w.bool(c.request != null);
      if (c.request != null) u128(w, c.request, 'request');
      break;
    case 'Refund': account(w, c.payer, 'payer'); u128(w, c.payment, 'payment'); amount(w, c.amount, 'amount'); break;
    case 'Redeem': amount(w, c.amount, 'amount'); break;
    case 'SettleRedemption':
      account(w, c.merchant, 'merchant'); u128(w, c.redemption, 'redemption');
      if (!isBankReference(c.bankReference)) throw new Error(`bank reference '${c.bankReference}' breaks its rule (1-35 printable ASCII, no outer spaces)`);
      w.text(c.bankReference);
      break;
    case 'AdmitMerchant': account(w, c.merchant, 'merchant'); slug(w, c.neighbourhood, 'neighbourhood'); break;
    case 'SuspendMerchant': account(w, c.merchant, 'merchant'); break;
    case 'RotateKey': account(w, c.account, 'account'); account(w, c.newKey, 'newKey'); break;
    case 'FreezeAccount': account(w, c.account, 'account'); w.bool(c.frozen); break;
    case 'SetSpendingLimit': account(w, c.account, 'account'); amount(w, c.dailyLimit, 'dailyLimit'); break;
    case 'OpenCampaign': writeOpenCampaign(w, c); break;
    case 'FundCampaign': u128(w, c.campaign, 'campaign'); amount(w, c.amount, 'amount'); break;
    case 'RedeemReward': {
      u128(w, c.campaign, 'campaign');
      w.fixed(fromHex(c.serial, 32));
      const signature = fromHex(c.signature);
      if (signature.length === 0 || signature.length > REWARD_SIGNATURE_BYTES_MAX) throw new Error(`a reward signature is 1-${REWARD_SIGNATURE_BYTES_MAX} bytes`);
      w.bytes16(signature);
      break;
    }
    case 'CloseCampaign': u128(w, c.campaign, 'campaign'); break;
    default: {
      const never: never = c;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

function readSlug(r: Reader, what: string): string {
  const s = r.text();
  if (!isSlug(s)) throw new Error(`${what} breaks the slug rule`);
  return s;
}

const readAccount = (r: Reader): string => accountFromKey(r.fixed(32));
const readU128 = (r: Reader): string => toHex(r.fixed(16));

/** Reads one command from the reader (the envelope's first part). */
function readCommand(r: Reader): Command {
  const version = r.u8();
  if (version !== COMMAND_VERSION) throw new Error(`command version ${version} is not supported (this library reads ${COMMAND_VERSION})`);
  const chainId = r.text();
  if (!isChainId(chainId)) throw new Error('chain id breaks the chain id rule');
  const typeByte = r.u8();
  const header: CommandHeader = { chainId, commandId: readU128(r), actor: readAccount(r), expiresAtMs: r.i64Number() };
  const type = typeNames.get(typeByte);
  if (type === undefined) throw new Error(`command type ${typeByte} is unknown`);
  return { ...header, ...readBody(r, type) } as Command;
}

function readRole(r: Reader): Role {
  const b = r.u8();
  if (!Object.values(Roles).includes(b as Role)) throw new Error(`role byte ${b} is not one role`);
  return b as Role;
}

function readBody(r: Reader, type: CommandTypeName): Record<string, unknown> {
  switch (type) {
    case 'EstablishChain': return { type, operatorKey: readAccount(r), mintCosignThreshold: r.i64Number() };
    case 'OpenAccount': return { type };
    case 'GrantRole':
    case 'RevokeRole': return { type, account: readAccount(r), role: readRole(r) };
    case 'MintBudget': return { type, budget: readSlug(r, 'budget'), amount: r.i64Number() };
    case 'PublishJob': return {
      type, job: readU128(r), budget: readSlug(r, 'budget'), category: readSlug(r, 'category'), neighbourhood: readSlug(r, 'neighbourhood'),
      reward: r.i64Number(), slots: r.u16(), deadlineMs: r.i64Number(),
    };
    case 'Enrol':
    case 'CancelJob': return { type, job: readU128(r) };
    case 'SubmitCompletion': return { type, job: readU128(r), evidenceHash: toHex(r.fixed(32)) };
    case 'ApproveCompletion': return { type, job: readU128(r), worker: readAccount(r) };
    case 'RejectCompletion': {
      const job = readU128(r), worker = readAccount(r), reason = r.u8();
      if (reason < 1 || reason > 5) throw new Error(`rejection reason ${reason} is unknown`);
      return { type, job, worker, reason };
    }
    case 'Pay': {
      const merchant = readAccount(r), amount = r.i64Number();
      return { type, merchant, amount, request: r.bool() ? readU128(r) : null };
    }
    case 'Refund': return { type, payer: readAccount(r), payment: readU128(r), amount: r.i64Number() };
    case 'Redeem': return { type, amount: r.i64Number() };
    case 'SettleRedemption': {
      const merchant = readAccount(r), redemption = readU128(r), bankReference = r.text();
      if (!isBankReference(bankReference)) throw new Error('bank reference breaks its rule');
      return { type, merchant, redemption, bankReference };
    }
    case 'AdmitMerchant': return { type, merchant: readAccount(r), neighbourhood: readSlug(r, 'neighbourhood') };
    case 'SuspendMerchant': return { type, merchant: readAccount(r) };
    case 'RotateKey': return { type, account: readAccount(r), newKey: readAccount(r) };
    case 'FreezeAccount': return { type, account: readAccount(r), frozen: r.bool() };
    case 'SetSpendingLimit': return { type, account: readAccount(r), dailyLimit: r.i64Number() };
    case 'OpenCampaign': {
      const campaign = readU128(r), budget = readSlug(r, 'budget'), reward = r.i64Number(), opensAtMs = r.i64Number(), closesAtMs = r.i64Number();
      const scope = r.u8();
      if (!Object.values(CampaignScopes).includes(scope as CampaignScope)) throw new Error(`campaign scope ${scope} is unknown`);
      const area = scope === CampaignScopes.City ? null : readSlug(r, 'area');
      const perPersonCap = r.u16(), sensitive = r.bool();
      const name = sensitive ? null : readSlug(r, 'name');
      const key = r.bytes16();
      if (key.length === 0 || key.length > CAMPAIGN_KEY_BYTES_MAX) throw new Error(`a campaign key is 1-${CAMPAIGN_KEY_BYTES_MAX} bytes`);
      return { type, campaign, budget, reward, opensAtMs, closesAtMs, scope, area, perPersonCap, sensitive, name, key: toHex(key) };
    }
    case 'FundCampaign': return { type, campaign: readU128(r), amount: r.i64Number() };
    case 'RedeemReward': {
      const campaign = readU128(r), serial = toHex(r.fixed(32)), signature = r.bytes16();
      if (signature.length === 0 || signature.length > REWARD_SIGNATURE_BYTES_MAX) throw new Error(`a reward signature is 1-${REWARD_SIGNATURE_BYTES_MAX} bytes`);
      return { type, campaign, serial, signature: toHex(signature) };
    }
    case 'CloseCampaign': return { type, campaign: readU128(r) };
  }
}

/** Decodes command bytes (no signatures); throws an Error on bad or trailing bytes. */
export function decodeCommand(bytes: Uint8Array): Command {
  const r = new Reader(bytes);
  const command = readCommand(r);
  r.end();
  return command;
}

/** What every signer signs: TaggedHash("heerlen-munt/v1/command", command bytes). */
export function commandDigest(commandBytes: Uint8Array): Uint8Array {
  return taggedHash(Tags.command, commandBytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Envelopes

/** One signature of an envelope: the signer's account, the key that signed (its current one) and the signature. */
export interface EnvelopeSignature {
  signer: string;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

export interface Envelope {
  command: Command;
  /** The command's bytes exactly as in the envelope. */
  commandBytes: Uint8Array;
  digest: Uint8Array;
  signatures: EnvelopeSignature[];
}

/**
 * Signs a command: the actor's wallet first, then an optional co-signer (MintBudget above the threshold, RotateKey by
 * two officers). The actor wallet's account must be the command's actor. `auxRand` (32 bytes) is for reproducing test
 * vectors only; by default BIP340's auxiliary randomness is fresh.
 */
export function signCommand(cmd: Command, actorWallet: Wallet, cosignerWallet?: Wallet, auxRand?: Uint8Array): Uint8Array {
  if (actorWallet.account !== cmd.actor) throw new Error(`the actor is ${cmd.actor}, but the wallet is ${actorWallet.account}`);
  if (cosignerWallet !== undefined && cosignerWallet.account === actorWallet.account) throw new Error('the co-signer must be another account');
  const commandBytes = encodeCommand(cmd);
  const digest = commandDigest(commandBytes);
  const w = new Writer().fixed(commandBytes);
  const signers = cosignerWallet === undefined ? [actorWallet] : [actorWallet, cosignerWallet];
  w.u8(signers.length);
  for (const s of signers) {
    const signature = schnorr.sign(digest, s.secret, auxRand ?? randomBytes(32));
    w.fixed(keyFromAccount(s.account)).fixed(s.publicKey, 32).fixed(signature, 64);
  }
  const envelope = w.toBytes();
  if (envelope.length > ENVELOPE_BYTES_MAX) throw new Error(`the envelope is ${envelope.length} bytes; at most ${ENVELOPE_BYTES_MAX}`);
  return envelope;
}

/** Decodes an envelope (command, one or two signatures, nothing after). Does not check the signatures: {@link envelopeIsSigned}. */
export function decodeEnvelope(envelope: Uint8Array, expectedChainId?: string): Envelope {
  if (envelope.length === 0) throw new Error('empty envelope');
  if (envelope.length > ENVELOPE_BYTES_MAX) throw new Error(`${envelope.length} bytes, at most ${ENVELOPE_BYTES_MAX}`);
  const r = new Reader(envelope);
  const command = readCommand(r);
  const commandBytes = envelope.slice(0, r.position);
  const count = r.u8();
  if (count < 1 || count > 2) throw new Error(`${count} signatures; one or two are allowed`);
  const signatures: EnvelopeSignature[] = [];
  for (let i = 0; i < count; i++) signatures.push({ signer: accountFromKey(r.fixed(32)), publicKey: r.fixed(32), signature: r.fixed(64) });
  r.end();
  if (expectedChainId !== undefined && command.chainId !== expectedChainId) {
    throw new Error(`the command is for chain '${command.chainId}', this is '${expectedChainId}'`);
  }
  return { command, commandBytes, digest: commandDigest(commandBytes), signatures };
}

/** True if every signature is a valid BIP340 signature of the digest by its public key, and the first signer is the actor. */
export function envelopeIsSigned(envelope: Envelope): boolean {
  if (envelope.signatures[0]?.signer !== envelope.command.actor) return false;
  return envelope.signatures.every((s) => verifySchnorr(s.signature, envelope.digest, s.publicKey));
}

/** BIP340 verification that never throws: bad lengths or keys off the curve give false. */
export function verifySchnorr(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || message.length !== 32 || publicKey.length !== 32) return false;
  try {
    return schnorr.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** True if both commands encode to the same bytes. */
export function sameCommand(a: Command, b: Command): boolean {
  return equalBytes(encodeCommand(a), encodeCommand(b));
}
