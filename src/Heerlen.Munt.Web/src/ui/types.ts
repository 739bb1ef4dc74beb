// The JSON shapes of the API (protos/heerlen/munt/v1; lowerCamelCase, int64 as strings, absent when default).
export interface JobJson {
  job: string;
  neighbourhood?: string;
  category?: string;
  rewardCents?: string;
  slots?: number;
  freeSlots?: number;
  paid?: number;
  publishedAtMs?: string;
  deadlineMs?: string;
  open?: boolean;
  budget?: string;
  publisher?: string;
  title?: string;
  description?: string;
}

export interface JobWorkJson {
  job: string;
  worker: string;
  status: 'enrolled' | 'submitted' | 'approved' | 'rejected';
  evidenceHash?: string;
  rejectionReason?: string;
  rejectionMessage?: string;
  enrolledAtMs?: string;
  submittedAtMs?: string;
  decidedAtMs?: string;
  decidedBy?: string;
  rewardCents?: string;
  neighbourhood?: string;
  category?: string;
  title?: string;
}

export interface AccountJson {
  account: string;
  currentKey?: string;
  roles?: string[];
  frozen?: boolean;
  merchantSuspended?: boolean;
  dailyLimitCents?: string;
  spentTodayCents?: string;
}

export interface BalanceJson {
  account: string;
  balanceCents?: string;
  asOfHeight?: string;
}

export interface HistoryLineJson {
  height: string;
  timestampMs?: string;
  command?: string;
  outcome?: string;
  mine?: boolean;
  amountCents?: string;
  counterparty?: string;
  job?: string;
  reference?: string;
  description?: string;
}

export interface HistoryJson {
  account: string;
  lines?: HistoryLineJson[];
  nextBeforeHeight?: string;
  asOfHeight?: string;
}

export interface PaymentRequestJson {
  id: string;
  shortCode?: string;
  qrPayload?: string;
  merchant: string;
  amountCents?: string;
  createdAtMs?: string;
  expiresAtMs?: string;
  status?: 'open' | 'paid' | 'expired';
  paidHeight?: string;
  paidBy?: string;
  chainId?: string;
  paidCommandId?: string;
}

export interface StatementJson {
  merchant: string;
  day?: string;
  payments?: number;
  receivedCents?: string;
  refundedCents?: string;
  redeemedCents?: string;
  settledCents?: string;
  balanceCents?: string;
}

export interface RedemptionJson {
  id: string;
  amountCents?: string;
  bankReference?: string;
  settled?: boolean;
}

export interface InclusionProofJson {
  height?: string;
  entryHash?: string;
  treeSize?: string;
  checkpoint?: { number?: string; treeSize?: string };
}

/** A participation campaign (GET /v1/campaigns/{campaign}). */
export interface CampaignJson {
  campaign: string;
  module?: string;
  budget?: string;
  rewardCents?: string;
  opensAtMs?: string;
  closesAtMs?: string;
  scope?: 'CAMPAIGN_SCOPE_CITY' | 'CAMPAIGN_SCOPE_DISTRICT' | 'CAMPAIGN_SCOPE_NEIGHBOURHOOD';
  area?: string;
  perPersonCap?: number;
  sensitive?: boolean;
  /** Empty for a sensitive campaign. */
  name?: string;
  /** The RSA key in the chain's encoding, base64. */
  publicKey?: string;
  /** SHA-256 of the key encoding, hex: the desk shows it. */
  keyId?: string;
  modulusBits?: number;
  fundsCents?: string;
  fundedCents?: string;
  rewardsPaid?: number;
  status?: 'CAMPAIGN_STATUS_NOT_OPEN_YET' | 'CAMPAIGN_STATUS_OPEN' | 'CAMPAIGN_STATUS_ENDED' | 'CAMPAIGN_STATUS_CLOSED';
  rewardsLeft?: string;
  openedAtMs?: string;
}
