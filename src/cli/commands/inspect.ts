// `rig inspect <board>`: what runs on one board right now: mode, modules
// (versions, checks, dependencies), the running app's hash, the last reset.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openBoard } from '../../board/open-bench.js';
import type { BoardModule } from '../../core/board-contract.js';
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import { ExitCode, InputError } from '../../core/errors.js';
import { openBenchSession } from '../../runner/bench-session.js';

function moduleLine(m: BoardModule): string {
  const failed = Object.entries(m.checks).filter(([, ok]) => !ok).map(([k]) => k);
  const deps = m.dependencies.map((d) => `${d.func} ${d.index} v${d.version}`).join(', ');
  return [
    `  ${m.func} #${m.index} v${m.version}, ${m.location}, ${m.maxSize} bytes max`,
    failed.length ? `FAILED: ${failed.join(', ')}` : 'checks pass',
    deps && `needs ${deps}`,
    m.hash && `sha256 ${m.hash}`,
  ].filter(Boolean).join('; ');
}

export async function inspectCommand(name: string, opts: { bench?: string; json?: boolean }): Promise<number> {
  const loaded = await loadBench(benchFileFor(opts.bench).file);
  const known = loaded.bench.boards.find((b) => b.name === name || b.id === name.toLowerCase());
  if (!known) throw new InputError(`no board '${name}' on bench ${loaded.bench.name}`, undefined, `boards: ${loaded.bench.boards.map((b) => b.name).join(', ')}`);
  const session = await openBenchSession(loaded);
  const dir = await mkdtemp(join(tmpdir(), 'rig-inspect-'));
  try {
    const benchBoard = session.boards.find((b) => b.id === known.id)!;
    const board = await openBoard(session.access, benchBoard, dir);
    try {
      const signal = AbortSignal.timeout(30_000);
      const mode = await board.presence(signal);
      const modules = mode === 'absent' ? [] : await board.modules(signal);
      const app = mode === 'absent' ? undefined : await board.runningApp(signal);
      const system = modules.filter((m) => m.func === 'system-part').map((m) => m.version);
      const snapshot = {
        name: board.name, platform: board.platform.name, id: board.id, mode,
        systemVersion: system.length ? Math.max(...system) : undefined,
        app: app?.hash, appSource: app?.source, lastReset: board.lastResetReason(), modules,
      };
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(snapshot, null, 2)}\n`);
      } else {
        process.stdout.write([
          `${board.name}: ${board.platform.displayName} ${board.id}`,
          `mode:    ${mode}`,
          `system:  ${snapshot.systemVersion ?? 'unknown'}`,
          `app:     ${app?.hash ?? 'none running'}${app ? ` (read through ${app.source})` : ''}`,
          `reset:   ${snapshot.lastReset ?? 'not reported since the rig connected'}`,
          'modules:',
          ...modules.map(moduleLine),
          '',
        ].join('\n'));
      }
      return ExitCode.ok;
    } finally {
      await board.close();
    }
  } finally {
    await session.close();
    await rm(dir, { recursive: true, force: true });
  }
}
