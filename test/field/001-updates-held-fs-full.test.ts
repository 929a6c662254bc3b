// Seed 001 on the default bench, on the Argon and the P2 at once: the update
// is held while the app disables updates; the user allows it through the
// app's cloud function, the board resets, the app leaves updates enabled,
// the cloud says started and success, the board reboots into the old app,
// in that order; each retry is a blip; the diagnosis names the full file
// system and the evidence it rests on.
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
      const allowed = stepNamed(t, run, board, 'the user allows the update');
      t.equal(allowed.actual, 1, 'the app\'s function answered through the cloud');
      t.match(allowed.details, { function: 'allowUpdate' });
      const cleared = stepNamed(t, run, board, 'on that boot the app clears its flag and leaves updates enabled');
      t.match(cleared.details, { after: 'reset user' }, 'after the reboot the user asked for');
      t.match(stepNamed(t, run, board, 'the LED blinks magenta, the console shows started').details, { after: /^trace line ".*update allowed/ });
      t.match(stepNamed(t, run, board, 'success, within seconds').details, { after: 'event spark/flash/status "started "' });
      t.match(stepNamed(t, run, board, 'the board reboots by itself').details, { after: 'event spark/flash/status "success "' });
      const old = stepNamed(t, run, board, 'the board comes up with the old firmware');
      t.equal(old.diagnosis, undefined, 'the old firmware was expected: the step itself has nothing to diagnose');
      const update = old.details?.update as { diagnosis?: string } | undefined;
      t.match(update?.diagnosis, /^OTA reported success but the running app is still [0-9a-f]{8}: the update was not applied; the flash file system is full, so the downloaded image was never applied\. Evidence: verdict reported-success-not-applied/,
        'the update it tells again carries its own diagnosis');
      t.match(update?.diagnosis, /trace: \d{10} \[fs\] ERROR: write failed: no space left on the file system/, 'it quotes the trace line it rests on');
      const rows = run.updates[board] ?? [];
      const first = rows.find((r) => r.step === 'the update is held while the app disables updates');
      t.match(first, { verdict: 'reported-success-not-applied', from: 'normal' }, 'the held update, once allowed, judged by what runs');
      const retries = rows.filter((r) => r.step.startsWith('each retry / attempt'));
      t.equal(retries.length, 2, 'both retries listed');
      for (const r of retries) {
        t.match(r, { verdict: 'reported-success-not-applied', from: 'normal' });
        t.match(r.claims.filter((c) => c.startsWith('cloud:') || c.startsWith('spark/flash/status') || c.startsWith('particle/device/updates')),
          ['cloud: HTTP 202: Update pending', 'particle/device/updates/pending true', 'particle/device/updates/pending false', 'spark/flash/status started', 'spark/flash/status success'],
          'pending again, allowed, and the cloud claimed success');
      }
      t.ok(first && first.transferMs !== null && retries.every((r) => r.transferMs !== null && r.transferMs < first.transferMs! && r.transferMs <= 1000),
        `each retry is a blip, under a second and faster than the first transfer (${first?.transferMs} ms, then ${retries.map((r) => r.transferMs).join(', ')} ms)`);
      const steps = allSteps(run, board);
      t.equal(steps.filter((s) => s.name === 'still the old firmware' && s.status === 'pass').length, 2, 'the old firmware after each retry');
      t.equal(steps.filter((s) => s.name === 'the user allows it again' && s.actual === 1).length, 2, 'allowed through the function each time');
    });
  }
});
