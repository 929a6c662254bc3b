// A run interrupted by SIGINT (the built CLI, as a user's Ctrl-C) is
// recorded in the history as bailed out, with what it did before; the
// database stays whole and `rig history` reads it. --no-history records nothing.
import t from 'tap';
import Database from 'libsql';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, runRig } from '../cli/run-rig.js';

const BENCH = join(ROOT, 'test/e2e/fixtures/two-boards.yaml');
const RIG = fileURLToPath(new URL('../../bin/rig.js', import.meta.url));
process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

const LONG_PLAN = 'plan: long\nboards: { names: [photon-1] }\nfirmware: { app: { make: { version: 3 } } }\nsteps:\n  - flash: app\n    via: dfu\n  - wait: 30m\n';

t.test('SIGINT mid-run: recorded as bailed out, the database whole', async (t) => {
  const dir = t.testdir({ 'plan.yaml': LONG_PLAN });
  const history = join(dir, 'elsewhere', 'runs.db');
  const child = spawn(process.execPath, [RIG, 'run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out'), '--history', history], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  t.teardown(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const until = Date.now() + 60_000;
  while (!/flash app via dfu: ok/.test(stderr)) {
    if (Date.now() > until) throw new Error(`no flash in: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGINT');
  t.equal(await exited, 3, `a cut-short run exits 3: ${stderr}`);
  t.match(stderr, /^changes: nothing to compare with: first recorded run$/m, 'the console ends with the changes');
  t.notOk(existsSync(join(dir, 'history.db')), '--history put it elsewhere');

  const db = new Database(history, { readonly: true });
  t.teardown(() => db.close());
  t.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok', 'the database is whole');
  const run = db.prepare('SELECT bailed_out, bail_reason, exit_code FROM runs').all() as Record<string, unknown>[];
  t.match(run, [{ bailed_out: 1, bail_reason: /interrupted by SIGINT/, exit_code: 3 }], 'recorded as bailed out');
  const steps = db.prepare('SELECT s.name, s.status, s.diagnosis FROM steps s JOIN jobs j ON j.id = s.job_id ORDER BY s.idx').all() as Record<string, unknown>[];
  t.match(steps, [{ name: 'flash app via dfu', status: 'pass' }, { name: 'wait 30m', status: 'skip', diagnosis: /run interrupted/ }], 'with what it did before');

  const shown = await runRig(['history', '--json'], { env: { RIG_HISTORY: history } });
  t.equal(shown.code, 0, shown.stderr);
  t.match(JSON.parse(shown.stdout).jobs, [{ plan: 'long', board: 'photon-1', runs: [{ bailedOut: true }] }], 'rig history reads it (RIG_HISTORY)');
  const text = await runRig(['history'], { env: { RIG_HISTORY: history } });
  t.match(text.stdout, /^long\s+photon-1\s+1\s+100%\s+p\s+\S+$/m, 'a bailed-out run in lower case');
});

t.test('--no-history records nothing', async (t) => {
  const dir = t.testdir({ 'plan.yaml': 'plan: short\nboards: { names: [photon-1] }\nsteps:\n  - expect-mode: normal\n' });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out'), '--no-history']);
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stderr, /changes:/);
  t.notOk(existsSync(join(dir, 'history.db')));
});
