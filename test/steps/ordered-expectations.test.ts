// `after: previous` on a stand-in board (fixtures/stand-in-board.ts), where
// the order and the arrival times of lines and events are the test's to set:
// same capture by sequence, across captures by arrival time with the slack,
// the diagnosis when the symptom came only before, and what resets the order.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LogLine } from '../../src/core/board-contract.js';
import { runStep } from '../../src/steps/index.js';
import { crossStreamSlackMs } from '../../src/steps/judging/symptom-window.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard } from './fixtures/stand-in-board.js';
import { BenchClock } from '../../src/core/clock.js';

const STARTED = { 'expect-event': { name: 'spark/flash/status', data: '^started', within: '1s' } } as const;
const SUCCESS = { 'expect-event': { name: 'spark/flash/status', data: '^success', within: '1s' } } as const;

t.test('within one capture: by sequence', async (t) => {
  t.test('in the order the board reported them: passes, and says what it followed', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'success ');
    t.equal((await runStep(step(STARTED), ctx)).status, 'pass');
    const r = await runStep(step({ ...SUCCESS, after: 'previous' }), ctx);
    t.equal(r.status, 'pass');
    t.equal(r.name, 'expect-event spark/flash/status /^success/ after previous within 1s');
    t.match(r.details, { after: 'event spark/flash/status "started "', afterStep: 'expect-event spark/flash/status /^started/ within 1s' });
  });

  t.test('reversed: fails, saying the symptom came before the previous one, not after it', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'success ');
    t.equal((await runStep(step(SUCCESS), ctx)).status, 'pass', 'unordered, success is there');
    const r = await runStep(step({ ...STARTED, after: 'previous' }), ctx);
    t.equal(r.status, 'fail');
    t.equal(r.diagnosis, 'event spark/flash/status "started " arrived, but before event spark/flash/status "success ", not after it');
    t.same(r.expected, { name: 'spark/flash/status', data: '^started', after: 'event spark/flash/status "success "' });
    t.match(r.actual, { name: 'spark/flash/status', data: 'started ' });
    const unordered = await runStep(step(STARTED), ctx);
    t.equal(unordered.status, 'pass', 'the same expectation without after passes: only the order is wrong');
  });

  t.test('the line the previous expectation matched does not count twice', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.log.push('0000729694 [comm] TRACE: update done - missing chunks starting at 75');
    t.equal((await runStep(step({ 'expect-log': 'missing chunks' }), ctx)).status, 'pass');
    const again = await runStep(step({ 'expect-log': { match: 'missing chunks', within: '1s' }, after: 'previous' }), ctx);
    t.equal(again.status, 'fail');
    t.equal(again.diagnosis, 'trace line "0000729694 [comm] TRACE: update done - missing chunks starting at 75" arrived only as the match of the previous expectation (expect-log match /missing chunks/), not again after it');
    t.equal((await runStep(step({ 'expect-log': 'missing chunks' }), ctx)).status, 'pass', 'the failure ended the order; start it again');
    board.log.push('0000729695 [comm] TRACE: update done - missing chunks starting at 80');
    const second = await runStep(step({ 'expect-log': { match: 'missing chunks', within: '1s' }, after: 'previous' }), ctx);
    t.equal(second.status, 'pass', 'a second line after it does');
    t.match(second.actual, /starting at 80/);
  });

  t.test('waits for a symptom still to come after the previous one', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    board.events!.push('spark/flash/status', 'started ');
    t.equal((await runStep(step(STARTED), ctx)).status, 'pass');
    const timer = setTimeout(() => board.events!.push('spark/flash/status', 'success '), 30);
    t.teardown(() => clearTimeout(timer));
    t.equal((await runStep(step({ 'expect-event': { name: 'spark/flash/status', data: '^success', within: '30s' }, after: 'previous' }), ctx)).status, 'pass');
  });
});

