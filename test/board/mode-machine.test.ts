// The modes as one state machine: the table of routes (every mode reaches
// every other one; off USB none), then the moves on the simulated bench,
// each verified by what the bus shows, those that restart the board each a
// new boot, and a move that cannot arrive refused with the reason.
import t from 'tap';
import { MODE_ROUTES, type Route } from '../../src/board/modes.js';
import type { BoardPresence } from '../../src/core/board-contract.js';
import type { BoardMode } from '../../src/core/domain.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { PHOTON, startBoardBench } from './fixtures/sim-bench.js';
import type { RigBoard } from '../../src/board/board.js';

const MODES: BoardMode[] = ['normal', 'listening', 'dfu', 'safe'];

t.test('the table of routes', async (t) => {
  t.test('from every mode to every other mode there is a way', async (t) => {
    for (const from of MODES) {
      for (const to of MODES.filter((m) => m !== from)) {
        const route = MODE_ROUTES[from][to];
        t.ok(route && !('impossible' in route), `${from} -> ${to}`);
      }
      t.equal(MODE_ROUTES[from][from as BoardMode], undefined, `${from} -> ${from}: nothing to do`);
    }
  });

  t.test('a route through another mode ends in one move from there', async (t) => {
    const through = (MODE_ROUTES.dfu.listening as Extract<Route, { through: BoardMode }>).through;
    t.equal(through, 'normal', 'listening mode is asked of Device OS, not of the DFU bootloader');
    t.same(MODE_ROUTES[through].listening, { by: 'enterListening' });
  });

  t.test('off USB there is no way anywhere, and the fix says what to check', async (t) => {
    for (const to of MODES) t.match(MODE_ROUTES.absent[to], { impossible: undefined, fix: /plugged in and powered/ }, `absent -> ${to}`);
  });

  t.test('restarting moves in and out of DFU and safe mode; listening mode in place', async (t) => {
    const by = (from: BoardPresence, to: BoardMode): string | undefined => {
      const r = MODE_ROUTES[from][to];
      return r && 'by' in r ? r.by : undefined;
    };
    t.same([by('normal', 'dfu'), by('dfu', 'normal'), by('normal', 'safe'), by('safe', 'normal'), by('normal', 'listening'), by('listening', 'normal')],
      ['enterDfu', 'leaveDfu', 'enterSafe', 'leaveSafe', 'enterListening', 'leaveListening']);
  });
});

t.test('moves on the simulated bench', async (t) => {
  const bench = await startBoardBench(t, { boards: [{ name: 'photon-1', platform: 'photon', id: PHOTON, sim: { deviceOs: '1.5.2' } }], without: ['cloud'] });
  const board = bench.board('photon-1') as RigBoard;
  const sim = bench.sim.handles['photon-1']!;
  const boot = async (): Promise<number> => {
    await board.presence();
    return board.boots.current!.number;
  };

  t.test('normal -> dfu -> normal: each move restarts the board', async (t) => {
    const n = await boot();
    await board.enterMode('dfu');
    t.equal(sim.mode, 'dfu');
    t.equal(await boot(), n + 1);
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
    t.equal(await boot(), n + 2);
    t.same(board.boots.list().slice(n).map((b) => b.why), ['mode', 'mode']);
  });

  t.test('normal -> listening -> normal: in place, the same boot', async (t) => {
    const n = await boot();
    await board.enterMode('listening');
    t.equal(await board.presence(), 'listening');
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
    t.equal(await boot(), n);
  });

  t.test('normal -> safe -> listening -> safe -> normal', async (t) => {
    const n = await boot();
    await board.enterMode('safe');
    t.equal(await board.presence(), 'safe', 'the boot the rig asked for safe mode in');
    t.equal(await boot(), n + 1);
    await board.enterMode('listening');
    t.equal(sim.mode, 'listening');
    await board.enterMode('safe');
    t.equal(sim.mode, 'safe');
    t.equal(await boot(), n + 1, 'Device OS leaves listening mode for the safe mode it was in: no restart');
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
    t.equal(await boot(), n + 2, 'out of safe mode by a reset');
  });

  t.test('listening (entered from safe mode) -> normal goes back through safe mode', async (t) => {
    await board.enterMode('safe');
    await board.enterMode('listening');
    const n = await boot();
    await board.enterMode('normal');
    t.equal(sim.mode, 'normal');
    t.equal(await boot(), n + 1, 'left listening in place, then one reset');
  });

  t.test('an impossible move says why, and leaves the board alone', async (t) => {
    // A user part that needs a newer system part: Device OS boots into safe mode, and again after every reset.
    const image = makeTestApp({ platform: 'photon', version: 3, depends: [{ func: 'system-part', index: 2, version: 3000 }] });
    await board.flash({ name: 'needs-newer-os', image, info: parseModule(image), source: 'make' }, 'dfu');
    t.equal(await board.presence(), 'safe');
    const n = await boot();
    const reason = sim.resetReason;
    await t.rejects(board.enterMode('normal'), {
      name: 'InfraError',
      message: /^photon-1 is in safe mode: cannot enter normal mode: user part 1 fails its dependencies check, and Device OS boots into safe mode until its modules pass$/,
      fix: /flash a user part that its system parts satisfy/,
    });
    t.equal(await boot(), n, 'no reset was sent');
    t.equal(sim.resetReason, reason);
    await board.enterMode('dfu');
    t.equal(sim.mode, 'dfu', 'the moves that can work still do');
  });

  t.test('off USB: no way anywhere', async (t) => {
    sim.faults.unplug();
    await t.rejects(board.enterMode('listening'), { name: 'InfraError', message: /^photon-1 is not on USB: cannot enter listening mode$/, fix: /plugged in and powered/ });
    sim.faults.replug();
  });
});
