// Seed 002 on the default bench: the same file fails over OTA and serial
// (the old app runs, the diagnosis names the system part the image needs)
// and is written by DFU, after which the board is in safe mode with the
// failed dependency in its module list.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFieldPlan, stepNamed } from './field-run.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

t.test('the plan reproduces seed 002 and says why', async (t) => {
  const run = await runFieldPlan(t, '002-ota-serial-fail-dfu-works');
  t.equal(run.code, 0, `exit 0\n${run.stderr}`);
  const ota = stepNamed(t, run, 'photon-1', 'OTA of the new app');
  t.equal(ota.actual, 'failed');
  t.match(ota.diagnosis, /^newer-os-app \(ota\) was not applied: the image is built against a newer Device OS: it needs system part 2 version 1600, board has 1512\. Evidence: /);
  const serial = stepNamed(t, run, 'photon-1', 'serial flashing of the same file');
  t.equal(serial.actual, 'failed');
  t.match(serial.diagnosis, /^the board refused newer-os-app \(serial\): .* needs system part 2 version 1600, board has 1512/);
  const dfu = stepNamed(t, run, 'photon-1', 'DFU of the same file is written');
  t.equal(dfu.actual, 'reported-success-not-applied');
  t.match(dfu.diagnosis, /^board entered safe mode: user part needs system part 2 version 1600, board has 1512\. Evidence: .*board ended in safe mode/);
  t.match(run.updates['photon-1']?.map((r) => `${r.via} ${r.verdict} ${r.running ?? 'none'} ${r.mode}`), [
    /^dfu applied [0-9a-f]{8} normal$/, /^ota failed [0-9a-f]{8} normal$/, /^serial failed [0-9a-f]{8} normal$/, /^dfu reported-success-not-applied none safe$/,
  ], 'the same file three ways, side by side');
});
