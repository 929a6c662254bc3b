// A simulated bench the benchmark starts itself (`rig sim --json`), so that
// the rig and a bare tool reach the very same board: the same PTY, the same
// USB bus on its Unix socket, the same local cloud. `rig run` reaches it
// through a plain (non-simulator) bench file that names those addresses, as
// a lab bench names its own; the cloud token goes through the environment
// (a bench file never holds one inline).
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { startSimProcess, type RunningSimProcess, type SimBoardAddress } from '../../src/runner/sim-process.js';
import { writeBench, type SimBenchDoc } from './bench-files.js';

/** The environment variable the external bench file reads the cloud token from. */
export const TOKEN_ENV = 'RIG_BENCH_CLOUD_TOKEN';

export interface SimSession {
  sim: RunningSimProcess;
  /** The only board of the bench. */
  board: SimBoardAddress;
  timeScale: number;
  /** A bench file for `rig run` that points at this running simulator. */
  benchFile: string;
  /** What `rig run` needs in its environment for that bench file. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts `doc` (one board) as its own simulator process and writes the bench file that reaches it. */
export async function startSimSession(simFile: string, benchFile: string, doc: SimBenchDoc): Promise<SimSession> {
  if (doc.boards.length !== 1) throw new Error(`a benchmark session has one board, this bench has ${doc.boards.length}`);
  const sim = await startSimProcess(await writeBench(simFile, doc));
  try {
    const board = sim.boards[0];
    if (!board) throw new Error('the simulated bench listed no board');
    await writeFile(benchFile, stringify({
      bench: `${doc.bench}-external`,
      timeScale: doc.timeScale,
      cloud: { api: sim.cloud.api, token: `env:${TOKEN_ENV}` },
      usb: { socket: sim.usb.socket },
      boards: [{ name: board.name, platform: board.platform, id: board.id, serial: board.serial }],
    }));
    return { sim, board, timeScale: doc.timeScale, benchFile, env: { [TOKEN_ENV]: sim.cloud.token }, stop: () => sim.stop() };
  } catch (err) {
    await sim.stop();
    throw err;
  }
}
