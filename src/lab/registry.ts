// The lab's board registry in Redis. Each agent keeps a heartbeat key that
// expires (HEARTBEAT_TTL_MS) unless renewed; each board's entry names the
// agent that holds it and outlives the agent, so a host that dies shows its
// boards offline instead of making them vanish. An agent that stops cleanly
// removes its boards.
import type { Redis } from 'ioredis';
import { InfraError } from '../core/errors.js';

const PREFIX = 'rig:lab:';
const BOARD_IDS = `${PREFIX}boards`;
const boardKey = (id: string) => `${PREFIX}board:${id}`;
const agentKey = (agent: string) => `${PREFIX}agent:${agent}`;

/** A dead host's boards show offline at most this long after its last heartbeat. */
export const HEARTBEAT_TTL_MS = 10_000;
/** Often enough that two missed renewals still leave the key alive. */
export const HEARTBEAT_EVERY_MS = 3_000;

export type RegisteredHealth =
  | { state: 'checking' }
  | { state: 'healthy'; checkedAt: string }
  | { state: 'unhealthy'; reason: string; checkedAt: string };

export interface RegisteredBoard {
  name: string;
  platform: string;
  tags: string[];
  id: string;
  /** Known for a simulated board; a real board's is not known before a job looks. */
  deviceOs?: string;
  host: string;
  agent: string;
  bench: string;
  health: RegisteredHealth;
  registeredAt: string;
}

export interface LabBoard extends RegisteredBoard {
  /** The agent holding it answers (its heartbeat key has not expired). */
  online: boolean;
}

export interface AgentIdentity {
  agent: string;
  host: string;
  pid: number;
  bench: string;
}

export async function beat(redis: Redis, who: AgentIdentity): Promise<void> {
  await redis.set(agentKey(who.agent), JSON.stringify({ ...who, at: new Date().toISOString() }), 'PX', HEARTBEAT_TTL_MS);
}

/**
 * The heartbeat, and what it restores: the agent's boards whose entries are
 * gone (a Redis restarted without its data forgot them; a lab that hid a
 * host's boards until the host restarted would look short of boards, not
 * broken). An entry another agent holds is left alone. Returns the names of
 * the boards it put back.
 */
export async function beatAndRestore(redis: Redis, who: AgentIdentity, boards: readonly RegisteredBoard[]): Promise<string[]> {
  await beat(redis, who);
  if (boards.length === 0) return [];
  const ids = boards.map((b) => b.id);
  // Only this agent's boards are asked about, not the whole lab's set: this runs every few seconds on every host.
  const [entries, listed] = await Promise.all([readEntries(redis, ids), redis.smismember(BOARD_IDS, ...ids)]);
  const missing = boards.filter((_, i) => {
    const entry = entries[i];
    return entry ? entry.agent === who.agent && listed[i] === 0 : true;
  });
  if (missing.length === 0) return [];
  const multi = redis.multi();
  for (const b of missing) multi.set(boardKey(b.id), JSON.stringify(b));
  multi.sadd(BOARD_IDS, ...missing.map((b) => b.id));
  await multi.exec();
  return missing.map((b) => b.name);
}

/**
 * Refuses a board another agent holds while that agent answers: two hosts
 * cannot both reach one device ID, so one of the bench files is wrong.
 */
export async function refuseHeldBoards(redis: Redis, who: AgentIdentity, boards: readonly { name: string; id: string }[]): Promise<void> {
  const existing = await readEntries(redis, boards.map((b) => b.id));
  for (const [i, entry] of existing.entries()) {
    if (!entry || entry.agent === who.agent) continue;
    if (await redis.exists(agentKey(entry.agent))) {
      throw new InfraError(
        `board ${boards[i]!.name} (${entry.id}) is already in the lab as ${entry.name} on host ${entry.host} (agent ${entry.agent}), which is online`,
        'one board, one bench file: remove it from one of them',
      );
    }
  }
}

/** Registers the boards under the agent, after its first heartbeat, refusing any another online agent holds. */
export async function registerBoards(redis: Redis, who: AgentIdentity, boards: readonly RegisteredBoard[]): Promise<void> {
  await beat(redis, who);
  await refuseHeldBoards(redis, who, boards);
  const multi = redis.multi();
  for (const b of boards) multi.set(boardKey(b.id), JSON.stringify(b));
  multi.sadd(BOARD_IDS, ...boards.map((b) => b.id));
  await multi.exec();
}

// Deletes the entry only while this agent still holds it: an agent that
// stops late must not remove a board another host registered meanwhile.
const DELETE_IF_HELD = `
local entry = redis.call('GET', KEYS[1])
if entry and cjson.decode(entry).agent == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
end
return 0`;

export async function updateHealth(redis: Redis, who: AgentIdentity, id: string, health: RegisteredHealth): Promise<void> {
  const [entry] = await readEntries(redis, [id]);
  if (!entry || entry.agent !== who.agent) return;
  await redis.set(boardKey(id), JSON.stringify({ ...entry, health }));
}

/** Removes the agent's boards and its heartbeat. */
export async function unregister(redis: Redis, who: AgentIdentity, ids: readonly string[]): Promise<void> {
  for (const id of ids) await redis.eval(DELETE_IF_HELD, 2, boardKey(id), BOARD_IDS, who.agent, id);
  await redis.del(agentKey(who.agent));
}

async function readEntries(redis: Redis, ids: readonly string[]): Promise<(RegisteredBoard | undefined)[]> {
  if (ids.length === 0) return [];
  const texts = await redis.mget(...ids.map(boardKey));
  return texts.map((t) => (t ? (JSON.parse(t) as RegisteredBoard) : undefined));
}

/** Every registered board, online or not, by host then name. */
export async function labBoards(redis: Redis): Promise<LabBoard[]> {
  const ids = await redis.smembers(BOARD_IDS);
  const entries = (await readEntries(redis, ids)).filter((e): e is RegisteredBoard => e !== undefined);
  const agents = [...new Set(entries.map((e) => e.agent))];
  const alive = agents.length ? await redis.mget(...agents.map(agentKey)) : [];
  const online = new Set(agents.filter((_, i) => alive[i] !== null));
  return entries
    .map((e) => ({ ...e, online: online.has(e.agent) }))
    .sort((a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name));
}
