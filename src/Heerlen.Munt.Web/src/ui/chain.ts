// What every app needs to know about the chain: its id (commands name it), the server's clock (commands expire by
// it) and the operator's checkpoint key, remembered the first time it is seen (trust on first use) so that a server
// that later presents another key is noticed.
import { api } from './api';

export interface ChainInfoJson {
  chainId: string;
  height?: string;
  established?: boolean;
  issuer?: string;
  operatorKey: string;
  mintCosignThresholdCents?: string;
  serverTimeMs?: string;
  broken?: string;
  latestCheckpoint?: CheckpointJson;
}

export interface CheckpointJson {
  number?: string;
  treeSize?: string;
  firstHeight?: string;
  rootHash?: string;
  previousBlockHash?: string;
  sealedAtMs?: string;
  signature?: string;
  blockHash?: string;
  note?: string;
  encoded?: string;
}

export interface Chain {
  info: ChainInfoJson;
  /** Server time minus this device's time, in ms. */
  skewMs: number;
  /** The operator key this device first saw for this chain; differs from info.operatorKey only if the server changed it. */
  pinnedOperatorKey: string;
}

let cached: Promise<Chain> | null = null;

async function load(): Promise<Chain> {
  const before = Date.now();
  const info = await api.get<ChainInfoJson>('/v1/chain');
  const after = Date.now();
  const skewMs = Number(info.serverTimeMs ?? after) - Math.round((before + after) / 2);
  const slot = `hm.operatorKey.${info.chainId}`;
  let pinned = '';
  try {
    pinned = localStorage.getItem(slot) ?? '';
    if (!pinned && info.operatorKey) {
      localStorage.setItem(slot, info.operatorKey);
      pinned = info.operatorKey;
    }
  } catch {
    pinned = info.operatorKey;
  }
  return { info, skewMs, pinnedOperatorKey: pinned || info.operatorKey };
}

/** The chain's id, clock and operator key (fetched once per page load). */
export function chain(): Promise<Chain> {
  cached ??= load().catch((e) => {
    cached = null;
    throw e;
  });
  return cached;
}

/** Fresh chain info (height, latest checkpoint). */
export async function refreshChain(): Promise<Chain> {
  cached = null;
  return chain();
}

/** Now by the server's clock. */
export async function serverNow(): Promise<number> {
  return Date.now() + (await chain()).skewMs;
}
