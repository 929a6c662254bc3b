// `rig boards`: the bench's boards as the USB bus shows them now, any
// Particle board on the bus the bench file does not name, and each board's
// health as the recorded runs found it (a board unhealthy several runs in a
// row says so). `--health` checks each board now, as a run does before its
// first job, and exits 3 when one is not healthy.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { realpathSync } from 'node:fs';
import { discoverBoards } from '../../board/open-bench.js';
import { findSerialPort } from '../../board/serial-port-finder.js';
import type { DeviceId } from '../../core/domain.js';
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import type { HealthReading } from '../../core/board-contract.js';
import { ExitCode, InputError } from '../../core/errors.js';
import { readBoardHealth, type BoardHealthRecord } from '../../history/health.js';
import { openBenchSession } from '../../runner/bench-session.js';
import { checkBoardsNow, DEFAULT_HEALTH_TIMEOUT_MS } from '../../runner/health.js';

interface Row {
  name: string;
  platform: string;
  id: string;
  mode: string;
  port: string;
  health: string;
}

export interface BoardsOptions {
  bench?: string;
  json?: boolean;
  /** Check each board's health now. */
  health?: boolean;
  /** The history the recorded health comes from (default $RIG_HISTORY, else reports/history.db). */
  history?: string;
  /** The lab's Redis: list its registry instead of a bench. */
  queue?: string;
}

function table(rows: Row[]): string {
  const head: Row = { name: 'NAME', platform: 'PLATFORM', id: 'DEVICE ID', mode: 'MODE', port: 'PORT', health: 'HEALTH' };
  const keys = Object.keys(head) as (keyof Row)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))])) as Record<keyof Row, number>;
  return [head, ...rows].map((r) => keys.map((k) => r[k].padEnd(width[k])).join('  ').trimEnd()).join('\n') + '\n';
}

/** The board's health in a few words: now (--health) when checked, else as the recorded runs found it. */
function healthText(now: HealthReading | string | undefined, recorded: BoardHealthRecord | undefined): string {
  if (typeof now === 'string') return now;
  if (now) return now.healthy ? 'healthy' : `UNHEALTHY: ${now.reason ?? 'health check failed'}`;
  if (!recorded) return '-';
  if (recorded.unhealthyRuns === 0) return 'healthy';
  const runs = recorded.unhealthyRuns === 1 ? 'the last run' : `the last ${recorded.unhealthyRuns} runs in a row`;
  return `UNHEALTHY in ${runs}: ${recorded.reason ?? 'health check failed'}`;
}

/**
 * A lab board's serial port as udev shows it (its /dev/serial/by-id link
 * resolved to the /dev/ttyACM* it names now), found by device ID as a run
 * finds it; undefined when it has none (DFU mode, or no such port yet).
 */
async function ttyOf(id: DeviceId): Promise<string | undefined> {
  const path = await findSerialPort(id).catch(() => undefined);
  if (path === undefined) return undefined;
  try {
    return realpathSync(path);
  } catch {
    return path; // it went away meanwhile
  }
}

export async function boardsCommand(opts: BoardsOptions): Promise<number> {
  if (opts.queue !== undefined) {
    if (opts.bench !== undefined || opts.health) throw new InputError('--queue lists the lab\'s registry; --bench and --health look at one bench', undefined, 'drop --queue, or --bench and --health');
    const { labBoardsCommand } = await import('./lab-boards.js');
    return labBoardsCommand({ queue: opts.queue, ...(opts.json ? { json: true } : {}) });
  }
  const benchFile = benchFileFor(opts.bench);
  const loaded = await loadBench(benchFile.file);
  const recorded = readBoardHealth(resolve(opts.history ?? process.env.RIG_HISTORY ?? 'reports/history.db'));
  const session = await openBenchSession(loaded);
  const dir = await mkdtemp(join(tmpdir(), 'rig-boards-'));
  try {
    const now = opts.health ? await checkBoardsNow(session, {
      timeScale: loaded.bench.timeScale, timeoutMs: loaded.bench.health?.timeout ?? DEFAULT_HEALTH_TIMEOUT_MS, dir, holder: 'rig boards --health',
    }) : new Map<string, HealthReading | string>();
    const found = await discoverBoards(session.access, AbortSignal.timeout(20_000));
    const rows: Row[] = await Promise.all(session.boards.map(async (b) => {
      const seen = found.find((f) => f.id === b.id);
      const port = b.serial ?? (seen?.mode === 'dfu' ? undefined : await ttyOf(b.id)) ?? seen?.usbPort ?? '-';
      return { name: b.name, platform: b.platform, id: b.id, mode: seen?.mode ?? 'absent', port, health: healthText(now.get(b.id), recorded.get(b.id)) };
    }));
    for (const f of found.filter((f) => !session.boards.some((b) => b.id === f.id))) {
      rows.push({ name: '(not in bench)', platform: f.platform, id: f.id, mode: f.mode, port: f.usbPort, health: '-' });
    }
    if (opts.json) {
      const boards = rows.map((r) => {
        const checked = now.get(r.id);
        return {
          ...r,
          ...(checked !== undefined ? { check: typeof checked === 'string' ? { healthy: false, reason: checked } : checked } : {}),
          ...(recorded.get(r.id) ? { recorded: recorded.get(r.id) } : {}),
        };
      });
      process.stdout.write(`${JSON.stringify({ bench: loaded.bench.name, boards }, null, 2)}\n`);
    } else {
      process.stdout.write(`bench ${loaded.bench.name} (${benchFile.reason})\n${table(rows)}`);
    }
    const unhealthy = [...now.values()].some((h) => typeof h === 'string' || !h.healthy);
    return unhealthy ? ExitCode.infrastructure : ExitCode.ok;
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
