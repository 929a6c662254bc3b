// Seed 004 on the default bench: the update repeated on a weak signal; per
// attempt the report says what the cloud claimed and what runs, failures
// counted by verdict, and the failing attempt keeps its whole trace.
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFieldPlan, stepNamed } from './field-run.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

interface AttemptRow { attempt: number; verdict: string; claims: string[]; running: string | null }

t.test('the plan reproduces seed 004 and reports every attempt', async (t) => {
  const run = await runFieldPlan(t, '004-weak-wifi');
  t.equal(run.code, 0, `exit 0\n${run.stderr}`);
  const restarts = stepNamed(t, run, 'photon-1', 'the update restarts the old firmware');
  const retried = stepNamed(t, run, 'photon-1', 'retried until it goes through');
  for (const r of [restarts, retried]) {
    const d = r.details as { attempts: number; updates: AttemptRow[]; updateVerdicts: Record<string, number> };
    t.equal(d.updates.length, d.attempts, `${r.name}: one row per attempt`);
    for (const row of d.updates) {
      t.ok(row.claims.includes('cloud: HTTP 200: Update started'), `attempt ${row.attempt}: what the cloud claimed`);
      t.match(row.running, /^[0-9a-f]{8}$/, `attempt ${row.attempt}: what runs`);
    }
    t.equal(Object.values(d.updateVerdicts).reduce((a, b) => a + b, 0), d.attempts, 'failures by verdict add up');
  }
  const last = (retried.details as { updates: AttemptRow[] }).updates.at(-1);
  t.equal(last?.verdict, 'applied', 'it went through in the end');
  const failing = restarts.children?.find((a) => a.status === 'pass');
  t.match(failing?.children?.[1]?.actual, /^(timed-out|failed|reported-success-not-applied)$/, 'the old firmware restarted');
  const firstFailure = retried.children?.find((a) => a.status === 'fail') ?? restarts.children?.find((a) => a.status === 'fail');
  t.ok((firstFailure?.logExcerpt?.length ?? 0) > 10, 'the first failing attempt keeps its whole trace');
});
