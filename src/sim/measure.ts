// Measures what simulated boards cost: heap per board and CPU while idle
// (connected, app logging at its rate). Run: npx tsx --expose-gc src/sim/measure.ts [boards] [scale] [seconds]
import { makeTestApp } from '../firmware/make.js';
import type { DeviceId } from '../core/domain.js';
import { PLATFORM_NAMES } from '../core/platform.js';
import { createSimBoard } from './board/create.js';
import type { SimulatedBoard } from './board/simulated-board.js';
import { createClock } from './clock.js';

interface Measurement {
  boards: number;
  scale: number;
  logRate: number;
  heapPerBoardKiB: number;
  cpuPercentOfOneCore: number;
  serialBytesPerSecond: number;
}

const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function measure(count: number, scale: number, seconds: number, logRate: number): Promise<Measurement> {
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const clock = createClock(scale);
  const boards: SimulatedBoard[] = [];
  let serialBytes = 0;
  for (let i = 0; i < count; i++) {
    const platform = PLATFORM_NAMES[i % PLATFORM_NAMES.length] ?? 'photon';
    const app = makeTestApp({ platform, behaviour: { logRate }, depends: [{ func: 'system-part', index: 1, version: 0 }] });
    const b = createSimBoard({ name: `b${i}`, id: i.toString(16).padStart(24, '0') as DeviceId, platform, clock, app });
    b.on('serialOutput', (c) => (serialBytes += c.length));
    boards.push(b);
    b.powerOn();
  }
  // Long enough (board time) for every board, cellular ones too, to reach the cloud.
  await sleep(Math.max(500, 20_000 / scale));
  const online = boards.filter((b) => b.cloudConnected).length;
  if (online !== count) throw new Error(`only ${online} of ${count} boards came online`);
  gc();
  const heap1 = process.memoryUsage().heapUsed;
  serialBytes = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  const wall = performance.now() - t0;
  for (const b of boards) b.dispose();
  return {
    boards: count, scale, logRate,
    heapPerBoardKiB: Math.round((heap1 - heap0) / count / 1024),
    cpuPercentOfOneCore: Math.round(((cpu.user + cpu.system) / 1000 / wall) * 1000) / 10,
    serialBytesPerSecond: Math.round(serialBytes / (wall / 1000)),
  };
}

const [count = 32, scale = 50, seconds = 5] = process.argv.slice(2).map(Number);
for (const logRate of [0, 1]) console.log(JSON.stringify(await measure(count, scale, seconds, logRate)));
