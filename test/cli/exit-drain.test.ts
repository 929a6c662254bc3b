// A finished command ends the process even when a handle still holds node's
// event loop: the kernel bench saw `rig run` write its report and then never
// exit, held by libusb's event handling for a device handle left open. Here
// a referenced interval loaded before the rig stands in for that handle.
import t from 'tap';
import { join } from 'node:path';
import { ROOT, runRig } from './run-rig.js';

const HOLD = join(ROOT, 'test', 'fixtures', 'hold-event-loop.mjs');

t.test('rig validate ends, with its exit code and one line, while a handle holds the event loop', async (t) => {
  const started = Date.now();
  const r = await runRig(['validate', 'plans/smoke.yaml', '--bench', 'rig/sim.yaml'], { env: { NODE_OPTIONS: `--import=${HOLD}` }, timeoutMs: 30_000 });
  const ms = Date.now() - started;
  t.equal(r.code, 0, 'exit code 0: the plan is valid', { stderr: r.stderr });
  t.match(r.stdout, /plans\/smoke\.yaml: ok/);
  t.match(r.stderr, /^rig: an open handle \(USB or serial\) still held the process 3 s after the command finished; exiting$/m);
  t.ok(ms < 20_000, `ended in ${ms} ms, not at the test's 30 s kill`);
});

t.test('a command that fails still exits with its code while a handle holds the event loop', async (t) => {
  const r = await runRig(['validate', 'plans/no-such-plan.yaml', '--bench', 'rig/sim.yaml'], { env: { NODE_OPTIONS: `--import=${HOLD}` }, timeoutMs: 30_000 });
  t.equal(r.code, 2, 'bad input: exit 2', { stderr: r.stderr });
});
