// Keys kept on this device, in IndexedDB, each sealed under its owner's PIN (src/core/pinbox.ts).
// Nothing here is ever sent to the server; a stolen copy of the database still needs the PIN.

export interface StoredKey {
  /** `${app}:${account}` */
  id: string;
  /** Which app stored it: 'resident', 'till', 'office', 'audit'. */
  app: string;
  account: string;
  /** A name people recognise on a shared device ("Anouk", "Bakkerij Bollen"); never sent anywhere. */
  label: string;
  /** The key sealed under the PIN: an `hmc1.` text. */
  sealed: string;
  createdAtMs: number;
  /**
   * Set once the desk's answer was checked: the random moment from which the app hands the token in by itself
   * (src/core/reward-due.ts). Not sealed, so the app can tell without the RSA code whether anything is due; it says no
   * more about the visit to the desk than createdAtMs already does.
   */
  dueAtMs?: number;
}

/** A database with one object store (key path `id`) and one index; made on first use. */
interface Place {
  db: string;
  store: string;
  index: string;
}

const KEYS: Place = { db: 'heerlen-munt', store: 'keys', index: 'app' };

function open(place: Place): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(place.db, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(place.store)) db.createObjectStore(place.store, { keyPath: 'id' }).createIndex(place.index, place.index);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

async function run<T>(place: Place, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open(place);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(place.store, mode);
      const request = work(tx.objectStore(place.store));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
    });
  } finally {
    db.close();
  }
}

export async function listKeys(app: string): Promise<StoredKey[]> {
  const all = await run<StoredKey[]>(KEYS, 'readonly', (s) => s.index('app').getAll(app) as IDBRequest<StoredKey[]>);
  return all.sort((a, b) => a.createdAtMs - b.createdAtMs);
}

export async function saveKey(key: Omit<StoredKey, 'id' | 'createdAtMs'>): Promise<StoredKey> {
  const record: StoredKey = { ...key, id: `${key.app}:${key.account}`, createdAtMs: Date.now() };
  await run(KEYS, 'readwrite', (s) => s.put(record));
  return record;
}

export async function deleteKey(id: string): Promise<void> {
  await run(KEYS, 'readwrite', (s) => s.delete(id));
}

// Reward tokens asked for and not yet handed in (resident app): each sealed under a key derived from its account's own
// secret key (src/core/reward.ts), in a database of their own so the keys' database keeps its version.

export interface StoredReward {
  /** Random, local: says nothing about the token. */
  id: string;
  account: string;
  /** The pending token sealed: an `hmr1.` text. */
  sealed: string;
  createdAtMs: number;
  /**
   * Set once the desk's answer was checked: the random moment from which the app hands the token in by itself
   * (src/core/reward-due.ts). Not sealed, so the app can tell without the RSA code whether anything is due; it says no
   * more about the visit to the desk than createdAtMs already does.
   */
  dueAtMs?: number;
}

const REWARDS: Place = { db: 'heerlen-munt-rewards', store: 'pending', index: 'account' };

export async function listRewards(account: string): Promise<StoredReward[]> {
  const all = await run<StoredReward[]>(REWARDS, 'readonly', (s) => s.index('account').getAll(account) as IDBRequest<StoredReward[]>);
  return all.sort((a, b) => a.createdAtMs - b.createdAtMs);
}

/** Stores (or replaces, same id) a sealed pending token. */
export async function saveReward(record: StoredReward): Promise<void> {
  await run(REWARDS, 'readwrite', (s) => s.put(record));
}

export async function deleteReward(id: string): Promise<void> {
  await run(REWARDS, 'readwrite', (s) => s.delete(id));
}
