// A person acting: their unlocked wallet signs commands and sessions in this browser; only signatures leave it.
import { ApiError, api } from './api';
import { chain, serverNow } from './chain';
import { dict } from './i18n';
import { type Body, type Wallet, newCommandId, sessionToken, signCommand } from './wallet';

const T = dict(
  { unknown: 'Het is niet zeker of dit gelukt is. Probeer het opnieuw: het gebeurt nooit twee keer.' },
  { unknown: 'It is not certain that this worked. Try again: it never happens twice.' },
);

export interface SubmitJson {
  height?: string;
  entryHash?: string;
  outcome?: { code?: string; message?: string };
  applied?: boolean;
  retry?: boolean;
}

/** The ledger said no and recorded why (a rejection on the chain): `code` is stable, `message` in words. */
export class Rejected extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly height: number,
  ) {
    super(message);
  }
}

/** A signed command not yet known to be stored. */
export interface Prepared {
  envelope: string;
  commandId: string;
}

export interface Done {
  height: number;
  entryHash: string;
  commandId: string;
}

export class Actor {
  private session: { token: string; until: number } | null = null;

  constructor(readonly wallet: Wallet) {}

  get account(): string {
    return this.wallet.account;
  }

  /** A session for reading this account's own data; made here, renewed a few minutes before it ends. */
  async token(): Promise<string> {
    const now = await serverNow();
    if (this.session && this.session.until - 5 * 60_000 > now) return this.session.token;
    const { info } = await chain();
    const ttl = 30 * 60_000;
    const token = sessionToken(this.wallet, info.chainId, now - 60_000, now + ttl);
    this.session = { token, until: now + ttl };
    return token;
  }

  get<R>(path: string): Promise<R> {
    return this.token().then((t) => api.get<R>(path, t));
  }

  post<R>(path: string, body: unknown): Promise<R> {
    return this.token().then((t) => api.post<R>(path, body, t));
  }

  put<R>(path: string, body: unknown): Promise<R> {
    return this.token().then((t) => api.put<R>(path, body, t));
  }

  /**
   * Signs a command and submits it. A lost answer is retried with exactly the same bytes (the same command id), so a
   * payment never happens twice. Throws Rejected when the ledger recorded a no, ApiError when it refused.
   */
  async submit(body: Body, cosigner?: Wallet): Promise<Done> {
    const prepared = await this.prepare(body, cosigner);
    return submitEnvelope(prepared.envelope, prepared.commandId);
  }

  /**
   * Signs a command without sending it. Keep it while the outcome is unknown and send exactly it again
   * (submitEnvelope): a retry with a new command id could pay twice.
   */
  async prepare(body: Body, cosigner?: Wallet): Promise<Prepared> {
    const { info } = await chain();
    const commandId = newCommandId();
    const expiresAtMs = (await serverNow()) + 5 * 60_000;
    return { envelope: signCommand({ chainId: info.chainId, commandId, actor: this.account, expiresAtMs, body }, this.wallet, cosigner), commandId };
  }
}

/** Sends signed bytes; retries the same bytes on a lost connection or a busy server. */
export async function submitEnvelope(envelope: string, commandId: string): Promise<Done> {
  let last: unknown = null;
  for (let attempt = 0; attempt < 4; attempt++) {
    try {
      const r = await api.post<SubmitJson>('/v1/commands', { envelope });
      if (!r.applied)
        throw new Rejected(r.outcome?.code ?? 'rejected', r.outcome?.message ?? r.outcome?.code ?? 'rejected', Number(r.height ?? -1));
      return { height: Number(r.height ?? 0), entryHash: r.entryHash ?? '', commandId };
    } catch (e) {
      if (!(e instanceof ApiError) || !e.transient) throw e;
      last = e;
      await new Promise((resolve) => setTimeout(resolve, 400 * 2 ** attempt));
    }
  }
  throw last instanceof ApiError ? new ApiError('outcome_unknown', T('unknown')) : last;
}
