// runStep's shared rules, on a stand-in board (fixtures/stand-in-board.ts
// says why): the step's timeout in board time, cancellation, a board call
// that never returns, names, the log excerpt, and the context's memory.
import t from 'tap';
import { runStep } from '../../src/steps/index.js';
import { DeadlineError } from '../../src/core/errors.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard, testFirmware } from './fixtures/stand-in-board.js';

t.test('the step\'s own timeout is board time, and running past it is a failure', async (t) => {
  const board = new StandInBoard();
  const r = await runStep(step({ wait: '1m', timeout: '10s' }), context(board, { timeScale: 100 }));
  t.equal(r.status, 'fail');
  t.equal(r.diagnosis, 'wait 1m did not finish within 10s');
  t.ok(r.durationMs >= 90 && r.durationMs < 500, `10 s at 100x is 100 ms wall, took ${r.durationMs}`);
});

t.test('a board call that ignores the signal cannot hold the step', async (t) => {
  const board = new StandInBoard();
  board.script.reset = () => new Promise(() => {}); // never settles
  board.log.push('0000000100 [system] INFO: last words');
  const r = await runStep(step({ reset: 'soft', timeout: '5s', name: 'reset that hangs' }), context(board, { timeScale: 100 }));
  t.equal(r.status, 'fail');
  t.equal(r.name, 'reset that hangs', 'the plan\'s name for it');
  t.equal(r.diagnosis, 'reset that hangs did not finish within 5s');
  t.same(r.logExcerpt, ['0000000100 [system] INFO: last words']);
});

t.test('cancelling the run is infra; the plan timeout (a DeadlineError) is a failure', async (t) => {
  const board = new StandInBoard();
  const run = new AbortController();
  const timer = setTimeout(() => run.abort(new Error('SIGINT')), 20);
  t.teardown(() => clearTimeout(timer));
  const cancelled = await runStep(step({ wait: '1h' }), context(board, { signal: run.signal }));
  t.same([cancelled.status, cancelled.diagnosis], ['infra', 'cancelled: SIGINT']);
  const plan = new AbortController();
  plan.abort(new DeadlineError('plan ota-applies', 600_000));
  const late = await runStep(step({ wait: '1s' }), context(board, { signal: plan.signal }));
  t.same([late.status, late.diagnosis], ['fail', 'plan ota-applies did not finish within 10m']);
});

t.test('the context remembers where the last action began and the last flash', async (t) => {
  const board = new StandInBoard();
  const fw = testFirmware('candidate', 9);
  const ctx = context(board, { firmware: [fw] });
  board.log.push('x', 'y');
  await runStep(step({ flash: 'candidate' }), ctx);
  t.same(ctx.lastAction, { logSeq: 2, eventSeq: 0 });
  t.equal(ctx.lastFlash?.firmware, 'candidate');
  board.log.push('z');
  await runStep(step({ 'expect-app': 'candidate' }), ctx);
  t.same(ctx.lastAction, { logSeq: 2, eventSeq: 0 }, 'an expectation does not move it');
  t.equal(ctx.lastFlash?.firmware, 'candidate', 'kept across steps that do not flash');
  await runStep(step({ power: 'cycle' }), ctx);
  t.same(ctx.lastAction, { logSeq: 3, eventSeq: 0 }, 'the next action does');
});

t.test('a passing step carries no excerpt; titles say what the step did', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board);
  board.log.push('a');
  const r = await runStep(step({ 'expect-log': { match: 'a', within: '1s' } }), ctx);
  t.equal(r.status, 'pass');
  t.equal(r.logExcerpt, undefined);
  t.equal(r.name, 'expect-log match /a/ within 1s');
  t.equal((await runStep(step({ repeat: { until: 'failure', max: 2, steps: [{ wait: '1ms' }] } }), context(board))).name, 'repeat until failure (at most 2)');
});
