// `rig boards`: the bench's boards as the USB bus shows them now, and any
// Particle board on the bus the bench file does not name.
import { discoverBoards } from '../../board/open-bench.js';
import { benchFileFor } from '../../bench/default.js';
import { loadBench } from '../../bench/loader.js';
import { ExitCode } from '../../core/errors.js';
import { openBenchSession } from '../../runner/bench-session.js';

interface Row {
  name: string;
  platform: string;
  id: string;
  mode: string;
  port: string;
}

function table(rows: Row[]): string {
  const head: Row = { name: 'NAME', platform: 'PLATFORM', id: 'DEVICE ID', mode: 'MODE', port: 'PORT' };
  const keys = Object.keys(head) as (keyof Row)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...[head, ...rows].map((r) => r[k].length))])) as Record<keyof Row, number>;
  return [head, ...rows].map((r) => keys.map((k) => r[k].padEnd(width[k])).join('  ').trimEnd()).join('\n') + '\n';
}

export async function boardsCommand(opts: { bench?: string; json?: boolean }): Promise<number> {
  const benchFile = benchFileFor(opts.bench);
  const loaded = await loadBench(benchFile.file);
  const session = await openBenchSession(loaded);
  try {
    const found = await discoverBoards(session.access, AbortSignal.timeout(20_000));
    const rows: Row[] = session.boards.map((b) => {
      const seen = found.find((f) => f.id === b.id);
      return { name: b.name, platform: b.platform, id: b.id, mode: seen?.mode ?? 'absent', port: b.serial ?? seen?.usbPort ?? '-' };
    });
    for (const f of found.filter((f) => !session.boards.some((b) => b.id === f.id))) {
      rows.push({ name: '(not in bench)', platform: f.platform, id: f.id, mode: f.mode, port: f.usbPort });
    }
    process.stdout.write(opts.json ? `${JSON.stringify({ bench: loaded.bench.name, boards: rows }, null, 2)}\n` : `bench ${loaded.bench.name} (${benchFile.reason})\n${table(rows)}`);
    return ExitCode.ok;
  } finally {
    await session.close();
  }
}
