// runStep's shared rules, on a stand-in board (fixtures/stand-in-board.ts
// says why): time limits come from the runner (ctx.limitStep, here the
// runner's own BoardLimits) and running past one is a failure, cancellation,
// a board call that never returns, names, the log excerpt, and the context's
// memory.
import t from 'tap';
import { runStep } from '../../src/steps/index.js';
import { BoardLimits } from '../../src/runner/limits.js';
import { context, step, type TestContext } from './fixtures/context.js';
import { StandInBoard, testFirmware } from './fixtures/stand-in-board.js';

/** The context as the runner gives it: the plan's deadline in its signal, each step's from limitStep. */
function limited(ctx: TestContext, plan: { name: string; timeoutMs: number } = { name: 'p', timeoutMs: 3_600_000 }): BoardLimits {
  const limits = new BoardLimits({ plan, clock: ctx.clock, run: ctx.signal });
  ctx.signal = limits.signal;
  ctx.limitStep = (s, title, signal) => limits.forStep(s, title, signal);
  const note = ctx.note;
  ctx.note = (text) => {
    limits.note(text);
    note(text);
  };
  t.teardown(() => limits.clear());
  return limits;
}

t.test('the step\'s own timeout is board time, and running past it is a failure that says what the step was doing', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 100 });
  limited(ctx);
  const r = await runStep(step({ wait: '1m', timeout: '10s' }), ctx);
  t.equal(r.status, 'fail');
  t.equal(r.diagnosis, 'the step\'s timeout of 10 s board time ran out while waiting 60000 ms of board time');
  t.ok(r.durationMs >= 90 && r.durationMs < 500, `10 s at 100x is 100 ms wall, took ${r.durationMs}`);
});

t.test('a board call that ignores the signal cannot hold the step', async (t) => {
  const board = new StandInBoard();
  board.script.reset = () => new Promise(() => {}); // never settles
  board.log.push('0000000100 [system] INFO: last words');
  const ctx = context(board, { timeScale: 100 });
  limited(ctx);
  const r = await runStep(step({ reset: 'soft', timeout: '5s', name: 'reset that hangs' }), ctx);
  t.equal(r.status, 'fail');
  t.equal(r.name, 'reset that hangs', 'the plan\'s name for it');
  t.equal(r.diagnosis, 'the step\'s timeout of 5 s board time ran out during reset (soft)');
  t.same(r.logExcerpt, ['0000000100 [system] INFO: last words']);
});

t.test('runStep sets no timer of its own: without the runner\'s limits a step runs under the context\'s signal alone', async (t) => {
  const board = new StandInBoard();
  const r = await runStep(step({ wait: '5s', timeout: '1s' }), context(board, { timeScale: 100 }));
  t.equal(r.status, 'pass', 'the 1 s timeout is the runner\'s to enforce');
});

t.test('cancelling the run is infra; the plan\'s timeout is a failure of the step it interrupted', async (t) => {
  const board = new StandInBoard();
  const run = new AbortController();
  const timer = setTimeout(() => run.abort(new Error('SIGINT')), 20);
  t.teardown(() => clearTimeout(timer));
  const cancelled = await runStep(step({ wait: '1h' }), context(board, { signal: run.signal }));
  t.same([cancelled.status, cancelled.diagnosis], ['infra', 'cancelled: SIGINT']);
  const ctx = context(board, { timeScale: 100 });
  const limits = limited(ctx, { name: 'ota-applies', timeoutMs: 2000 });
  const late = await runStep(step({ wait: '1m' }), ctx);
  t.same([late.status, late.diagnosis], ['fail', 'the plan\'s timeout of 2 s board time ran out while waiting 60000 ms of board time']);
  t.ok(limits.planRanOut);
});

t.test('a step inside a repeat has its own timeout from the same owner; the repeat fails with it', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 100 });
  limited(ctx);
  const r = await runStep(step({ repeat: { times: 3, steps: [{ wait: '1s' }, { wait: '1m', timeout: '2s', name: 'long wait' }] } }), ctx);
  t.equal(r.status, 'fail');
  t.equal(r.children?.length, 3, 'each attempt ran into it');
  t.same(r.children?.[0]?.children?.map((c) => [c.name, c.status, c.diagnosis]), [
    ['wait 1s', 'pass', undefined],
    ['long wait', 'fail', 'the step\'s timeout of 2 s board time ran out while waiting 60000 ms of board time'],
  ]);
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
