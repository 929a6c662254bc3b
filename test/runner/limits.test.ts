// The plan's and the steps' time limits, owned by the runner, in real runs
// on the simulated bench: a step that runs past its own timeout is that
// step's failure (exit 1) and says what it was waiting for; a plan that runs
// out fails the step it interrupted and skips the rest; a limit past what
// Node's timers can hold neither crashes the run nor ends a step at once.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardTime, LimitRanOut } from '../../src/runner/limits.js';
import { DeadlineError } from '../../src/core/errors.js';
import { ownLockDir, plan, runPlans } from './fixtures/run.js';

ownLockDir();

t.test('an expect-log that never matches, with timeout: 5s, fails the step with the timeout named: exit 1, not infrastructure', async (t) => {
  const run = await runPlans(t, {
    'never.yaml': plan('never', ['  - expect-log: "never appears"', '    within: 10m', '    timeout: 5s', '  - expect-mode: normal']),
  });
  t.equal(run.exitCode, 1, 'a test failure, not the bench\'s');
  t.same(run.steps('photon-1'), [
    ['expect-log match /never appears/ within 10m', 'fail', 'the step\'s timeout of 5 s board time ran out while waiting for /never appears/ in the trace'],
    ['expect-mode normal', 'skip', 'not run: step 1 (expect-log match /never appears/ within 10m) failed'],
  ]);
  const step = run.board('photon-1').steps[0]!;
  // Timers may fire a hair early on Date.now()'s millisecond scale.
  t.ok(step.durationMs >= 95 && step.durationMs < 3000, `5 s of board time at x50 is 100 ms of wall time: took ${step.durationMs} ms`);
  t.equal(run.report.bailOut, undefined, 'a failed step does not bail out');
  t.match(readFileSync(join(run.dir, 'report.tap'), 'utf8'), /not ok 1 - expect-log match \/never appears\/ within 10m.*\n(.*\n)*\s+severity: failure/);
});

t.test('a step that passes within its timeout passes; one with continue-on-failure lets the next run', async (t) => {
  const run = await runPlans(t, {
    'mixed.yaml': plan('mixed', [
      '  - expect-log: "app v\\\\d+ running"', '    timeout: 1m',
      '  - wait: 1m', '    timeout: 2s', '    continue-on-failure: true',
      '  - expect-mode: normal', '    timeout: 1m',
    ]),
  });
  t.equal(run.exitCode, 1);
  t.same(run.steps('photon-1').map(([, s]) => s), ['pass', 'fail', 'pass']);
  t.equal(run.steps('photon-1')[1]?.[2], 'the step\'s timeout of 2 s board time ran out while waiting 60000 ms of board time');
});

t.test('the plan\'s timeout fails the step it interrupted and skips the rest', async (t) => {
  const run = await runPlans(t, {
    'short.yaml': plan('short', ['  - expect-mode: normal', '  - wait: 1m', '  - expect-mode: normal'], ['timeout: 3s']),
  });
  t.equal(run.exitCode, 1, 'the board did not get through the plan in the time the plan gave it');
  t.same(run.steps('photon-1'), [
    ['expect-mode normal', 'pass', undefined],
    ['wait 1m', 'fail', 'the plan\'s timeout of 3 s board time ran out while waiting 60000 ms of board time'],
    ['expect-mode normal', 'skip', 'not run: the plan\'s timeout ran out'],
  ]);
  t.equal(run.report.bailOut, undefined);
});

t.test('--repeat: the plan\'s time is multiplied, and a step timeout inside the repeated plan fails its attempt', async (t) => {
  const run = await runPlans(t, {
    'rep.yaml': plan('rep', ['  - expect-mode: normal', '  - expect-log: "never appears"', '    timeout: 2s']),
  }, { repeat: 2 });
  t.equal(run.exitCode, 1);
  const [repeat] = run.board('photon-1').steps;
  t.equal(repeat?.name, 'rep x2');
  t.equal(repeat?.children?.length, 2, 'both attempts ran');
  t.same(repeat?.children?.[0]?.children?.map((c) => [c.status, c.diagnosis]), [
    ['pass', undefined],
    ['fail', 'the step\'s timeout of 2 s board time ran out while waiting for /never appears/ in the trace'],
  ]);
});

t.test('limits past Node\'s timer range are as good as none: no crash, no step cut short at once', async (t) => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  t.teardown(() => process.off('warning', onWarning));
  const run = await runPlans(t, {
    'huge.yaml': plan('huge', ['  - wait: 1s', '    timeout: 168h', '  - expect-mode: normal', '    timeout: 168h', '  - repeat: { times: 2, steps: [{ wait: 100ms, timeout: 168h }] }'], ['timeout: 168h']),
  }, { repeat: 3 });
  t.equal(run.exitCode, 0, `every step passed: ${JSON.stringify(run.steps('photon-1'))}`);
  t.same(warnings.filter((w) => /TimeoutOverflow/.test(w)), [], 'no timer was set past 2^31-1 ms');
});

t.test('a limit that ran out is a DeadlineError in board time', async (t) => {
  const e = new LimitRanOut('step', 'expect-app candidate', 90_000, 'waiting for app candidate (1a2b3c4d)');
  t.ok(e instanceof DeadlineError, 'steps/outcome.ts makes it a failure');
  t.equal(e.message, 'the step\'s timeout of 1 min 30 s board time ran out while waiting for app candidate (1a2b3c4d)');
  t.equal(new LimitRanOut('plan', 'plan p', 600_000, 'flash app via dfu: 40%').message, 'the plan\'s timeout of 10 min board time ran out during flash app via dfu: 40%');
  t.equal(new LimitRanOut('plan', 'plan p', 500, undefined).message, 'the plan\'s timeout of 500 ms board time ran out between steps');
  t.same([boardTime(5000), boardTime(5_400_000), boardTime(0)], ['5 s', '1 h 30 min', '0 s']);
});
