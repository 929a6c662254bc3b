// npm test: the suite (tap, two files at a time), then the kernel bench
// (test/hardware-path/) alone. The kernel bench's guest has an emulated CPU:
// beside the other tests on a 2-core machine it starved (its smoke plan ran
// past 230 s, 60 s alone), so it gets the machine to itself. Both parts
// always run; the exit code is the first part's failure, else the second's.
//   node scripts/test.mjs [TAP ARGS...]   with arguments: tap with exactly those
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const tap = (args) => spawnSync(join(root, 'node_modules', '.bin', 'tap'), args, { cwd: root, stdio: 'inherit' });
const code = (r) => (r.error ? 1 : (r.status ?? 1));

const args = process.argv.slice(2);
if (args.length > 0) process.exit(code(tap(args)));

const HARDWARE_PATH = 'test/hardware-path';
// tap's own exclusions (dist, fixtures) stay: --exclude replaces them.
const suite = code(tap(['--exclude=**/@(dist|fixture|fixtures)/**', `--exclude=${HARDWARE_PATH}/**`]));
const kernel = code(tap([`${HARDWARE_PATH}/kernel-bench.test.ts`]));
process.exit(suite || kernel);
