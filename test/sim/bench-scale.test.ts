// The issue asks what a big simulated bench costs: 32 boards started from a
// generated bench file, memory per board and idle CPU over a few seconds at
// the default board-time scale. The numbers go to the test log (t.comment);
// the bounds asserted are deliberately generous, as the machine is shared.
import t from 'tap';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startSimBench } from '../../src/sim/bench.js';
import { shortRunDir } from './control/fixtures.js';

const PLATFORMS = ['photon', 'p1', 'electron', 'argon', 'boron', 'xenon', 'p2'] as const;
const BOARDS = 32;
const IDLE_MS = 3000;
const MB = 1024 * 1024;

function benchYaml(): string {
  const boards = Array.from({ length: BOARDS }, (_, i) => ({
    name: `board-${i + 1}`,
    platform: PLATFORMS[i % PLATFORMS.length],
    id: `e00fce68${(i + 1).toString(16).padStart(16, '0')}`,
  }));
  return stringify({ bench: 'big', simulator: true, timeScale: 20, boards });
}

const gc = (globalThis as { gc?: () => void }).gc;

t.test(`${BOARDS} simulated boards: memory per board and idle CPU`, async (t) => {
  const dir = t.testdir({ 'bench.yaml': benchYaml() });
  const runDir = await shortRunDir(t);
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const bench = await startSimBench({ benchFile: join(dir, 'bench.yaml'), runDir });
  t.teardown(() => bench.close());
  const startMs = performance.now() - started;
  t.equal(bench.boards.length, BOARDS, 'every board booted to its serial port');

  const cpuBefore = process.cpuUsage();
  const wallBefore = performance.now();
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const cpu = process.cpuUsage(cpuBefore);
  const wall = performance.now() - wallBefore;
  const cpuPercent = ((cpu.user + cpu.system) / 1000 / wall) * 100;

  gc?.();
  const after = process.memoryUsage();
  const rssPerBoard = (after.rss - before.rss) / BOARDS / MB;
  const heapPerBoard = (after.heapUsed + after.external - before.heapUsed - before.external) / BOARDS / MB;

  t.comment(`start: ${BOARDS} boards booted with their ports in ${startMs.toFixed(0)} ms`);
  t.comment(`memory per board: ${rssPerBoard.toFixed(2)} MiB RSS, ${heapPerBoard.toFixed(2)} MiB heap+external${gc ? '' : ' (no --expose-gc: includes garbage)'}`);
  t.comment(`idle CPU over ${(wall / 1000).toFixed(1)} s at timeScale 20: ${cpuPercent.toFixed(1)}% of one core`);

  t.ok(startMs < 30_000, 'starts within 30 s');
  t.ok(rssPerBoard < 16, 'under 16 MiB RSS per board');
  t.ok(cpuPercent < 75, 'idle boards take under 75% of one core');
});
