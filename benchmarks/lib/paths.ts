// Where the benchmark finds the rig, and the scratch folder it writes
// generated benches, plans and reports into (removed at the end).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The compiled CLI, run exactly as a user runs it. */
export const RIG_BIN = join(ROOT, 'bin', 'rig.js');
export const SIM_BENCH = join(ROOT, 'rig', 'sim.yaml');
export const SMOKE_PLAN = join(ROOT, 'plans', 'smoke.yaml');

export interface WorkDir {
  readonly dir: string;
  /** A path inside the work folder. */
  path(...parts: string[]): string;
  remove(): Promise<void>;
}

export async function makeWorkDir(): Promise<WorkDir> {
  // Short, under the OS temp dir: a simulated bench's Unix socket path must stay under 108 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'rig-bench-'));
  return { dir, path: (...parts) => join(dir, ...parts), remove: () => rm(dir, { recursive: true, force: true }) };
}
