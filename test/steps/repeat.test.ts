// repeat on a stand-in board (fixtures/stand-in-board.ts says why): times,
// until failure / success, statistics, the attempts as children, and the
// first failing attempt's whole trace and events.
import t from 'tap';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard, testFirmware } from './fixtures/stand-in-board.js';
import { InfraError } from '../../src/core/errors.js';

const fw = testFirmware('candidate', 5);
const other = testFirmware('other', 6);

/** A board whose flash lands the candidate except on the attempts listed. */
function flaky(failOn: number[]): StandInBoard {
  const board = new StandInBoard();
  let n = 0;
  board.script.flash = async (image, via) => {
    n++;
    board.log.push(`attempt ${n} line 1`, `attempt ${n} line 2`);
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'success ');
    board.app = (failOn.includes(n) ? other : image).info.sha256;
    return { method: via, durationMs: 1, messages: [] };
  };
  return board;
}

const body = [{ flash: 'candidate', via: 'ota' as const }, { 'expect-app': 'candidate', within: '1s' }, { wait: '1ms' }];

t.test('until failure stops at the first failure and fails', async (t) => {
  const board = flaky([3]);
  const r = await runStep(step({ repeat: { until: 'failure', max: 10, steps: body } }), context(board, { firmware: [fw], timeScale: 1000 }));
  t.equal(r.status, 'fail', 'the failure was reproduced');
  t.equal(r.children?.length, 3);
  t.same(r.children?.map((c) => c.status), ['pass', 'pass', 'fail']);
  t.same(r.children?.[2]?.children?.map((c) => c.status), ['pass', 'fail'], 'the attempt stopped at its failing step');
  t.match(r.details, { until: 'failure', count: 10, attempts: 3, passes: 2, failures: { fail: 1, infra: 0 }, firstFailure: 3 });
  t.equal((r.details as { msPerAttempt: number[] }).msPerAttempt.length, 3);
  t.equal(r.expected, 'no failure in 10 attempts');
  t.match(r.diagnosis, /^attempt 3 of 3 failed: expect-app candidate within 1s: OTA reported success but the running app is/);
  const failing = r.children![2]!;
  t.same(failing.logExcerpt, ['attempt 3 line 1', 'attempt 3 line 2'], 'the failing attempt\'s whole trace, and only its own');
  t.same((failing.details as { events: { data: string }[] }).events.map((e) => e.data), ['started ', 'success ']);
  t.equal(r.children![0]!.logExcerpt, undefined, 'passing attempts carry no excerpt');
});

t.test('until failure that never fails passes after max attempts', async (t) => {
  const r = await runStep(step({ repeat: { until: 'failure', max: 4, steps: body } }), context(flaky([]), { firmware: [fw], timeScale: 1000 }));
  t.equal(r.status, 'pass');
  t.match(r.details, { attempts: 4, passes: 4, firstFailure: null });
});

t.test('until success passes at the first success', async (t) => {
  const r = await runStep(step({ repeat: { until: 'success', max: 5, steps: body } }), context(flaky([1, 2]), { firmware: [fw], timeScale: 1000 }));
  t.equal(r.status, 'pass');
  t.same(r.children?.map((c) => c.status), ['fail', 'fail', 'pass']);
  t.ok(r.children![0]!.logExcerpt?.includes('attempt 1 line 1'), 'the first failing attempt still keeps its trace');
  const never = await runStep(step({ repeat: { until: 'success', max: 2, steps: body } }), context(flaky([1, 2]), { firmware: [fw], timeScale: 1000 }));
  t.equal(never.status, 'fail');
  t.match(never.diagnosis, /^attempt 1 of 2 failed \(2 failures in all\)/);
});

t.test('times runs every attempt and fails when any failed', async (t) => {
  const r = await runStep(step({ repeat: { times: 4, steps: body } }), context(flaky([2, 4]), { firmware: [fw], timeScale: 1000 }));
  t.equal(r.status, 'fail');
  t.same(r.children?.map((c) => c.status), ['pass', 'fail', 'pass', 'fail']);
  t.match(r.details, { until: null, attempts: 4, passes: 2, failures: { fail: 2 }, firstFailure: 2 });
  t.ok(r.children![3]!.logExcerpt!.length <= 20, 'later failures keep the usual excerpt');
});

t.test('continue-on-failure runs the rest of the attempt', async (t) => {
  const steps = [{ 'expect-app': 'candidate', within: '1ms', 'continue-on-failure': true }, { wait: '1ms' }];
  const r = await runStep(step({ repeat: { times: 1, steps } }), context(new StandInBoard(), { firmware: [fw] }));
  t.same(r.children?.[0]?.children?.map((c) => c.status), ['fail', 'pass']);
  t.equal(r.status, 'fail');
});

t.test('losing the board stops the repeat as infra', async (t) => {
  const board = flaky([]);
  let n = 0;
  const flash = board.script.flash!;
  board.script.flash = async (image, via) => {
    if (++n === 2) throw new InfraError('board vanished from USB');
    return flash(image, via);
  };
  const r = await runStep(step({ repeat: { times: 5, steps: body } }), context(board, { firmware: [fw], timeScale: 1000 }));
  t.equal(r.status, 'infra');
  t.equal(r.children?.length, 2);
  t.match(r.diagnosis, /lost the board in attempt 2: flash candidate via ota: board vanished from USB/);
});
