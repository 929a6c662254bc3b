// Runs recorded in the history, through the runner on the simulated bench:
// each report says what changed since the previous run of the plan on the
// board. Test apps the rig makes (`make: { version }`) pass or fail
// deterministically: an expect-app of a firmware never flashed fails.
import t, { type Test } from 'tap';
import Database from 'libsql';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownLockDir, runPlans } from '../runner/fixtures/run.js';

ownLockDir();

function historyDir(t: Test): string {
  const dir = mkdtempSync(join(tmpdir(), 'rig-history-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Plan `p` on photon-1 with firmware `app` (version appVersion) and `other` (version 4). */
const planP = (appVersion: number, steps: string[]) =>
  ['plan: p', 'boards: { names: [photon-1] }', `firmware: { app: { make: { version: ${appVersion} } }, other: { make: { version: 4 } } }`, 'steps:', ...steps, ''].join('\n');

t.test('the second run marks a new failure, a fix and a flaky step; the third a step flaky across runs', async (t) => {
  const history = join(historyDir(t), 'history.db');
  const first = await runPlans(t, {
    'p.yaml': planP(3, [
      '  - flash: app', '    via: dfu',
      '  - expect-app: app', '    continue-on-failure: true',
      '  - expect-app: other', '    continue-on-failure: true',
      '  - expect-mode: normal',
    ]),
  }, { history });
  t.same(first.steps('photon-1').map(([n, s]) => [n, s]), [['flash app via dfu', 'pass'], ['expect-app app', 'pass'], ['expect-app other', 'fail'], ['expect-mode normal', 'pass']]);
  t.same(first.report.changes, { history, newFailures: 0, fixed: 0, stillFailing: 0, flaky: 0, compared: 0 }, 'nothing to compare the first run with');
  t.same(first.board('photon-1').changes, { newFailures: [], fixed: [], stillFailing: [], flaky: [] });

  // A new app: expect-app app now fails (the board runs `other`), expect-app other passes.
  const second = await runPlans(t, {
    'p.yaml': planP(5, [
      '  - flash: other', '    via: dfu', '    expect: applied',
      '  - expect-app: app', '    continue-on-failure: true',
      '  - expect-app: other',
      '  - expect-mode: normal',
      '  - name: settle',
      '    repeat:', '      until: success', '      max: 3', '      steps:',
      '        - expect-app: app', '          continue-on-failure: true',
      '        - flash: app', '          via: dfu',
    ]),
  }, { history });
  t.same(second.steps('photon-1').map(([n, s]) => [n, s]), [
    ['flash other via dfu expecting applied', 'pass'], ['expect-app app', 'fail'], ['expect-app other', 'pass'], ['expect-mode normal', 'pass'], ['settle', 'pass'],
  ]);
  t.same(second.board('photon-1').changes, {
    previousRun: first.report.runId,
    newFailures: ['expect-app app'],
    fixed: ['expect-app other'],
    stillFailing: [],
    flaky: [{ step: 'settle / expect-app app', passed: 1, failed: 1, seen: 'repeat' }],
  });
  t.match(second.report.changes, { newFailures: 1, fixed: 1, stillFailing: 0, flaky: 1, compared: 1 });
  const json = JSON.parse(readFileSync(join(second.dir, 'report.json'), 'utf8'));
  t.equal(json.changes.summary, '1 new failure, 1 fixed, 1 flaky', 'report.json carries the run summary');
  t.same(json.boards[0].changes.newFailures, ['expect-app app'], 'and each board\'s changes');
  const tap = readFileSync(join(second.dir, 'report.tap'), 'utf8');
  t.match(tap, /^ {4}# changes: new failure: expect-app app; fixed: expect-app other; flaky: settle \/ expect-app app \(passed 1, failed 1, in this repeat\) \(since run \S+\)$/m);
  t.match(tap, /^# changes: 1 new failure, 1 fixed, 1 flaky$/m);

  // Same firmware as the second run: expect-app app passes now, after failing with it then: flaky, not fixed.
  const third = await runPlans(t, {
    'p.yaml': planP(5, ['  - flash: app', '    via: dfu', '  - expect-app: app', '  - expect-mode: normal']),
  }, { history });
  t.equal(third.exitCode, 0);
  t.same(third.board('photon-1').changes, {
    previousRun: second.report.runId, newFailures: [], fixed: [], stillFailing: [],
    flaky: [{ step: 'expect-app app', passed: 1, failed: 1, seen: 'history' }],
  });

  const db = new Database(history, { readonly: true });
  t.teardown(() => db.close());
  const runs = db.prepare('SELECT id, bailed_out FROM runs ORDER BY rowid').all() as { id: string; bailed_out: number }[];
  t.same(runs.map((r) => [r.id, r.bailed_out]), [[first.report.runId, 0], [second.report.runId, 0], [third.report.runId, 0]]);
  const job = db.prepare("SELECT plan, board, device_id, platform, device_os, status, firmware FROM jobs WHERE run_id = ?").get(second.report.runId) as Record<string, unknown>;
  t.match(job, { plan: 'p', board: 'photon-1', device_id: '3a002c000847343337373738', platform: 'photon', device_os: '1.5.2', status: 'fail' });
  t.same(Object.keys(JSON.parse(job.firmware as string)).sort(), ['app', 'other'], 'the plan\'s firmware SHA-256s');
  const flash = db.prepare("SELECT s.status, s.verdict, s.firmware_sha FROM steps s JOIN jobs j ON j.id = s.job_id WHERE j.run_id = ? AND s.name = 'flash other via dfu expecting applied'").get(second.report.runId) as Record<string, unknown>;
  t.match(flash, { status: 'pass', verdict: 'applied', firmware_sha: /^[0-9a-f]{64}$/ }, 'a flash step keeps its verdict and the SHA-256 it sent');
  t.equal(flash.firmware_sha, JSON.parse(job.firmware as string).other);
});
