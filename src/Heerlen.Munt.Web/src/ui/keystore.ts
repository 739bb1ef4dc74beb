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
}

const DB = 'heerlen-munt';
const STORE = 'keys';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => {
      const db = request.result;
      if (!db.objectStoreNames.contains(STORE)) db.createObjectStore(STORE, { keyPath: 'id' }).createIndex('app', 'app');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

async function run<T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB write aborted'));
    });
  } finally {
    db.close();
  }
}

export async function listKeys(app: string): Promise<StoredKey[]> {
  const all = await run<StoredKey[]>('readonly', (s) => s.index('app').getAll(app) as IDBRequest<StoredKey[]>);
  return all.sort((a, b) => a.createdAtMs - b.createdAtMs);
}

export async function saveKey(key: Omit<StoredKey, 'id' | 'createdAtMs'>): Promise<StoredKey> {
  const record: StoredKey = { ...key, id: `${key.app}:${key.account}`, createdAtMs: Date.now() };
  await run('readwrite', (s) => s.put(record));
  return record;
}

export async function deleteKey(id: string): Promise<void> {
  await run('readwrite', (s) => s.delete(id));
}
