// Two runs writing to one history at once are both recorded; a run that
// changed nothing says so; `rig history` (the built CLI) shows the runs per
// plan and board, and per step, as text and JSON; bad input is one line, exit 2.
import t from 'tap';
import Database from 'libsql';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBench } from '../../src/bench/loader.js';
import { runPlansOnBench } from '../../src/runner/run-on-bench.js';
import { runRig } from '../cli/run-rig.js';
import { ownBench, ownLockDir } from '../runner/fixtures/run.js';

ownLockDir();

const PLAN = ['plan: steady', 'boards: { names: [photon-1, argon-1] }', 'firmware: { app: { make: { version: 3 } } }', 'steps:',
  '  - expect-mode: normal', '  - expect-app: app', '    continue-on-failure: true', ''].join('\n');

t.test('two runs at once both recorded; a third that changed nothing says so; rig history shows them', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'rig-history-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'steady.yaml'), PLAN);
  const history = join(dir, 'history.db');
  const run = async (board: string, out: string, benchFile: string) => runPlansOnBench({
    rigVersion: 'test', plans: [join(dir, 'steady.yaml')], bench: await loadBench(benchFile), only: [board], reportDir: join(dir, out), history,
  });
  // Each on its own simulated bench (a copy of the bench file), both ending together.
  const [a, b] = await Promise.all([run('photon-1', 'a', ownBench(t)), run('argon-1', 'b', ownBench(t))]);
  t.same([a.exitCode, b.exitCode], [1, 1], 'expect-app of an app never flashed fails on both');
  const db = new Database(history, { readonly: true });
  const ids = (db.prepare('SELECT id FROM runs ORDER BY id').all() as { id: string }[]).map((r) => r.id);
  t.same(ids, [a.report.runId, b.report.runId].sort(), 'both runs are recorded');
  t.equal((db.prepare('SELECT COUNT(*) AS n FROM jobs').get() as { n: number }).n, 2);
  t.equal((db.prepare('PRAGMA integrity_check').get() as { integrity_check: string }).integrity_check, 'ok');
  db.close();

  const c = await run('photon-1', 'c', ownBench(t));
  t.same(c.report.boards[0]!.changes, { previousRun: a.report.runId, newFailures: [], fixed: [], stillFailing: ['expect-app app'], flaky: [] });
  t.match(c.report.changes, { newFailures: 0, fixed: 0, stillFailing: 1, flaky: 0, compared: 1 });
  const tap = readFileSync(join(dir, 'c', 'report.tap'), 'utf8');
  t.match(tap, /^# changes: nothing changed: 1 still failing$/m, 'the run: nothing changed');
  t.match(tap, new RegExp(`^    # changes: nothing changed since run ${a.report.runId}; still failing: expect-app app$`, 'm'), 'the board: nothing changed, what still fails');
  t.equal(JSON.parse(readFileSync(join(dir, 'c', 'report.json'), 'utf8')).changes.summary, 'nothing changed: 1 still failing');

  const text = await runRig(['history', '--history', history, '--steps']);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, new RegExp(`^history ${history.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(last 10 runs`));
  t.match(text.stdout, /^steady\s+argon-1\s+1\s+0%\s+F\s+\S+$/m, 'argon-1: one run, failed');
  t.match(text.stdout, /^steady\s+photon-1\s+2\s+0%\s+FF\s+\S+$/m, 'photon-1: two runs');
  t.match(text.stdout, /^\s+expect-mode normal\s+2\s+100%\s+PP$/m, '--steps: each step with its pass rate');
  t.match(text.stdout, /^\s+expect-app app\s+2\s+0%\s+FF$/m);

  const json = await runRig(['history', '--history', history, '--board', 'photon-1', '--last', '1', '--json']);
  t.equal(json.code, 0, json.stderr);
  const parsed = JSON.parse(json.stdout);
  t.equal(parsed.jobs.length, 1, '--board filters');
  t.match(parsed.jobs[0], { plan: 'steady', board: 'photon-1', deviceId: '3a002c000847343337373738', platform: 'photon', passRate: 0 });
  t.same(parsed.jobs[0].runs.map((r: { runId: string; status: string; deviceOs: string }) => [r.runId, r.status, r.deviceOs]), [[c.report.runId, 'fail', '1.5.2']], '--last 1: the latest run only');
  const none = await runRig(['history', '--history', history, '--plan', 'nope', '--json']);
  t.same(JSON.parse(none.stdout).jobs, [], '--plan filters');

  for (const [args, message] of [
    [['--last', '0'], /^--last: "0" is not a whole number of at least 1 \(e\.g\. --last 10\)\n$/],
    [['--last', 'ten'], /^--last: "ten" is not a whole number/],
    [[], /^no history at .*nothing\.db \(run `rig run` first/],
  ] as const) {
    const bad = await runRig(['history', '--history', join(dir, args.length ? 'history.db' : 'nothing.db'), ...args]);
    t.equal(bad.code, 2, `bad input exits 2: ${args.join(' ')}`);
    t.match(bad.stderr, message);
    t.notMatch(bad.stderr, /\n\s+at /, 'no stack trace');
  }
  writeFileSync(join(dir, 'not-a-db'), 'hello');
  const garbage = await runRig(['history', '--history', join(dir, 'not-a-db')]);
  t.equal(garbage.code, 2);
  t.match(garbage.stderr, /not-a-db is not a rig history database/);
});
