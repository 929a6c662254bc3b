// JUnit per-testcase properties from hand-built reports: the edge cases a real
// run seldom gives at once (every kind of change, a repeat, duplicate titles,
// a bail-out, a board the rig could not reach), each validated with xmllint
// against the project's JUnit schema.
import t from 'tap';
import type { DeviceId } from '../../src/core/domain.js';
import type { BoardReport, ReportStep, RunReport } from '../../src/report/model.js';
import { formatJunit } from '../../src/report/junit.js';
import { readJunit, xmllint } from './fixtures/junit-xml.js';

const SHA_APP = 'a'.repeat(64);
const SHA_OLD = '0123456789abcdef'.repeat(4);

function board(over: Partial<BoardReport> & Pick<BoardReport, 'steps'>): BoardReport {
  return {
    name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738' as DeviceId, plan: 'nightly', status: 'pass', durationMs: 4200, artifacts: {},
    deviceOs: '1.5.2', firmware: { app: SHA_APP, old: SHA_OLD }, ...over,
  };
}

function run(boards: BoardReport[], over: Partial<RunReport> = {}): RunReport {
  return {
    runId: '20240501-220000-ab12', startedAt: '2024-05-01T22:00:00.000Z', endedAt: '2024-05-01T22:01:30.500Z', rigVersion: '0.1.0',
    bench: 'sim', host: 'bench-host', plans: [{ name: 'nightly', file: 'plans/nightly.yaml' }], boards, ...over,
  };
}

const flashApplied: ReportStep = {
  status: 'pass', name: 'flash app via ota expecting applied', durationMs: 5100, actual: 'applied',
  details: { sha256: SHA_APP, update: { verdict: 'applied', firmware: 'app', via: 'ota', claims: ['success'], running: SHA_APP } },
};
const flashInterrupted: ReportStep = {
  status: 'pass', name: 'flash app via ota expecting interrupted', durationMs: 900, actual: 'interrupted',
  details: { update: { verdict: 'interrupted', firmware: 'app', via: 'ota', claims: ['started'], running: SHA_OLD } },
};
const attempt = (n: number, status: 'pass' | 'fail'): ReportStep => ({
  status, name: `attempt ${n}`, durationMs: 10,
  children: [{ status, name: 'expect-app app', durationMs: 5, ...(status === 'fail' ? { diagnosis: 'old app runs' } : {}) }],
});
const repeat: ReportStep = {
  status: 'fail', name: 'weak link', durationMs: 300, diagnosis: 'attempt 2 of 3 failed: old app runs',
  details: { until: null, count: 3, updateVerdicts: { applied: 2, 'timed-out': 1 } },
  children: [attempt(1, 'pass'), attempt(2, 'fail'), attempt(3, 'pass')],
};

const changed = run([
  board({
    status: 'fail',
    steps: [
      flashApplied,
      { status: 'fail', name: 'expect-app old', durationMs: 20, diagnosis: 'app runs' },
      { status: 'pass', name: 'expect-mode normal', durationMs: 20 },
      { status: 'fail', name: 'expect-log match /ready/', durationMs: 20, diagnosis: 'no line' },
      { status: 'pass', name: 'expect-log match /ready/', durationMs: 20 },
      { status: 'pass', name: 'expect-event spark/status', durationMs: 20 },
      flashInterrupted,
      repeat,
      { status: 'skip', name: 'power off', durationMs: 0, skipReason: 'no power switch' },
    ],
    changes: {
      previousRun: '20240430-220000-cd34',
      newFailures: ['expect-app old', 'weak link'],
      fixed: ['expect-mode normal', 'expect-log match /ready/ #2'],
      stillFailing: ['expect-log match /ready/'],
      flaky: [
        { step: 'expect-event spark/status', passed: 3, failed: 1, seen: 'history' },
        { step: 'weak link / expect-app app', passed: 2, failed: 1, seen: 'repeat' },
      ],
    },
  }),
], { changes: { history: '/var/rig/history.db', newFailures: 2, fixed: 2, stillFailing: 1, flaky: 2, compared: 1 } });

