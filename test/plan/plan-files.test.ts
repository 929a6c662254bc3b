// What `rig run` and `rig validate` take as plans: files, folders and globs,
// expanded on the real file system; a folder or glob with no plan in it is
// bad input (one line, exit 2 through the CLI), never a run of nothing.
import t from 'tap';
import { join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { expandPlanArgs } from '../../src/plan/plan-files.js';
import { ROOT, runRig } from '../cli/run-rig.js';

t.test('files stay as given; folders and globs become their plan files in path order, each once', async (t) => {
  const dir = t.testdir({
    'a.yaml': 'plan: a\n', 'notes.txt': 'not a plan',
    suite: { '20-b.yaml': 'plan: b\n', '10-c.yml': 'plan: c\n', deeper: { 'd.yaml': 'plan: d\n' }, 'candidate.bin': '' },
    empty: { 'README.md': '# nothing here' },
  });
  t.same(expandPlanArgs(['a.yaml'], dir), ['a.yaml'], 'a file as typed');
  t.same(expandPlanArgs(['missing.yaml'], dir), ['missing.yaml'], 'a missing file is left to the plan loader, which names it');
  t.same(expandPlanArgs(['suite'], dir), ['suite/10-c.yml', 'suite/20-b.yaml', 'suite/deeper/d.yaml'], 'a folder: every plan under it, in path order');
  t.same(expandPlanArgs(['suite/*.yaml'], dir), ['suite/20-b.yaml'], 'a glob');
  t.same(expandPlanArgs(['suite/**/*.y*ml'], dir), ['suite/10-c.yml', 'suite/20-b.yaml', 'suite/deeper/d.yaml']);
  t.same(expandPlanArgs(['suite/20-b.yaml', 'suite'], dir), ['suite/20-b.yaml', 'suite/10-c.yml', 'suite/deeper/d.yaml'], 'a plan named twice runs once, where it was first named');
  t.throws(() => expandPlanArgs(['empty'], dir), InputError, 'a folder with no plan is bad input');
  t.throws(() => expandPlanArgs(['suite/*.json'], dir), InputError, 'so is a glob that matches none');
});

t.test('rig validate takes the plans/ folder of the repository: every plan in it fits the default bench', async (t) => {
  const r = await runRig(['validate', 'plans'], { cwd: ROOT, timeoutMs: 110_000 });
  t.equal(r.code, 0, r.stderr);
  for (const p of ['plans/smoke.yaml', 'plans/field/000-blocking-app.yaml', 'plans/nightly/40-ota-soak.yaml']) t.match(r.stdout, `${p}: ok`);
});

t.test('rig run on a folder with no plan: one line naming it, exit 2, no report', async (t) => {
  const dir = t.testdir({ empty: {} });
  const r = await runRig(['run', join(dir, 'empty'), '--report-dir', join(dir, 'out')]);
  t.equal(r.code, 2);
  t.match(r.stderr, /empty: a folder with no plan file \(\.yaml, \.yml\) in it/);
  t.equal(r.stderr.trim().split('\n').length <= 2, true, r.stderr);
  t.notMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});
