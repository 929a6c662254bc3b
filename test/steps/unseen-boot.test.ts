// expect-log when the log capture missed a whole boot, on a stand-in board
// (fixtures/stand-in-board.ts says why: the blind span and the cloud's
// events are set exactly; test/board/log-capture.test.ts shows a real
// capture losing such a boot on a real PTY). Seed 001's step "on that boot
// the app clears its flag" once failed in a loaded lab this way: the boot
// after System.reset() came online, took its update and reset again before
// the host had reopened the port, and the firmware was blamed for a line the
// rig never had the chance to read. Now that is infrastructure, saying so;
// with the port open the whole time, the same silence is the firmware's.
import t from 'tap';
import { runStep } from '../../src/steps/index.js';
import { unseenSession } from '../../src/steps/judging/unseen-boot.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard } from './fixtures/stand-in-board.js';

const FLAG_CLEARED = { 'expect-log': { match: 'update allowed: updates stay enabled this boot', within: '1s' } };

/** The cloud's view of a user reset, its boot taking an update and resetting again: every event seq4 names. */
function userBootThenUpdate(board: StandInBoard): void {
  const cloud = board.events!;
  cloud.push('spark/status', 'offline');
  cloud.push('spark/status', 'online');
  cloud.push('spark/device/last_reset', 'user');
  cloud.push('spark/flash/status', 'started ');
  cloud.push('spark/flash/status', 'success ');
  cloud.push('spark/status', 'offline');
  cloud.push('spark/status', 'online');
  cloud.push('spark/device/last_reset', 'update');
}

t.test('a boot that came and went while the port was closed: infrastructure, naming the boot', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 50 });
  const closedAt = Date.now() - 1;
  userBootThenUpdate(board);
  board.log.blind.push({ from: closedAt, to: Date.now() + 1 });
  board.log.push('0000000323 [system] INFO: Device OS 5.5.0 started, reset reason: update', '0000002047 [app] INFO: System.disableUpdates(): updates wait for allowUpdate()');
  const r = await runStep(step(FLAG_CLEARED), ctx);
  t.equal(r.status, 'infra', r.diagnosis ?? 'infra');
  t.match(r.diagnosis, /^the log capture missed a whole boot, so the trace cannot say whether the board printed \/update allowed: updates stay enabled this boot\/ then: a boot \(reset reason user\) came online and went offline again [\d.]+m?s later, as the cloud saw it, all while the rig had its serial port closed for [\d.]+m?s \(the board reset again before the host had reopened it\)/);
  t.match(r.diagnosis, /a lower timeScale leaves the host time to reopen it/, 'and what to change');
});

t.test('the same silence with the port open the whole time is the firmware\'s', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 50 });
  userBootThenUpdate(board);
  board.log.push('0000000323 [system] INFO: Device OS 5.5.0 started, reset reason: user', '0000002047 [app] INFO: System.disableUpdates(): updates wait for allowUpdate()');
  const r = await runStep(step(FLAG_CLEARED), ctx);
  t.equal(r.status, 'fail');
  t.match(r.diagnosis, /^no trace line matched/);
});

t.test('a port closed only across each reset (the boot came online after it reopened) is no missed boot', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 50 });
  const cloud = board.events!;
  cloud.push('spark/status', 'offline');
  board.log.blind.push({ from: Date.now() - 1, to: Date.now() });
  await new Promise((r) => setTimeout(r, 5));
  cloud.push('spark/status', 'online');
  cloud.push('spark/device/last_reset', 'user');
  cloud.push('spark/status', 'offline');
  const r = await runStep(step(FLAG_CLEARED), ctx);
  t.equal(r.status, 'fail', 'the capture saw that boot: its silence is the firmware\'s');
});

t.test('the cloud\'s late offline of the session before is not a boot', async (t) => {
  // online (new session), offline (the old one, noticed late), then the new boot's reset reason: no boot began and ended.
  const at = Date.now();
  const events = [
    { name: 'spark/status', data: 'online', at: at + 1, seq: 0 },
    { name: 'spark/status', data: 'offline', at: at + 2, seq: 1 },
    { name: 'spark/device/last_reset', data: 'user', at: at + 3, seq: 2 },
  ].map((e) => ({ ...e, ttl: 60, publishedAt: '', coreid: 'x' }));
  t.equal(unseenSession([{ from: at }], events, { fromEventSeq: 0, now: at + 10 }), undefined);
  const whole = [
    { name: 'spark/status', data: 'online', at: at + 1, seq: 0 },
    { name: 'spark/device/last_reset', data: 'user', at: at + 2, seq: 1 },
    { name: 'spark/status', data: 'offline', at: at + 4, seq: 2 },
  ].map((e) => ({ ...e, ttl: 60, publishedAt: '', coreid: 'x' }));
  t.equal(unseenSession([{ from: at }], whole, { fromEventSeq: 0, now: at + 10 })?.reset.data, 'user', 'online, its reset reason, then offline: a boot');
  t.equal(unseenSession([{ from: at, to: at + 3 }], whole, { fromEventSeq: 0 }), undefined, 'unless the port reopened before it ended');
  t.equal(unseenSession([{ from: at }], whole, { fromEventSeq: 0, endedFrom: at + 5, now: at + 10 }), undefined, 'or it ended before the window began');
});

t.test('an absence is not proven over a boot the capture missed', async (t) => {
  const board = new StandInBoard();
  const ctx = context(board, { timeScale: 50 });
  const closedAt = Date.now() - 1;
  userBootThenUpdate(board);
  board.log.blind.push({ from: closedAt });
  const r = await runStep(step({ 'expect-log': { absent: 'PANIC' } }), ctx);
  t.equal(r.status, 'infra');
  t.match(r.diagnosis, /^the log capture missed a whole boot, so the trace cannot say whether the board printed \/PANIC\/: .*closed for [\d.]+m?s so far/);
  const seen = new StandInBoard();
  const seenCtx = context(seen, { timeScale: 50 });
  userBootThenUpdate(seen);
  t.equal((await runStep(step({ 'expect-log': { absent: 'PANIC' } }), seenCtx)).status, 'pass', 'with the port open, the absence stands');
});
