// A bench made reachable for one run or command: the simulated bench started
// when the file says `simulator: true`, secrets resolved, and the addresses
// handed over as a plain BenchAccess. The run opens one; `rig boards` and
// `rig inspect` share it.
import type { BenchAccess } from '../core/bench-access.js';
import type { LoadedBench } from '../bench/loader.js';
import type { BenchBoard } from '../bench/schema.js';
import { resolveSecret } from '../bench/secrets.js';
import { startSimProcess, type RunningSimProcess } from './sim-process.js';

export interface BenchSession {
  access: BenchAccess;
  /** The bench's boards, with serial paths the simulated bench published. */
  boards: BenchBoard[];
  close(): Promise<void>;
}

function simAccess(loaded: LoadedBench, sim: RunningSimProcess): BenchSession {
  const { bench } = loaded;
  const serialOf = new Map(sim.boards.map((b) => [b.id, b.serial]));
  return {
    access: { name: bench.name, timeScale: bench.timeScale, cloud: sim.cloud, usb: { kind: 'socket', socket: sim.usb.socket }, control: sim.control },
    boards: bench.boards.map((b) => ({ ...b, serial: serialOf.get(b.id) ?? b.serial })),
    close: () => sim.stop(),
  };
}

export async function openBenchSession(loaded: LoadedBench, signal?: AbortSignal): Promise<BenchSession> {
  const { bench } = loaded;
  if (bench.simulator) return simAccess(loaded, await startSimProcess(loaded.file, signal));
  const token = bench.cloud ? await resolveSecret(bench.cloud.token) : undefined;
  return {
    access: {
      name: bench.name,
      timeScale: bench.timeScale,
      ...(bench.cloud && token !== undefined ? { cloud: { api: bench.cloud.api, token } } : {}),
      usb: bench.usb ? { kind: 'socket', socket: bench.usb.socket } : { kind: 'native' },
      ...(bench.control ? { control: bench.control } : {}),
    },
    boards: bench.boards,
    close: async () => {},
  };
}
