// What the kernel bench (scripts/kernel-bench.sh) needs on this machine,
// and what its output says of re-attaching: shared by its test
// (test/hardware-path/) and its benchmark (benchmarks/kernel.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/** The simulated side of the kernel bench. */
export const KERNEL_SIM_BENCH = join(ROOT, 'rig', 'kernel-sim.yaml');

/** Why the kernel bench cannot run here, or undefined. */
export function kernelBenchMissing(): string | undefined {
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return 'qemu-system-x86_64 is not installed (scripts/install-system-packages.sh installs it)';
  const kernel = spawnSync('apt-cache', ['depends', 'linux-image-amd64'], { encoding: 'utf8' });
  if (!/Depends: linux-image-\d/.test(kernel.stdout ?? '')) return 'apt knows no linux-image-amd64 to download (not Debian, or no apt-get update)';
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) return 'dist/ is not built (npm run build)';
  return undefined;
}

/**
 * Each re-enumeration's re-attach, ms from the simulator's log on the
 * script's stderr (a board's new device enumerated -> imported by the
 * guest). Each board's first device was enumerated before the guest booted:
 * only the ones after count.
 */
export function reattachTimes(stderr: string): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  for (const m of stderr.matchAll(/usbip: (\S+) \(device \d+, pid \w+\) imported (\d+) ms after it enumerated/g)) {
    if (seen.has(m[1]!)) out.push(Number(m[2]));
    else seen.add(m[1]!);
  }
  return out;
}
