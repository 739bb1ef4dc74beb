// Handing a finished reward token in (RedeemReward), from the reward screen ("Toch nu inleveren") and by itself once its
// random moment has come (main.tsx; src/core/reward-due.ts says why it waits). One module for both, so the same token
// is never sent twice at once and a retry after a lost answer sends exactly the same signed bytes.
import { type Actor, type Prepared, Rejected, submitEnvelope } from '../../ui/actor';
import { api } from '../../ui/api';
import { refreshChain } from '../../ui/chain';
import { type StoredReward, deleteReward, listRewards } from '../../ui/keystore';
import { int } from '../../ui/money';
import type { CampaignJson } from '../../ui/types';
import { type PendingReward, type RewardKit, redeemBody } from '../../ui/wallet';
import { dueNow } from '../../core/reward-due';

/** Rejections after which the token can never pay: it is dropped from the phone. The others (money ran out, not open yet) keep it. */
export const FINAL = new Set(['reward_already_redeemed', 'reward_token_invalid', 'reward_cap_reached', 'campaign_closed', 'campaign_not_found']);

export type Outcome =
  | { kind: 'paid'; amount: number }
  /** Refused for now (e.g. campaign_budget_exhausted): the token stays on the phone. */
  | { kind: 'kept'; message: string }
  /** Refused for good: the token is gone from the phone. */
  | { kind: 'dropped'; message: string };

// Signed RedeemReward commands whose outcome is unknown, by stored id: a new command id after a lost answer could be
// refused as reward_already_redeemed although the first one paid.
const prepared = new Map<string, Prepared>();
const running = new Set<string>();

export class AlreadyRunning extends Error {}

/**
 * Hands one finished token in with the unlocked wallet. Resolves with what the ledger decided; throws on a network
 * failure (the token stays, and the next attempt sends the same bytes) or AlreadyRunning.
 */
export async function handIn(actor: Actor, stored: StoredReward, pending: PendingReward, amount: number): Promise<Outcome> {
  if (running.has(stored.id)) throw new AlreadyRunning();
  running.add(stored.id);
  try {
    let command = prepared.get(stored.id);
    if (!command) {
      command = await actor.prepare(redeemBody(pending));
      prepared.set(stored.id, command);
    }
    try {
      await submitEnvelope(command.envelope, command.commandId);
    } catch (x) {
      if (!(x instanceof Rejected)) throw x;
      prepared.delete(stored.id); // decided on the chain: a new attempt is a new command
      if (FINAL.has(x.code)) {
        await deleteReward(stored.id).catch(() => {});
        return { kind: 'dropped', message: x.message };
      }
      return { kind: 'kept', message: x.message };
    }
    prepared.delete(stored.id);
    await deleteReward(stored.id);
    return { kind: 'paid', amount };
  } finally {
    running.delete(stored.id);
  }
}

/**
 * Hands in every token of this account whose moment has come, except those in `skip` (refused for now earlier in this
 * session: tried again at the next unlock, not every minute). Returns what happened to each; a token that could not be
 * sent (no network) is left for the next check without a word.
 */
export async function handInDue(actor: Actor, kit: RewardKit, skip: Set<string>, nowMs = Date.now()): Promise<Outcome[]> {
  const due = dueNow(await listRewards(actor.account), nowMs).filter((s) => !skip.has(s.id));
  if (due.length === 0) return [];
  // The page may have been open (or asleep) for days: take the server's clock afresh before signing.
  await refreshChain();
  const outcomes: Outcome[] = [];
  for (const stored of due) {
    let pending: PendingReward;
    try {
      pending = kit.openReward(stored.sealed, actor.wallet);
    } catch {
      continue; // sealed under a key this account no longer has: it cannot be handed in from here
    }
    if (!pending.signature) continue;
    try {
      const campaign = await api.get<CampaignJson>(`/v1/campaigns/${pending.campaign}`).catch(() => null);
      const outcome = await handIn(actor, stored, pending, campaign ? int(campaign.rewardCents) : 0);
      if (outcome.kind === 'kept') skip.add(stored.id);
      outcomes.push(outcome);
    } catch {
      // Not sent or no answer: the token stays, and the next check tries again with the same bytes.
    }
  }
  return outcomes;
}

/** Sent when tokens were handed in or dropped, so an open reward screen lists what is left. */
export const REWARDS_CHANGED = 'hm-rewards-changed';
