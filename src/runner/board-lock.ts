// A board is used by one run at a time, across processes: a lock file per
// device ID, created exclusively. A lock whose process is gone (a crashed or
// killed run) is taken over, so it never blocks forever; a live one is waited
// for up to a limit, then the run fails clearly as infrastructure.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeviceId } from '../core/domain.js';
import { InfraError } from '../core/errors.js';

export interface LockOwner {
  pid: number;
  host: string;
  runId: string;
  board: string;
  since: string;
}

export interface BoardLock {
  readonly file: string;
  release(): void;
}

export function lockDir(): string {
  return process.env.RIG_LOCK_DIR ?? join(tmpdir(), 'particle-rig-locks');
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockOwner;
  } catch {
    return undefined; // vanished or half-written: treat as free on the next try
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function stale(owner: LockOwner | undefined): boolean {
  if (!owner) return true;
  return owner.host === hostname() && !processAlive(owner.pid);
}

function tryCreate(file: string, owner: LockOwner): boolean {
  try {
    writeFileSync(file, JSON.stringify(owner), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new InfraError(`cannot create board lock ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, 'check that the lock folder is writable, or set RIG_LOCK_DIR');
  }
}

export async function lockBoard(
  id: DeviceId,
  who: { board: string; runId: string },
  o: { waitMs: number; signal?: AbortSignal; dir?: string; onWait?: (heldBy: string, waitMs: number) => void },
): Promise<BoardLock> {
  const dir = o.dir ?? lockDir();
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${id}.lock`);
  const me: LockOwner = { pid: process.pid, host: hostname(), runId: who.runId, board: who.board, since: new Date().toISOString() };
  const deadline = Date.now() + o.waitMs;
  let told = false;
  for (;;) {
    if (tryCreate(file, me)) break;
    const owner = readOwner(file);
    if (stale(owner)) {
      try {
        unlinkSync(file);
      } catch {
        // another run took it over first; go round again
      }
      continue;
    }
    const by = owner ? `run ${owner.runId} (pid ${owner.pid} on ${owner.host}) since ${owner.since}` : 'another run';
    // Said once, so a run queued behind another is not mistaken for a hung one.
    if (!told) {
      told = true;
      o.onWait?.(by, Math.max(0, deadline - Date.now()));
    }
    if (Date.now() >= deadline || o.signal?.aborted) {
      throw new InfraError(`board ${who.board} (${id}) is in use by ${by}`, 'wait for that run to end, or give --lock-wait 10m to queue behind it');
    }
    await sleep(Math.min(200, Math.max(1, deadline - Date.now())), o.signal).catch(() => undefined);
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      if (readOwner(file)?.pid === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      }
    },
  };
}
