// The call step against a real Board on the simulated bench, through the
// bench's cloud and particle-api-js: seed 001's "the user allows the
// update" end to end, an unknown function, a wrong return value, a board
// offline or in safe mode, each with its diagnosis; no cloud is a SKIP and a
// cloud the rig cannot reach is infrastructure, without the token in sight.
import t from 'tap';
import { cloudFunctionsFor } from '../../src/board/cloud-functions.js';
import type { StepResult } from '../../src/core/domain.js';
import type { StepInput } from '../../src/plan/steps.js';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { appFor, simBoard } from './fixtures/sim-bench.js';
import { StandInBoard } from './fixtures/stand-in-board.js';
import { BenchClock } from '../../src/core/clock.js';

const KEEPER = { platform: 'argon', version: 3, behaviour: { disablesUpdates: true, updateFunction: 'allowUpdate' } } as const;

t.test('a simulated Argon whose app holds updates until allowUpdate() is called', async (t) => {
  const { board } = await simBoard(t, { platform: 'argon', deviceOs: '4.0.2' });
  const keeper = appFor('keeper', KEEPER);
  const candidate = appFor('candidate', { platform: 'argon', version: 4 });
  t.ok(board.functions, 'the bench has a cloud');
  const ctx = context(board, { firmware: [keeper, candidate], timeScale: 50 });
  const run = async (input: StepInput): Promise<StepResult> => runStep(step(input), ctx);

  t.test('the call lets the held update in: return value, System.reset(), then the update, in order', async (t) => {
    t.equal((await run({ flash: 'keeper', via: 'dfu' })).status, 'pass');
    t.equal((await run({ flash: 'candidate', via: 'ota', expect: 'pending', within: '1m' })).status, 'pass', 'held');
    const call = await run({ call: { function: 'allowUpdate', arg: 'now' }, expect: 1 });
    t.equal(call.status, 'pass', call.diagnosis ?? 'passes');
    t.equal(call.name, 'call allowUpdate("now") expecting 1');
    t.equal(call.actual, 1);
    t.match(call.details, { function: 'allowUpdate', arg: 'now' });
    for (const input of [
      { 'expect-reset': 'user' },
      { 'expect-event': { name: 'spark/flash/status', data: '^started', within: '1m' }, after: 'previous' },
      { 'expect-event': { name: 'spark/flash/status', data: '^success', within: '1m' }, after: 'previous' },
      { 'expect-reset': 'update', after: 'previous' },
      { 'expect-app': 'candidate', within: '1m' },
    ] as StepInput[]) {
      const r = await run(input);
      t.equal(r.status, 'pass', `${r.name}${r.diagnosis ? `: ${r.diagnosis}` : ''}`);
    }
  });

  t.test('a function the app does not register fails, naming the ones it does', async (t) => {
    t.equal((await run({ flash: 'keeper', via: 'dfu' })).status, 'pass');
    // within 1m (1.2 s wall): the rebooted board must get online before the
    // cloud can list its functions; 3 s of board time (60 ms) was a race on a
    // loaded machine, where the honest answer was "not connected".
    const r = await run({ call: 'allowUpdat', within: '1m' });
    t.equal(r.status, 'fail');
    t.equal(r.diagnosis, 'the board\'s app has no cloud function allowUpdat: it registers allowUpdate (cloud: HTTP 404: Function allowUpdat not found)');
    t.match(r.details, { connected: true, registered: ['allowUpdate'] });
  });

  t.test('a return value other than the expected one fails', async (t) => {
    const r = await run({ call: 'allowUpdate', expect: 0 });
    t.equal(r.status, 'fail');
    t.equal(r.diagnosis, 'allowUpdate("") returned 1, not 0');
    t.equal((await run({ 'expect-reset': 'user' })).status, 'pass', 'the function still ran: the app reset the board');
  });

  t.test('in safe mode the app does not run, so it registers nothing', async (t) => {
    t.equal((await run({ mode: 'safe' })).status, 'pass');
    const r = await run({ call: 'allowUpdate', within: '1m' });
    t.equal(r.status, 'fail');
    t.match(r.diagnosis, /^the board's app has no cloud function allowUpdate: it registers none \(in safe mode the app does not run\)/);
    t.equal((await run({ mode: 'normal' })).status, 'pass');
  });

  t.test('a board offline the whole time fails, saying so and where the board is', async (t) => {
    t.equal((await run({ mode: 'listening' })).status, 'pass');
    const r = await run({ call: 'allowUpdate', within: '5s' });
    t.equal(r.status, 'fail');
    t.equal(r.diagnosis, 'the board was not connected to the cloud for 5s, so allowUpdate("") could not be called (cloud: HTTP 404: Device is not connected); the board is in listening mode');
    t.match(r.details, { connected: false });
    t.equal((await run({ mode: 'normal' })).status, 'pass');
  });

  t.test('a board that is still connecting is waited for within the time given', async (t) => {
    t.equal((await run({ reset: 'soft' })).status, 'pass');
    const r = await run({ call: 'allowUpdate', expect: 1, within: '1m' });
    t.equal(r.status, 'pass', r.diagnosis ?? 'passes');
  });
});

t.test('a bench without a cloud: SKIP with the reason', async (t) => {
  const r = await runStep(step({ call: 'allowUpdate' }), context(new StandInBoard({ cloud: false })));
  t.equal(r.status, 'skip');
  t.equal(r.skipReason, 'the bench names no cloud, so cloud functions cannot be called');
});

t.test('a cloud the rig cannot reach is infrastructure, and the token stays out of the report', async (t) => {
  const token = 'secret-token-7f3a9c';
  const board = new StandInBoard();
  board.functions = cloudFunctionsFor({ name: 'lab', timeScale: 1, cloud: { api: 'http://127.0.0.1:9', token }, usb: { kind: 'native' } }, new BenchClock(1), board.id);
  const r = await runStep(step({ call: 'allowUpdate' }), context(board));
  t.equal(r.status, 'infra');
  t.match(r.diagnosis, /the cloud at http:\/\/127\.0\.0\.1:9 cannot be reached \(calling allowUpdate on 0123456789abcdef01234567\)/);
  t.notMatch(JSON.stringify(r), token);
});
