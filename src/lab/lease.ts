// A board's lease in Redis, per job: taken atomically (SET NX PX), renewed
// while the job runs, released only by its holder (a Lua script compares
// first). BullMQ's one worker per board queue already runs one job at a
// time; the lease makes "one job on a board" a fact anyone can read (and a
// test can check), and it expires by itself when the host dies.
import type { Redis } from 'ioredis';
import { boardLeaseKey, LEASE_MS } from './jobs.js';

export interface LeaseHolder {
  jobId: string;
  runId: string;
  agent: string;
  host: string;
}

const RENEW_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0`;

const RELEASE_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

export interface BoardLease {
  /** false: the lease expired or someone else holds it now. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Takes the board's lease for a job; undefined (and who holds it) when another job holds it. */
export async function takeBoardLease(redis: Redis, boardId: string, holder: LeaseHolder): Promise<BoardLease | { heldBy: LeaseHolder | undefined }> {
  const key = boardLeaseKey(boardId);
  const value = JSON.stringify(holder);
  const taken = await redis.set(key, value, 'PX', LEASE_MS, 'NX');
  if (taken !== 'OK') {
    const current = await redis.get(key);
    return { heldBy: current ? (JSON.parse(current) as LeaseHolder) : undefined };
  }
  return {
    renew: async () => (await redis.eval(RENEW_IF_HELD, 1, key, value, String(LEASE_MS))) === 1,
    release: async () => void (await redis.eval(RELEASE_IF_HELD, 1, key, value)),
  };
}

/** Every board lease held now, by board ID. */
export async function boardLeases(redis: Redis): Promise<Map<string, LeaseHolder>> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', boardLeaseKey('*'), 'COUNT', 200);
    cursor = next;
    keys.push(...found);
  } while (cursor !== '0');
  const leases = new Map<string, LeaseHolder>();
  for (const key of keys) {
    const v = await redis.get(key);
    if (v) leases.set(key.slice(boardLeaseKey('').length), JSON.parse(v) as LeaseHolder);
  }
  return leases;
}
