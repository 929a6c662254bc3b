// mode, expect-mode, reset, expect-reset, power, fault, inspect and
// expect-modules on a stand-in board (fixtures/stand-in-board.ts says why).
import t from 'tap';
import { type BoardModule } from '../../src/core/board-contract.js';
import { UnsupportedError, InfraError, TimeoutError } from '../../src/core/errors.js';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { StandInBoard } from './fixtures/stand-in-board.js';

function mod(func: BoardModule['func'], index: number, version: number, over: Partial<BoardModule> = {}): BoardModule {
  return {
    func, index, version, location: 'main', maxSize: 1, hash: undefined,
    checks: { integrity: true, dependencies: true, range: true, platform: true }, dependencies: [], ...over,
  };
}

const needs1406 = [
  mod('bootloader', 0, 201), mod('system-part', 1, 1104),
  mod('user-part', 1, 6, { checks: { integrity: true, dependencies: false, range: true, platform: true }, dependencies: [{ func: 'system-part', index: 1, version: 1406 }] }),
];

t.test('mode', async (t) => {
  t.test('enters the mode and reads it back', async (t) => {
    const board = new StandInBoard();
    const r = await runStep(step({ mode: 'dfu' }), context(board));
    t.equal(r.status, 'pass');
    t.same(board.calls.map((c) => c.method), ['enterMode', 'presence']);
  });

  t.test('a board that lands in safe mode failed the step, with the unmet dependency named', async (t) => {
    const board = new StandInBoard();
    board.script.enterMode = async () => {
      board.mode = 'safe';
      throw new TimeoutError('normal mode', 10_000);
    };
    board.installedModules = needs1406;
    const r = await runStep(step({ mode: 'normal' }), context(board));
    t.equal(r.status, 'fail', 'the board is there, in the wrong mode: the firmware\'s doing');
    t.equal(r.expected, 'normal');
    t.equal(r.actual, 'safe');
    t.equal(r.diagnosis, 'board entered safe mode: user part needs system part 1 version 1406, board has 1104');
  });

  t.test('a board that vanished is infra', async (t) => {
    const board = new StandInBoard();
    board.script.enterMode = async () => {
      board.mode = 'absent';
      throw new TimeoutError('re-enumeration in dfu mode', 10_000);
    };
    const r = await runStep(step({ mode: 'dfu' }), context(board));
    t.equal(r.status, 'infra');
    t.match(r.diagnosis, /re-enumeration in dfu mode did not happen/);
  });
});

t.test('expect-mode waits within, then diagnoses', async (t) => {
  const board = new StandInBoard();
  board.mode = 'absent';
  const timer = setTimeout(() => { board.mode = 'normal'; }, 30);
  t.teardown(() => clearTimeout(timer));
  t.equal((await runStep(step({ 'expect-mode': 'normal' }), context(board, { timeScale: 100 }))).status, 'pass', 'a board still re-enumerating is waited for');
  board.mode = 'safe';
  board.installedModules = needs1406;
  const r = await runStep(step({ 'expect-mode': 'normal', within: '1s' }), context(board, { timeScale: 100 }));
  t.equal(r.status, 'fail');
  t.match(r.diagnosis, /^board entered safe mode: user part needs system part 1 version 1406/);
});

t.test('reset and expect-reset', async (t) => {
  t.test('reset with expect-reason needs a new report of that reason', async (t) => {
    const board = new StandInBoard();
    board.events!.push('spark/device/last_reset', 'pin_reset'); // an old one: must not count
    const ctx = context(board, { timeScale: 1000 });
    board.script.reset = async () => { setTimeout(() => board.events!.push('spark/device/last_reset', 'user'), 10); };
    const ok = await runStep(step({ reset: { kind: 'soft', 'expect-reason': 'user' } }), ctx);
    t.equal(ok.status, 'pass');
    t.same(board.called('reset').map((c) => c.args), [['soft']]);
    board.script.reset = async () => {};
    const r = await runStep(step({ reset: { kind: 'pin', 'expect-reason': 'pin_reset' } }), ctx);
    t.equal(r.status, 'fail', 'the earlier pin_reset is not this reset');
    t.equal(r.actual, null);
    t.equal(r.diagnosis, 'the board reported no reset reason, not pin_reset');
  });

  t.test('expect-reset looks from the last action on', async (t) => {
    const board = new StandInBoard();
    const ctx = context(board, { timeScale: 1000 });
    board.events!.push('spark/device/last_reset', 'update');
    await runStep(step({ fault: 'link-restore' }), ctx);
    board.events!.push('spark/flash/status', 'failed');
    board.events!.push('spark/device/last_reset', 'update_timeout');
    t.equal((await runStep(step({ 'expect-reset': 'update_timeout' }), ctx)).status, 'pass');
    const r = await runStep(step({ 'expect-reset': { reason: 'update', within: '5s' } }), ctx);
    t.equal(r.status, 'fail');
    t.equal(r.actual, 'update_timeout', 'the update before the fault step does not count');
    t.equal(r.diagnosis, 'update_timeout: the transfer stalled and the board reset without applying the update',
      'update_timeout is evidence of a stalled transfer');
    const other = new StandInBoard();
    const otherCtx = context(other, { timeScale: 1000 });
    other.events!.push('spark/device/last_reset', 'pin_reset');
    const plain = await runStep(step({ 'expect-reset': { reason: 'user', within: '1s' } }), otherCtx);
    t.equal(plain.actual, 'pin_reset');
    t.equal(plain.diagnosis, 'the last reset reason reported is pin_reset, not user', 'nothing to diagnose: the step says what it saw');
  });

  t.test('without a cloud, the board\'s own report', async (t) => {
    const board = new StandInBoard({ cloud: false });
    board.resetReason = 'power_down';
    const r = await runStep(step({ 'expect-reset': 'power_down' }), context(board));
    t.equal(r.status, 'pass');
    t.same(r.details, { source: 'board' });
  });
});