t.test('across captures: by arrival time on the host, with the slack', async (t) => {
  t.test('the slack is a second of board time, at least 25 ms of wall time', async (t) => {
    t.equal(crossStreamSlackMs(new BenchClock(1)), 1000, 'a real bench: a second, more than the cloud usually takes');
    t.equal(crossStreamSlackMs(new BenchClock(20)), 50, 'the default simulated bench');
    t.equal(crossStreamSlackMs(new BenchClock(1000)), 25, 'never below the host\'s own jitter');
  });

  t.test('a trace line after a cloud event passes; one that arrived well before fails with the diagnosis', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 }); // slack 25 ms wall
    board.log.push('0000574030 [comm] WARN: handle received message failed - aborting transfer');
    await sleep(120);
    board.events!.push('spark/flash/status', 'started ');
    await sleep(60);
    board.log.push('0000729694 [comm] TRACE: update done - missing chunks starting at 75');
    t.equal((await runStep(step(STARTED), ctx)).status, 'pass');
    const after = await runStep(step({ 'expect-log': { match: 'missing chunks', within: '1s' }, after: 'previous' }), ctx);
    t.equal(after.status, 'pass');
    t.match(after.details, { after: 'event spark/flash/status "started "' });
    const before = await runStep(step({ 'expect-log': { match: 'aborting transfer', within: '1s' }, after: 'previous' }), ctx);
    t.equal(before.status, 'fail');
    t.equal(before.diagnosis, 'trace line "0000574030 [comm] WARN: handle received message failed - aborting transfer" arrived, but before trace line "0000729694 [comm] TRACE: update done - missing chunks starting at 75", not after it');
  });

  t.test('a line that arrived a moment before the event, within the slack, still counts as after it', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    // The board printed the line right after publishing; the event took the slower path.
    board.log.push('0000012629 [system] INFO: Cloud connected');
    await sleep(5);
    board.events!.push('spark/device/last_reset', 'update');
    t.equal((await runStep(step({ 'expect-reset': 'update' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-log': { match: 'Cloud connected', within: '1s' }, after: 'previous' }), ctx);
    t.equal(r.status, 'pass');
  });

  t.test('a line delivered late by a reopen counts from when the port went away', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 }); // slack 25 ms wall
    const portGone = Date.now();
    // The board printed its setup line and then published; the host reopened its port 200 ms later.
    board.events!.push('spark/flash/status', 'started ');
    await sleep(200);
    board.log.push('0000002402 [app] INFO: update allowed: updates stay enabled this boot; flag cleared');
    const line = board.log.lines().at(-1) as LogLine;
    t.equal((await runStep(step({ 'expect-log': 'update allowed' }), ctx)).status, 'pass');
    const unmarked = await runStep(step({ ...STARTED, after: 'previous' }), ctx);
    t.equal(unmarked.status, 'fail', 'by arrival alone the event looks 200 ms earlier');
    line.printedFrom = portGone;
    t.equal((await runStep(step({ 'expect-log': 'update allowed' }), ctx)).status, 'pass');
    t.equal((await runStep(step({ ...STARTED, after: 'previous' }), ctx)).status, 'pass', 'from when the port went away, the order cannot be told: not before');
  });

  t.test('a reset reported before the trace line it should follow', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 100 });
    board.events!.push('spark/device/last_reset', 'update_timeout');
    await sleep(300);
    board.log.push('0000798675 [comm] WARN: handle received message failed - aborting transfer');
    t.equal((await runStep(step({ 'expect-log': 'aborting transfer' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-reset': { reason: 'update_timeout', within: '1s' }, after: 'previous' }), ctx);
    t.equal(r.status, 'fail');
    t.equal(r.diagnosis, 'reset update_timeout arrived, but before trace line "0000798675 [comm] WARN: handle received message failed - aborting transfer", not after it');
    t.ok((r.details?.arrivedBeforeByMs as number) >= 25_000, `about 30 s of board time before (${String(r.details?.arrivedBeforeByMs)} ms)`);
  });
});

t.test('what the order follows', async (t) => {
  t.test('an action starts afresh: the previous match before it is not what an ordered step follows', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/flash/status', 'started ');
    t.equal((await runStep(step(STARTED), ctx)).status, 'pass');
    t.ok(ctx.lastMatch, 'the match is remembered');
    t.equal((await runStep(step({ fault: 'link-restore' }), ctx)).status, 'pass');
    t.equal(ctx.lastMatch, undefined, 'the action ended the order');
  });

  t.test('steps that match nothing in the captures keep the order', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'success ');
    await runStep(step(STARTED), ctx);
    const before = ctx.lastMatch;
    await runStep(step({ wait: '10ms' }), ctx);
    await runStep(step({ 'expect-mode': 'normal' }), ctx);
    await runStep(step({ 'expect-log': { absent: 'PANIC' } }), ctx);
    t.equal(ctx.lastMatch, before);
    t.equal((await runStep(step({ ...SUCCESS, after: 'previous' }), ctx)).status, 'pass');
  });

  t.test('after a previous expectation that failed, the next looks from the last action and says the order was not checked', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/flash/status', 'started ');
    board.events!.push('spark/flash/status', 'success ');
    await runStep(step(STARTED), ctx);
    t.equal((await runStep(step({ 'expect-event': { name: 'spark/flash/status', data: '^failed', within: '1s' }, after: 'previous' }), ctx)).status, 'fail');
    t.equal(ctx.lastMatch, undefined);
    const r = await runStep(step({ ...STARTED, after: 'previous' }), ctx);
    t.equal(r.status, 'pass');
    t.match(r.details, { order: 'not checked: the previous expectation matched nothing' });
  });

  t.test('without a cloud an ordered expect-reset is a SKIP: the board\'s own report has no time', async (t) => {
    const board = new StandInBoard({ cloud: false });
    board.resetReason = 'update';
    const ctx = context(board, { timeScale: 1000 });
    board.log.push('0000012629 [system] INFO: Cloud connected');
    t.equal((await runStep(step({ 'expect-log': 'Cloud connected' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-reset': 'update', after: 'previous' }), ctx);
    t.equal(r.status, 'skip');
    t.match(r.skipReason, /without a time, so its order after the previous symptom cannot be checked/);
    t.equal((await runStep(step({ 'expect-reset': 'update' }), ctx)).status, 'pass', 'unordered it is judged by the board\'s report');
  });
});
