// The Board's presence and modes on the simulated bench: every mode entered
// through USB control requests and verified by what the bus shows, the
// board followed by device ID across every re-enumeration.
import t from 'tap';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { startBoardBench, until } from './fixtures/sim-bench.js';

t.test('presence and mode changes', async (t) => {
  const bench = await startBoardBench(t);
  const board = bench.board('photon-1');
  const sim = bench.sim.handles['photon-1']!;

  t.test('a booted board is in normal mode', async (t) => {
    t.equal(await board.presence(), 'normal');
  });

  t.test('listening mode, and back to normal', async (t) => {
    await board.enterMode('listening');
    t.equal(sim.mode, 'listening');
    t.equal(await board.presence(), 'listening');
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
  });

  t.test('DFU mode: the DFU PID', async (t) => {
    await board.enterMode('dfu');
    t.equal(sim.mode, 'dfu');
    t.equal(await board.presence(), 'dfu');
    t.equal(await board.waitForPresence('dfu', { withinMs: 10 }), true);
  });

  t.test('safe mode from DFU mode (DfuSe 0xFA), remembered for this enumeration', async (t) => {
    await board.enterMode('safe');
    t.equal(sim.mode, 'safe');
    t.equal(await board.presence(), 'safe', 'Device OS says NORMAL; the rig knows it asked');
  });

  t.test('normal from safe mode is a reset', async (t) => {
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
    t.equal(await board.presence(), 'normal');
  });

  t.test('safe mode from normal mode (request 60)', async (t) => {
    await board.enterMode('safe');
    t.equal(sim.mode, 'safe');
    t.equal(sim.resetReason, 'safe_mode');
  });

  t.test('listening from safe mode and back returns to safe mode', async (t) => {
    await board.enterMode('listening');
    t.equal(await board.presence(), 'listening');
    sim.enterMode('normal'); // `x`: back where it came from
    await until(() => sim.mode === 'safe', 'the board is back in safe mode');
    t.equal(await board.presence(), 'safe');
    await board.enterMode('normal');
  });

  t.test('listening from DFU mode goes through normal mode', async (t) => {
    await board.enterMode('dfu');
    await board.enterMode('listening');
    t.equal(sim.mode, 'listening');
    await board.enterMode('normal');
  });

  t.test('unplugged: absent, then back', async (t) => {
    sim.faults.unplug();
    t.equal(await board.presence(), 'absent');
    t.equal(await board.waitForPresence('normal', { withinMs: 100 }), false, 'a wait that cannot succeed ends at its limit');
    await t.rejects(board.enterMode('dfu'), { name: 'InfraError', message: /photon-1 is not on USB: cannot enter dfu mode/ });
    setTimeout(() => sim.faults.replug(), 50);
    t.equal(await board.waitForPresence('normal', { withinMs: 3000 }), true, 'followed back by device ID');
  });
});

t.test('safe mode read from the modules: a user part whose dependency is not met', async (t) => {
  const bench = await startBoardBench(t, { boards: [{ name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738', sim: { deviceOs: '1.5.2' } }] });
  const board = bench.board('photon-1');
  const image = makeTestApp({ platform: 'photon', version: 3, depends: [{ func: 'system-part', index: 2, version: 3000 }] });
  const report = await board.flash({ name: 'needs-newer-os', image, info: parseModule(image), source: 'make' }, 'dfu');
  t.equal(report.messages.at(-1), 'board back in safe mode');
  t.equal(bench.sim.handles['photon-1']?.mode, 'safe');
  t.equal(await board.presence(), 'safe', 'no memory of a request: the module check failed');
  const user = (await board.modules()).find((m) => m.func === 'user-part');
  t.equal(user?.checks.dependencies, false);
  t.same(await board.runningApp(), { hash: undefined, source: 'usb', mode: 'safe', boot: board.boots.current }, 'no app runs in safe mode');
});
