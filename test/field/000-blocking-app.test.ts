// Seed 000 on the default bench: the blocking app's OTA times out (chunk 0,
// update_timeout, the old app), the same OTA lands with an app that
// processes the cloud (no diagnosis), and on a congested link the OTA fails
// from safe mode while the board's small messages get through.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSteps, runFieldPlan, stepNamed } from './field-run.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

t.test('the plan reproduces seed 000 and says why', async (t) => {
  const run = await runFieldPlan(t, '000-blocking-app');
  t.equal(run.code, 0, `exit 0: the failure was reproduced as the thread reports it\n${run.stderr}`);
  t.ok(run.tap.ok);

  const stalled = stepNamed(t, run, 'argon-1', 'OTA to the blocking app');
  t.equal(stalled.actual, 'timed-out');
  t.match(stalled.diagnosis, /^update_timeout: the transfer stalled at chunk 0 of \d+ and the board reset without applying the update; not one chunk was taken in/);
  t.match(stalled.diagnosis, /Evidence: verdict timed-out: sent [0-9a-f]{8}, running [0-9a-f]{8}; events since the flash: .*flash\/status started -> flash\/status failed -> .*device\/last_reset update_timeout/,
    'the paragraph names the event sequence it rests on');

  const taken = stepNamed(t, run, 'argon-1', 'the same OTA, now taken');
  t.equal(taken.actual, 'applied');
  t.equal(taken.diagnosis, undefined, 'a healthy update gets no diagnosis');

  const congested = stepNamed(t, run, 'argon-1', 'OTA in safe mode on the congested link');
  t.equal(congested.status, 'pass');
  const rows = run.updates['argon-1'] ?? [];
  const safe = rows.find((r) => r.firmware === 'larger');
  t.match(safe, { from: 'safe', verdict: /^(timed-out|failed)$/ }, 'the update from safe mode failed, side by side with the others');
  t.match(safe?.claims.filter((c) => c.startsWith('cloud:') || c.startsWith('spark/flash/status')),
    ['cloud: HTTP 200: Update started', 'spark/flash/status started', 'spark/flash/status failed'], 'what the cloud claimed');
  t.ok(allSteps(run, 'argon-1').some((s) => s.name === 'the board reports from safe mode over the same link' && s.status === 'pass'),
    'a small message got through on the congested link');
  t.match(rows.map((r) => `${r.firmware} ${r.verdict}`), ['blocker applied', 'candidate timed-out', 'candidate applied', /^larger (timed-out|failed)$/],
    'every update in order: the blocking app, its stalled OTA, the same OTA taken, the congested one');
});
