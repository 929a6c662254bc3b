// The JUnit report of real runs on the simulated bench (the runner's public
// entry, the bench started as `rig run` starts it), validated with xmllint
// against the project's JUnit schema: its properties say where each step ran
// and with what, and a second run of the same plan names every testcase as
// the first did, so a CI tool tracks each step across nights.
import t, { type Test } from 'tap';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ownLockDir, runPlans, PHOTON, type TestRun } from '../runner/fixtures/run.js';
import { readJunit, xmllint, type Testsuite } from './fixtures/junit-xml.js';

ownLockDir();

const PLAN = [
  'plan: junit-props',
  'boards: { names: [photon-1] }',
  'firmware: { app: { make: { version: 3 } }, other: { make: { version: 4 } } }',
  'steps:',
  '  - flash: app', '    via: dfu', '    expect: applied',
  '  - expect-app: app',
  '  - expect-app: other', '    continue-on-failure: true',
  '  - expect-mode: normal',
  '  - expect-mode: normal',
  '',
].join('\n');

/** The run's report.xml, as the run wrote it, checked against the schema. */
async function junitOf(t: Test, run: TestRun): Promise<Testsuite[]> {
  const xml = readFileSync(join(run.dir, 'report.xml'), 'utf8');
  const check = await xmllint(xml);
  t.equal(check.valid, true, `report.xml validates: ${check.errors.trim()}`);
  return readJunit(xml);
}

const names = (suites: Testsuite[]) => suites.flatMap((s) => s.testcases.map((c) => [c.classname, c.name]));

t.test('two runs of a plan: properties present, names the same, the second says what stayed failing', async (t) => {
  // Not t.testdir: runPlans makes that folder afresh for each run.
  const historyDir = mkdtempSync(join(tmpdir(), 'rig-junit-history-'));
  t.teardown(() => rmSync(historyDir, { recursive: true, force: true }));
  const history = join(historyDir, 'history.db');
  // Each run's folder is the test's folder made afresh: read a run's reports before the next.
  const first = await runPlans(t, { 'p.yaml': PLAN }, { history });
  const [one] = await junitOf(t, first);
  const json = JSON.parse(readFileSync(join(first.dir, 'report.json'), 'utf8')) as { boards: { deviceOs?: string; firmware?: Record<string, string> }[] };
  const second = await runPlans(t, { 'p.yaml': PLAN }, { history });
  t.not(first.report.runId, second.report.runId);
  const [two] = await junitOf(t, second);

  const firmware = json.boards[0]!.firmware!;
  t.same(Object.keys(firmware), ['app', 'other'], 'report.json: the plan\'s firmware for the board');
  t.ok(Object.values(firmware).every((sha) => /^[0-9a-f]{64}$/.test(sha)), 'as lowercase SHA-256s');
  t.equal(json.boards[0]!.deviceOs, '1.5.2', 'report.json: the Device OS of the simulated board');

  t.same(names([one!]), [
    ['junit-props.photon-1', 'flash app via dfu expecting applied'],
    ['junit-props.photon-1', 'expect-app app'],
    ['junit-props.photon-1', 'expect-app other'],
    ['junit-props.photon-1', 'expect-mode normal'],
    ['junit-props.photon-1', 'expect-mode normal #2'],
  ]);
  t.same(names([two!]), names([one!]), 'the second run names every testcase as the first did');

  for (const c of [...one!.testcases, ...two!.testcases]) {
    t.match(c.properties, {
      board: 'photon-1', device_id: PHOTON, platform: 'photon', device_os: '1.5.2',
      'firmware.app.sha256': firmware.app, 'firmware.other.sha256': firmware.other,
    }, `${c.name}: board, device, Device OS and firmware`);
  }
  const props = (s: Testsuite, name: string) => s.testcases.find((c) => c.name === name)!.properties;
  t.match(props(one!, 'flash app via dfu expecting applied'), { status: 'pass', verdict: 'applied' });
  t.match(props(one!, 'expect-app other'), { status: 'fail' });
  t.equal(one!.testcases.find((c) => c.name === 'expect-app other')!.outcome, 'failure');
  t.notOk('change' in props(one!, 'expect-app other'), 'nothing to compare the first run with');
  t.match(one!.properties, { changes: 'nothing to compare with: first recorded run', device_os: '1.5.2', 'firmware.app.sha256': firmware.app });

  t.match(props(two!, 'expect-app other'), { status: 'fail', change: 'still-failing' });
  t.notOk('change' in props(two!, 'expect-app app'), 'a step that passed both times did not change');
  t.match(two!.properties, {
    run_id: second.report.runId, 'changes.previous_run': first.report.runId, 'changes.still_failing': '1', 'changes.new_failures': '0',
    run_changes: 'nothing changed: 1 still failing',
  });
});

t.test('--repeat: the same repeat count names the same testcase on every run', async (t) => {
  const plan = ['plan: junit-repeat', 'boards: { names: [photon-1] }', 'steps:', '  - expect-mode: normal', ''].join('\n');
  const a = await junitOf(t, await runPlans(t, { 'r.yaml': plan }, { repeat: 2, history: false }));
  const b = await junitOf(t, await runPlans(t, { 'r.yaml': plan }, { repeat: 2, history: false }));
  t.same(names(a), [['junit-repeat.photon-1', 'junit-repeat x2']], 'one testcase for the repeated plan; attempts are not testcases');
  t.same(names(b), names(a));
  t.match(a[0]!.testcases[0]!.properties, { board: 'photon-1', status: 'pass', device_os: '1.5.2' });
});
