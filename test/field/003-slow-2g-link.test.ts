// Seed 003 on the default bench: the 45 KB app times out over the 2G link
// with missing chunks and aborted transfers, from normal and from safe mode;
// the 9 KB app lands on the same link and gets no diagnosis.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFieldPlan, stepNamed } from './field-run.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

t.test('the plan reproduces seed 003 and says why', async (t) => {
  const run = await runFieldPlan(t, '003-slow-2g-link');
  t.equal(run.code, 0, `exit 0\n${run.stderr}`);
  for (const name of ['the 45 KB app over the 2G link', 'the 45 KB app again, from safe mode']) {
    const s = stepNamed(t, run, 'electron-1', name);
    t.equal(s.actual, 'timed-out', name);
    t.match(s.diagnosis, /^update_timeout: the transfer stalled at chunk \d+ of 88 and the board reset without applying the update; the board aborted the transfer \d+ times \("handle received message failed"\); the running app is still [0-9a-f]{8}\. Evidence: /, name);
  }
  const small = stepNamed(t, run, 'electron-1', 'the 9 KB app over the same link');
  t.equal(small.actual, 'applied');
  t.equal(small.diagnosis, undefined, 'a healthy update gets no diagnosis');
  const rows = (run.updates['electron-1'] ?? []).filter((r) => r.via === 'ota');
  t.match(rows.map((r) => `${r.firmware} from ${r.from}: ${r.verdict}`), ['user-fw from normal: timed-out', 'user-fw from safe: timed-out', 'tinker from normal: applied'],
    'same link, two binaries; same app, normal and safe mode: side by side');
});
