// Seed 001 on the default bench, on the Argon and the P2 at once: the update
// is held while the app disables updates; allowed, the cloud says started and
// success, the board reboots into the old app; each retry is a blip; the
// diagnosis names the full file system and the evidence it rests on.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allSteps, runFieldPlan, stepNamed } from './field-run.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

t.test('the plan reproduces seed 001 on both boards and says why', async (t) => {
  const run = await runFieldPlan(t, '001-updates-held-fs-full');
  t.equal(run.code, 0, `exit 0\n${run.stderr}`);
  t.same(run.report.boards.map((b) => b.name).sort(), ['argon-1', 'p2-1']);
  for (const board of ['argon-1', 'p2-1']) {
    t.test(board, async (t) => {
      const held = stepNamed(t, run, board, 'the update is held while the app disables updates');
      t.equal(held.actual, 'pending');
      t.match(held.diagnosis, /^the app disabled updates \(System.disableUpdates\(\)\): the cloud holds the update as pending\. Evidence: /);
      const old = stepNamed(t, run, board, 'the board comes up with the old firmware');
      t.match(old.diagnosis, /^OTA reported success but the running app is still [0-9a-f]{8}: the update was not applied; the flash file system is full, so the downloaded image was never applied\. Evidence: verdict reported-success-not-applied/);
      t.match(old.diagnosis, /trace: \d{10} \[fs\] ERROR: write failed: no space left on the file system/, 'it quotes the trace line it rests on');
      const rows = run.updates[board] ?? [];
      const retries = rows.filter((r) => r.step.startsWith('each retry / attempt'));
      t.equal(retries.length, 2, 'both retries listed');
      for (const r of retries) {
        t.match(r, { verdict: 'reported-success-not-applied', from: 'safe' });
        t.match(r.claims.filter((c) => c.startsWith('cloud:') || c.startsWith('spark/flash/status')),
          ['cloud: HTTP 200: Update started', 'spark/flash/status started', 'spark/flash/status success'], 'the cloud claimed success');
      }
      const first = rows.find((r) => r.step === 'the update is held while the app disables updates');
      t.ok(first && first.transferMs !== null && retries.every((r) => r.transferMs !== null && r.transferMs < first.transferMs!),
        `each retry is faster than the first transfer (${first?.transferMs} ms, then ${retries.map((r) => r.transferMs).join(', ')} ms)`);
      t.ok(allSteps(run, board).filter((s) => s.name === 'still the old firmware').length === 2, 'the old firmware after each retry');
    });
  }
});
