// Which bench file the rig uses without --bench: the lab's own
// rig/bench.yaml under the current folder when there is one, else the
// built-in simulated bench rig/sim.yaml shipped with the rig itself.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RIG_ROOT } from '../core/rig-root.js';

export interface DefaultBench {
  file: string;
  /** Said in `rig boards` and in errors, so nobody wonders which bench ran. */
  reason: string;
}

export function defaultBenchFile(cwd: string = process.cwd(), rigRoot: string = RIG_ROOT): DefaultBench {
  const lab = join(cwd, 'rig', 'bench.yaml');
  if (existsSync(lab)) return { file: lab, reason: 'rig/bench.yaml in the current folder' };
  return { file: join(rigRoot, 'rig', 'sim.yaml'), reason: 'no rig/bench.yaml in the current folder: the built-in simulated bench' };
}

/** --bench when given (as written), else the default. */
export function benchFileFor(option: string | undefined, cwd?: string): DefaultBench {
  return option ? { file: option, reason: '--bench' } : defaultBenchFile(cwd);
}