t.test('power: a bench that cannot is a SKIP with its reason', async (t) => {
  const board = new StandInBoard();
  board.script.power = async () => { throw new UnsupportedError('the bench names no hub port for stand-in'); };
  const r = await runStep(step({ power: 'cycle' }), context(board));
  t.equal(r.status, 'skip');
  t.equal(r.skipReason, 'the bench names no hub port for stand-in');
  t.same(board.called('power').map((c) => c.args), [['cycle']]);
});

t.test('fault', async (t) => {
  t.test('now, for a while, then undone', async (t) => {
    const board = new StandInBoard();
    const r = await runStep(step({ fault: { kind: 'usb-unplug', for: '2s' } }), context(board, { timeScale: 100 }));
    t.equal(r.status, 'pass');
    t.same(board.called('fault').map((c) => c.args[0]), [{ kind: 'usb-unplug' }, { kind: 'usb-replug' }]);
    t.ok(r.durationMs >= 15, 'waited 2 s of board time');
    await runStep(step({ fault: { kind: 'power-cut', for: '1s' } }), context(board, { timeScale: 1000 }));
    t.same(board.called('power').map((c) => c.args), [['on']], 'a power cut is undone by power on');
  });

  t.test('link quality and file system fill pass their numbers', async (t) => {
    const board = new StandInBoard();
    await runStep(step({ fault: { kind: 'link', bandwidth: '2kbps', latency: '800ms', loss: '5%' } }), context(board));
    await runStep(step({ fault: 'fs-fill' }), context(board));
    t.same(board.called('fault').map((c) => c.args[0]), [
      { kind: 'link', bandwidthBps: 2000, latencyMs: 800, lossPercent: 5 },
      { kind: 'fs-fill', fillPercent: 100 },
    ]);
  });

  t.test('armed at a moment of a transfer', async (t) => {
    const board = new StandInBoard();
    const r = await runStep(step({ fault: { kind: 'power-cut', at: { transfer: 'ota', percent: '40%' } } }), context(board));
    t.equal(r.status, 'pass');
    t.same(board.called('fault').map((c) => c.args[0]), [{ fault: { kind: 'power-cut' }, at: { transfer: 'ota', percent: 40 } }]);
    // Lasting `for` a time is refused by the plan's schema (test/plan/loader-bad.test.ts): the rig cannot time its undo.
    t.throws(() => step({ fault: { kind: 'usb-unplug', at: { transfer: 'dfu', percent: 50 }, for: '5s' } }), /cannot follow a fault armed at dfu 50%/);
  });

  t.test('a fault the bench cannot impose is a SKIP', async (t) => {
    const board = new StandInBoard();
    board.script.fault = async () => { throw new UnsupportedError('the bench control service cannot impose fs-fill'); };
    const r = await runStep(step({ fault: 'fs-fill' }), context(board));
    t.same([r.status, r.skipReason], ['skip', 'the bench control service cannot impose fs-fill']);
  });
});

t.test('inspect records what can be read', async (t) => {
  const board = new StandInBoard();
  board.app = 'AB'.repeat(32);
  board.resetReason = 'user';
  board.installedModules = [mod('system-part', 1, 1406)];
  board.log.push('a', 'b');
  const r = await runStep(step({ inspect: 'after OTA' }), context(board));
  t.equal(r.status, 'pass');
  t.match(r.details, {
    label: 'after OTA', id: board.id, platform: 'argon', mode: 'normal', resetReason: 'user',
    app: { hash: 'ab'.repeat(32), source: 'usb' }, modules: ['system-part 1 in main, version 1406, dependencies pass, integrity pass'], logLines: 2, events: 0,
  });
  board.script.modules = async () => { throw new InfraError('control request timed out'); };
  const partial = await runStep(step({ inspect: true }), context(board));
  t.equal(partial.status, 'pass');
  t.same((partial.details as Record<string, unknown>).modules, { error: 'control request timed out' });
  board.script.presence = async () => { throw new InfraError('USB bus gone'); };
  t.equal((await runStep(step({ inspect: true }), context(board))).status, 'infra');
});

t.test('expect-modules', async (t) => {
  const board = new StandInBoard();
  board.installedModules = [mod('bootloader', 0, 201), mod('system-part', 1, 1406), mod('user-part', 1, 6, { location: 'factory' }), mod('user-part', 1, 7)];
  const ok = await runStep(step({ 'expect-modules': [
    { function: 'system-part', index: 1, version: '>=1406', dependencies: 'pass' },
    { function: 'user-part', version: 7 },
    { function: 'user-part', version: 6, location: 'factory' },
  ] }), context(board));
  t.equal(ok.status, 'pass');
  const r = await runStep(step({ 'expect-modules': [{ function: 'user-part', version: 6 }, { function: 'system-part', index: 2 }] }), context(board));
  t.equal(r.status, 'fail', 'without location, the main slot: the factory copy does not count');
  t.same(r.expected, ['user-part, in main, version 6', 'system-part 2, in main']);
  t.equal(r.diagnosis, 'user-part 1: version is 7; no system-part 2 in main');
  board.mode = 'safe';
  board.installedModules = needs1406;
  const safe = await runStep(step({ 'expect-modules': [{ function: 'user-part', dependencies: 'pass' }] }), context(board));
  t.equal(safe.diagnosis, 'board entered safe mode: user part needs system part 1 version 1406, board has 1104');
  t.same((safe.details as Record<string, unknown>).misses, ['user-part 1: dependency check fails']);
});