t.test('every testcase carries the board, Device OS, firmware, status, verdict and change', async (t) => {
  const xml = formatJunit(changed);
  const check = await xmllint(xml);
  t.equal(check.errors.trim(), '- validates', 'xmllint says the document validates');
  t.equal(check.valid, true);
  const [suite] = readJunit(xml);
  const cases = suite!.testcases;
  t.same(cases.map((c) => c.name), [
    'flash app via ota expecting applied', 'expect-app old', 'expect-mode normal', 'expect-log match /ready/', 'expect-log match /ready/ #2',
    'expect-event spark/status', 'flash app via ota expecting interrupted', 'weak link', 'power off',
  ], 'a title the plan repeats is numbered as the history keys it, so names are unique in the suite');
  t.ok(cases.every((c) => c.classname === 'nightly.photon-1'), 'classname: plan and board');
  for (const c of cases) {
    t.match(c.properties, {
      board: 'photon-1', device_id: '3a002c000847343337373738', platform: 'photon', device_os: '1.5.2',
      'firmware.app.sha256': SHA_APP, 'firmware.old.sha256': SHA_OLD,
    }, `${c.name}: where it ran and with what`);
  }
  const props = (name: string) => cases.find((c) => c.name === name)!.properties;
  t.match(props('flash app via ota expecting applied'), { status: 'pass', verdict: 'applied' });
  t.notOk('change' in props('flash app via ota expecting applied'), 'no change, no change property');
  t.match(props('flash app via ota expecting interrupted'), { status: 'pass', verdict: 'interrupted' });
  t.match(props('expect-app old'), { status: 'fail', change: 'new-failure' });
  t.notOk('verdict' in props('expect-app old'), 'a step that judged no update has no verdict');
  t.match(props('expect-mode normal'), { status: 'pass', change: 'fixed' });
  t.match(props('expect-log match /ready/'), { status: 'fail', change: 'still-failing' });
  t.match(props('expect-log match /ready/ #2'), { status: 'pass', change: 'fixed' });
  t.match(props('expect-event spark/status'), { status: 'pass', change: 'flaky', flaky: 'passed 3, failed 1 in the history' });
  t.match(props('weak link'), { status: 'fail', change: 'new-failure,flaky', flaky: 'expect-app app: passed 2, failed 1 in this repeat', verdicts: 'applied: 2, timed-out: 1' });
  t.match(props('power off'), { status: 'skip' });
  t.same(cases.map((c) => c.outcome), ['pass', 'failure', 'pass', 'failure', 'pass', 'pass', 'pass', 'failure', 'skipped']);

  t.match(suite!.properties, {
    run_id: '20240501-220000-ab12', plan: 'nightly', board: 'photon-1', device_id: '3a002c000847343337373738', platform: 'photon',
    device_os: '1.5.2', 'firmware.app.sha256': SHA_APP, 'firmware.old.sha256': SHA_OLD, status: 'fail',
    'changes.previous_run': '20240430-220000-cd34', 'changes.new_failures': '2', 'changes.fixed': '2', 'changes.still_failing': '1', 'changes.flaky': '2',
    run_changes: '2 new failures, 2 fixed, 2 flaky, 1 still failing',
  }, 'the testsuite carries the Device OS, firmware and the changes summary');
  t.match(suite!.properties.changes, /^new failure: expect-app old, weak link; fixed: .*; still failing: expect-log match \/ready\/ \(since run 20240430-220000-cd34\)$/);
});

t.test('a first recorded run says so; no history, no change properties; an unknown Device OS is left out', async (t) => {
  const first = formatJunit(run([board({ steps: [flashApplied], changes: { newFailures: [], fixed: [], stillFailing: [], flaky: [] } })], {
    changes: { history: 'h.db', newFailures: 0, fixed: 0, stillFailing: 0, flaky: 0, compared: 0 },
  }));
  t.equal((await xmllint(first)).valid, true);
  const [s1] = readJunit(first);
  t.match(s1!.properties, { changes: 'nothing to compare with: first recorded run', run_changes: 'nothing to compare with: first recorded run' });
  t.notOk('changes.previous_run' in s1!.properties);
  t.notOk('change' in s1!.testcases[0]!.properties);

  const real = formatJunit(run([board({ steps: [flashApplied], deviceOs: undefined, firmware: {} })]));
  t.equal((await xmllint(real)).valid, true);
  const [s2] = readJunit(real);
  for (const p of [s2!.properties, s2!.testcases[0]!.properties]) {
    t.notOk('device_os' in p, 'a real bench whose Device OS the runner does not know');
    t.notOk(Object.keys(p).some((k) => k.startsWith('firmware.')), 'a plan without firmware');
    t.notOk(Object.keys(p).some((k) => k.startsWith('changes') || k === 'change' || k === 'run_changes'), 'no history');
  }
});

