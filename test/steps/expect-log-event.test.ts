// expect-log and expect-event on a stand-in board (fixtures/stand-in-board.ts
// says why): which part of the capture each looks at, `within` in board time,
// and `absent`.
import t from 'tap';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard } from './fixtures/stand-in-board.js';

t.test('expect-log match', async (t) => {
  t.test('counts lines printed since the last action began, even with expectations in between', async (t) => {
    const board = new StandInBoard();
    board.log.push('0000000001 [system] INFO: Device OS 1.5.2 started, reset reason: none');
    const ctx = context(board);
    board.script.reset = async () => board.log.push('0000000001 [system] INFO: Device OS 1.5.2 started, reset reason: user');
    t.equal((await runStep(step({ reset: 'soft' }), ctx)).status, 'pass');
    t.equal((await runStep(step({ 'expect-mode': 'normal' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-log': 'reset reason: user' }), ctx);
    t.equal(r.status, 'pass');
    t.equal(r.actual, '0000000001 [system] INFO: Device OS 1.5.2 started, reset reason: user');
    const older = await runStep(step({ 'expect-log': { match: 'reset reason: none', within: '1s' } }), ctx);
    t.equal(older.status, 'fail', 'a line from before the reset does not count');
    t.equal(older.diagnosis, 'no trace line matched /reset reason: none/ within 1s');
  });

  t.test('waits within board time for a line still to come', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    const timer = setTimeout(() => board.log.push('0000000500 [app] INFO: hello'), 50);
    t.teardown(() => clearTimeout(timer));
    const r = await runStep(step({ 'expect-log': { match: 'hello', within: '30s' } }), ctx);
    t.equal(r.status, 'pass', 'arrived after 50 ms wall = 5 s board, inside 30 s');
    const late = await runStep(step({ 'expect-log': { match: 'never', within: '5s' } }), ctx);
    t.equal(late.status, 'fail');
    t.ok(late.durationMs >= 45 && late.durationMs < 1000, `5 s board at 100x is 50 ms wall, took ${late.durationMs}`);
  });
});

t.test('expect-log absent', async (t) => {
  t.test('looks at the whole plan so far, not just the last step', async (t) => {
    const board = new StandInBoard();
    board.log.push('0000000001 [comm] WARN: handle received message failed - aborting transfer', 'noise before the plan');
    const ctx = context(board); // the plan starts here
    t.equal((await runStep(step({ 'expect-log': { absent: 'aborting transfer' } }), ctx)).status, 'pass', 'lines before the plan are another plan\'s');
    board.log.push('line 1', '0000729694 [comm] WARN: handle received message failed - aborting transfer', 'line 3');
    await runStep(step({ wait: '1s' }), ctx);
    await runStep(step({ wait: '1s' }), ctx);
    const r = await runStep(step({ 'expect-log': { absent: 'missing chunks|aborting transfer' } }), ctx);
    t.equal(r.status, 'fail');
    t.same(r.expected, { absent: 'missing chunks|aborting transfer' });
    t.match(r.diagnosis, /must not appear: .*aborting transfer/);
    t.same(r.logExcerpt, ['0000000001 [comm] WARN: handle received message failed - aborting transfer', 'noise before the plan', 'line 1',
      '0000729694 [comm] WARN: handle received message failed - aborting transfer'], 'the excerpt ends at the offending line');
  });

  t.test('with within, also watches what arrives during it', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    const timer = setTimeout(() => board.log.push('0000000001 [system] PANIC: HardFault'), 20);
    t.teardown(() => clearTimeout(timer));
    const r = await runStep(step({ 'expect-log': { absent: 'PANIC', within: '10s' } }), ctx);
    t.equal(r.status, 'fail');
    t.equal(r.actual, '0000000001 [system] PANIC: HardFault');
  });
});

t.test('expect-event', async (t) => {
  t.test('name prefix and data pattern, from the start of the last action', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    board.events!.push('spark/flash/status', 'success ');
    await runStep(step({ fault: 'link-restore' }), ctx);
    await runStep(step({ wait: '1s' }), ctx);
    board.events!.push('spark/flash/status', 'started ');
    const timer = setTimeout(() => board.events!.push('spark/flash/status', 'success '), 30);
    t.teardown(() => clearTimeout(timer));
    const r = await runStep(step({ 'expect-event': { name: 'spark/flash', data: '^success', within: '2m' } }), ctx);
    t.equal(r.status, 'pass');
    t.match(r.actual, { name: 'spark/flash/status', data: 'success ' });
    t.equal(r.actual && (r.actual as { data: string }).data, 'success ');
    t.equal(board.events!.events().length, 3, 'the success before the fault step did not count; the late one did');
  });

  t.test('a missing event fails with what came instead and a diagnosis', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    ctx.lastFlash = { firmware: 'candidate', via: 'ota', report: { method: 'ota', durationMs: 1, messages: [] }, id: 1, at: Date.now(), logSeq: 0, eventSeq: 0 };
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'failed');
    board.events!.push('spark/device/last_reset', 'update_timeout');
    board.log.push('0000729694 [comm] TRACE: update done - missing chunks starting at 75');
    const r = await runStep(step({ 'expect-event': { name: 'spark/flash/status', data: 'success', within: '30s' } }), ctx);
    t.equal(r.status, 'fail');
    t.same(r.expected, { name: 'spark/flash/status', data: 'success' });
    t.match(r.actual, [{ data: 'started ' }, { data: 'failed' }]);
    t.equal(r.diagnosis, 'update_timeout: the transfer stalled at chunk 75 and the board reset without applying the update');
  });

  t.test('absent: no such event within', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    t.equal((await runStep(step({ 'expect-event': { name: 'spark/flash/status', data: 'failed', absent: true, within: '10s' } }), ctx)).status, 'pass');
    board.events!.push('spark/flash/status', 'failed');
    const r = await runStep(step({ 'expect-event': { name: 'spark/flash/status', data: 'failed', absent: true, within: '10s' } }), ctx);
    t.equal(r.status, 'fail');
    t.match(r.diagnosis, /arrived, which the plan says must not/);
  });

  t.test('a bench without a cloud skips it with the reason', async (t) => {
    const board = new StandInBoard({ cloud: false });
    const r = await runStep(step({ 'expect-event': { name: 'spark/flash/status' } }), context(board));
    t.equal(r.status, 'skip');
    t.match(r.skipReason, /names no cloud/);
  });
});
