// flash and expect-app on a stand-in board (fixtures/stand-in-board.ts says
// why a stand-in): what a flash remembers for later steps, how the board's
// refusal and the rig's lost reach end differently, and how expect-app
// compares and waits.
import t from 'tap';
import { FlashRejectedError, InfraError } from '../../src/core/errors.js';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard, testFirmware } from './fixtures/stand-in-board.js';

const baseline = testFirmware('baseline', 3);
const candidate = testFirmware('candidate', 4);

t.test('flash', async (t) => {
  t.test('sends the image the way the plan says and remembers the flash', async (t) => {
    const board = new StandInBoard();
    board.events!.push('spark/device/app-hash', baseline.info.sha256.toUpperCase());
    board.log.push('before');
    const ctx = context(board, { firmware: [baseline, candidate] });
    const r = await runStep(step({ flash: 'candidate', via: 'ota' }), ctx);
    t.equal(r.status, 'pass');
    t.equal(r.name, 'flash candidate via ota');
    t.same(board.called('flash').map((c) => c.args), [['candidate', 'ota']]);
    t.match(r.details, { firmware: 'candidate', via: 'ota', sha256: candidate.info.sha256, bytes: candidate.image.length, messages: ['File downloaded successfully'] });
    t.match(ctx.lastFlash, { firmware: 'candidate', via: 'ota', logSeq: 1, eventSeq: 1, sha256: candidate.info.sha256, appBefore: baseline.info.sha256 },
      'where the captures stood, and the app the cloud last saw (lower-cased)');
    t.ok(ctx.notes.some((n) => n === 'flash candidate via ota: 100%'), 'progress reaches the display');
  });

  t.test('the app the cloud saw is not the app before the flash once the board left the cloud since', async (t) => {
    const board = new StandInBoard();
    board.events!.push('spark/device/app-hash', baseline.info.sha256.toUpperCase());
    board.events!.push('spark/status', 'offline'); // a DFU flash, say, before the board is back online
    const ctx = context(board, { firmware: [baseline, candidate] });
    t.equal((await runStep(step({ flash: 'candidate', via: 'ota' }), ctx)).status, 'pass');
    t.equal(ctx.lastFlash?.appBefore, undefined, 'unknown, not the app of an earlier boot');
    board.events!.push('spark/status', 'online');
    board.events!.push('spark/device/app-hash', candidate.info.sha256.toUpperCase());
    await runStep(step({ flash: 'baseline', via: 'ota' }), ctx);
    t.equal(ctx.lastFlash?.appBefore, candidate.info.sha256, 'known again once the board said it');
  });

  t.test('a board refusing the image fails the step with its own words, and is still the last flash', async (t) => {
    const board = new StandInBoard();
    board.script.flash = async () => { throw new FlashRejectedError('Validation failed: 16', 'serial', ['Validation failed: 16']); };
    board.log.push('0000001000 [system] INFO: ready', 'Validation failed: 16');
    const ctx = context(board, { firmware: [candidate] });
    const r = await runStep(step({ flash: 'candidate', via: 'serial' }), ctx);
    t.equal(r.status, 'fail');
    t.match(r.diagnosis, /refused the firmware \(serial\): Validation failed: 16/);
    t.same(r.logExcerpt, ['0000001000 [system] INFO: ready', 'Validation failed: 16'], 'the last log lines');
    t.same(ctx.lastFlash?.report.messages, ['Validation failed: 16']);
  });

  t.test('a board the rig cannot reach is infra, never a failure', async (t) => {
    const board = new StandInBoard();
    board.script.flash = async () => { throw new InfraError('No DFU capable USB device available', 'is the board plugged in?'); };
    const ctx = context(board, { firmware: [candidate] });
    const r = await runStep(step({ flash: 'candidate' }), ctx);
    t.equal(r.status, 'infra');
    t.equal(r.name, 'flash candidate via dfu', 'dfu is the default');
    t.equal(r.diagnosis, 'No DFU capable USB device available (is the board plugged in?)');
    t.equal(ctx.lastFlash, undefined, 'nothing reached the board');
  });

  t.test('an unknown firmware name is bad input, rethrown for the runner', async (t) => {
    const board = new StandInBoard();
    await t.rejects(runStep(step({ flash: 'nightly' }), context(board)), { name: 'InputError' });
    t.equal(board.called('flash').length, 0, 'nothing sent');
  });
});