t.test('a bail-out and a board the rig could not reach still validate, with their properties', async (t) => {
  const xml = formatJunit(run([
    board({ status: 'infra', diagnosis: 'board 3a002c000847343337373738 not on USB', steps: [] }),
    board({
      name: 'argon-1', platform: 'argon', id: 'e00fce68a1b2c3d4e5f60718' as DeviceId, deviceOs: '4.0.2', firmware: { app: SHA_APP }, status: 'infra',
      steps: [{ status: 'infra', name: 'flash app via dfu', durationMs: 10, diagnosis: 'dfu-util: No DFU capable USB device available' }],
    }),
  ], { bailOut: { reason: 'SIGINT' } }));
  const check = await xmllint(xml);
  t.equal(check.valid, true, check.errors);
  const [photon, argon, bail] = readJunit(xml);
  t.same(photon!.testcases.map((c) => [c.name, c.outcome, c.properties.status]), [['reach the board', 'error', 'infra']], 'the board-level step says infra');
  t.match(photon!.testcases[0]!.properties, { board: 'photon-1', device_os: '1.5.2' });
  t.same(argon!.testcases.map((c) => [c.classname, c.name, c.outcome]), [['nightly.argon-1', 'flash app via dfu', 'error']]);
  t.match(argon!.testcases[0]!.properties, { board: 'argon-1', platform: 'argon', device_os: '4.0.2', 'firmware.app.sha256': SHA_APP, status: 'infra' });
  t.same(bail!.testcases.map((c) => [c.classname, c.name, c.outcome]), [['particle-rig.run', 'run to completion', 'error']]);
  t.match(bail!.properties, { run_id: '20240501-220000-ab12', bench: 'sim' });
});

t.test('nothing that differs between runs goes into a name', async (t) => {
  const other = run(changed.boards.map((b) => ({
    ...b, durationMs: 99, startedAt: '2024-06-01T01:02:03.000Z', changes: undefined,
    steps: b.steps.map((s) => ({ ...s, durationMs: s.durationMs + 1234, ...(s.children ? { children: s.children.slice(0, 1) } : {}) })),
  })), { runId: '20240601-010203-ffff', startedAt: '2024-06-01T01:02:03.000Z', endedAt: '2024-06-01T01:09:00.000Z', host: 'other-host' });
  const names = (r: RunReport) => {
    const xml = formatJunit(r);
    return {
      suites: [...xml.matchAll(/<testsuites? name="([^"]*)"/g)].map((m) => m[1]),
      cases: readJunit(xml).flatMap((s) => s.testcases.map((c) => `${c.classname} :: ${c.name}`)),
    };
  };
  t.same(names(other), names(changed), 'another night, other times, run ID, host and attempts: the same suite, class and test names');
  t.notMatch(formatJunit(changed), /<testsuites name="[^"]*20240501/, 'the run ID is a property, not part of the testsuites name');
});

t.test('the validation can fail', async (t) => {
  const xml = formatJunit(changed);
  const misplaced = xml.replace(/(<testcase [^>]*>\n)(\s*<properties>[\s\S]*?<\/properties>\n)(\s*<failure [^>]*>[^<]*<\/failure>\n)/, '$1$3$2');
  t.not(misplaced, xml, 'the properties were moved');
  const late = await xmllint(misplaced);
  t.equal(late.valid, false, 'a testcase\'s properties come before its outcome');
  t.match(late.errors, /properties/);
  const noValue = await xmllint(xml.replace(/(<property name="verdict") value="applied"/, '$1'));
  t.equal(noValue.valid, false, 'a property without a value');
  t.match(noValue.errors, /value/);
  const stray = await xmllint(xml.replace('<testcase ', '<testcase attempt="1" '));
  t.equal(stray.valid, false, 'an attribute the dialect does not have');
});