t.test('expect-app', async (t) => {
  t.test('compares hashes case-insensitively (Device OS reports upper-case)', async (t) => {
    const board = new StandInBoard();
    board.app = candidate.info.sha256.toUpperCase();
    const r = await runStep(step({ 'expect-app': 'candidate' }), context(board, { firmware: [candidate] }));
    t.equal(r.status, 'pass');
    t.equal(r.actual, candidate.info.sha256);
    t.match(r.details, { source: 'usb', reads: 1 }, 'a match ends the wait at once');
  });

  t.test('polls until within while the board boots the new app', async (t) => {
    const board = new StandInBoard();
    let reads = 0;
    board.script.runningApp = async () => {
      reads++;
      if (reads === 1) throw new InfraError('board not on USB');
      return { hash: reads < 4 ? baseline.info.sha256 : candidate.info.sha256, source: 'usb', mode: 'normal' };
    };
    const r = await runStep(step({ 'expect-app': 'candidate', within: '2m' }), context(board, { firmware: [candidate] }));
    t.equal(r.status, 'pass', 'a board rebooting for a moment is asked again');
    t.equal(reads, 4);
  });

  t.test('an OTA that reported success without applying the update', async (t) => {
    const board = new StandInBoard();
    board.app = baseline.info.sha256.toUpperCase();
    board.events!.push('spark/device/app-hash', baseline.info.sha256.toUpperCase());
    const ctx = context(board, { firmware: [baseline, candidate], timeScale: 1000 });
    board.script.flash = async (fw, via) => {
      // The field failure of seed 001: the transfer completes, the old app boots again.
      for (const [n, d] of [['spark/flash/status', 'started '], ['spark/flash/status', 'success '], ['spark/device/last_reset', 'update'], ['spark/device/app-hash', baseline.info.sha256.toUpperCase()]]) {
        board.events!.push(n!, d!);
      }
      return { method: via, durationMs: 5, messages: [`Update started for ${fw.name}`] };
    };
    board.log.push('0000000500 [comm] TRACE: update done - all done!');
    t.equal((await runStep(step({ flash: 'candidate', via: 'ota' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-app': 'candidate', within: '30s' }), ctx);
    t.equal(r.status, 'fail');
    t.equal(r.expected, candidate.info.sha256);
    t.equal(r.actual, baseline.info.sha256);
    t.equal(r.diagnosis, `OTA reported success but the running app is still ${baseline.info.sha256.slice(0, 8)}: the update was not applied`);
    t.match(r.details, { diagnosisBasis: [/success/, /running app/, /expected app/, /last_reset/] }, 'the evidence it rests on');
    t.same(r.logExcerpt, ['0000000500 [comm] TRACE: update done - all done!']);
    t.ok(r.durationMs >= 25, 'waited the whole 30 s of board time (30 ms wall at 1000x)');
  });

  t.test('no diagnosis to make: the step says what it saw', async (t) => {
    const board = new StandInBoard();
    board.app = undefined;
    const r = await runStep(step({ 'expect-app': 'candidate', within: '1s' }), context(board, { firmware: [candidate] }));
    t.equal(r.status, 'fail');
    t.equal(r.actual, null);
    t.equal(r.diagnosis, `no valid app runs; expected candidate (${candidate.info.sha256.slice(0, 8)})`);
  });

  t.test('a board never reached at all is infra', async (t) => {
    const board = new StandInBoard();
    board.script.runningApp = async () => { throw new InfraError('board 0123 is not on USB'); };
    const r = await runStep(step({ 'expect-app': 'candidate', within: '2s' }), context(board, { firmware: [candidate] }));
    t.equal(r.status, 'infra');
    t.equal(r.diagnosis, 'board 0123 is not on USB');
  });
});
