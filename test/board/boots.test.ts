// Boots: each restart the rig sees (a new USB enumeration) is a new boot,
// named for what the rig did to cause it; a piece of evidence (a trace
// line, a cloud event) belongs to the boot it arrived in; what a boot runs
// is read once per boot. First the bookkeeping alone, then on the
// simulated bench.
import t from 'tap';
import { BoardState } from '../../src/board/board-state.js';
import { firstSeqFrom } from '../../src/board/boots.js';
import type { BoardModule } from '../../src/core/board-contract.js';
import { usbBusFor } from '../../src/transport/usb.js';
import { PHOTON, countingModuleInfo, reopenBoard, startBoardBench } from './fixtures/sim-bench.js';

const noCaptures = { log: () => 0, events: () => 0 };

t.test('the bookkeeping, without a bench', async (t) => {
  t.test('a capture\'s first seq at or after a moment', async (t) => {
    const items = [{ at: 10, seq: 0 }, { at: 20, seq: 1 }, { at: 20, seq: 2 }, { at: 30, seq: 3 }];
    t.equal(firstSeqFrom(items, 5), 0);
    t.equal(firstSeqFrom(items, 20), 1, 'an item that arrived at that very moment is from it on');
    t.equal(firstSeqFrom(items, 25), 3);
    t.equal(firstSeqFrom(items, 31), 4, 'none yet: the next one');
    t.equal(firstSeqFrom([], 31), 0);
  });

  t.test('the first look finds a boot already running; the same enumeration stays that boot', async (t) => {
    const s = new BoardState({ openedAt: 100, seqs: noCaptures });
    t.equal(s.boots.current, undefined, 'nothing seen yet');
    const found = s.saw('e1', 110);
    t.match(found, { number: 1, why: 'found', startedAt: 100 });
    t.equal(s.saw('e1', 120), found);
    t.equal(s.boots.list().length, 1);
    t.equal(s.saw(undefined, 130), undefined, 'off USB: no boot to be in');
    t.equal(s.boots.current, found, 'the last boot seen is still the current one');
    t.notOk(s.boots.bootedSince(0), 'a boot found running began at an unknown time: never "since"');
  });

  t.test('a new enumeration is a new boot, dated from the look before it', async (t) => {
    const s = new BoardState({ openedAt: 100, seqs: noCaptures });
    const first = s.saw('e1', 110)!;
    s.saw('e1', 150);
    const second = s.saw('e2', 170)!;
    t.match(second, { number: 2, why: 'enumeration', startedAt: 150 });
    t.equal(s.boots.bootOf({ at: 149 }), first, 'evidence from before that look is the previous boot\'s');
    t.equal(s.boots.bootOf({ at: 150 }), second);
    t.equal(s.boots.bootOf({ at: 99 }), undefined, 'older than every boot seen');
    t.ok(s.boots.bootedSince(first));
    t.notOk(s.boots.bootedSince(second));
    t.ok(s.boots.bootedSince(149));
    t.notOk(s.boots.bootedSince(150));
  });

  t.test('a boot the rig causes is named for it and dated from its request', async (t) => {
    const s = new BoardState({ openedAt: 100, seqs: noCaptures });
    s.saw('e1', 110);
    s.expectBoot('reset', 200);
    s.saw(undefined, 210);
    t.match(s.saw('e2', 230), { number: 2, why: 'reset', startedAt: 210 }, 'the look that saw it gone is later than the request');
    s.expectBoot('power', 300);
    t.match(s.saw('e3', 310), { number: 3, why: 'power', startedAt: 300 }, 'the request is later than the last look');
    t.match(s.saw('e4', 320), { why: 'enumeration' }, 'an expectation names one boot only');
  });

  t.test('a withdrawn expectation names nothing', async (t) => {
    const s = new BoardState({ openedAt: 100, seqs: noCaptures });
    s.saw('e1', 110);
    const withdraw = s.expectBoot('flash', 200);
    withdraw();
    t.match(s.saw('e2', 210), { why: 'enumeration', startedAt: 110 });
    const old = s.expectBoot('mode', 300);
    s.expectBoot('reset', 310);
    old();
    t.match(s.saw('e3', 320), { why: 'reset' }, 'withdrawing an older expectation leaves a newer one');
  });

  t.test('a boot knows where the captures stood when it began', async (t) => {
    const lines = [{ at: 100, seq: 0 }, { at: 205, seq: 1 }];
    const events = [{ at: 150, seq: 0 }];
    const s = new BoardState({ openedAt: 90, seqs: { log: (at) => firstSeqFrom(lines, at), events: (at) => firstSeqFrom(events, at) } });
    t.match(s.saw('e1', 95), { logSeq: 0, eventSeq: 0 });
    s.expectBoot('reset', 200);
    t.match(s.saw('e2', 210), { logSeq: 1, eventSeq: 1 }, 'the line that arrived after the request is the new boot\'s; the event before is not');
  });

  t.test('what was read in a boot is kept for that boot only', async (t) => {
    const s = new BoardState({ seqs: noCaptures });
    const one = s.saw('e1', Date.now())!;
    const modules: BoardModule[] = [];
    t.equal(s.moduleInfo(one), undefined, 'not read yet');
    s.keepModuleInfo(one, undefined);
    t.same(s.moduleInfo(one), { modules: undefined }, 'a refusal is kept too (old Device OS)');
    s.keepModuleInfo(one, modules);
    s.keepSerialInfo(one, { platformId: 6, modules });
    s.cameBackInSafeMode(one);
    const two = s.saw('e2', Date.now())!;
    t.equal(s.moduleInfo(two), undefined);
    t.equal(s.serialInfo(two), undefined);
    t.notOk(s.safeByRequest(two), 'a restart ends the safe mode the rig asked for');
    t.ok(s.safeByRequest(one));
  });
});

// On a battery: pulling the USB cable leaves it running.
const ONE_PHOTON = [{ name: 'photon-1', platform: 'photon' as const, id: PHOTON, sim: { deviceOs: '1.5.2', power: 'external' as const } }];

t.test('boots on the simulated bench', async (t) => {
  const bench = await startBoardBench(t, { boards: ONE_PHOTON });
  const counted = countingModuleInfo(usbBusFor(bench.access.usb));
  const board = await reopenBoard(t, bench, 'photon-1', counted.bus);
  const sim = bench.sim.handles['photon-1']!;
  const boots = board.boots;
  await board.presence();
  const found = boots.current!;
  t.match(found, { number: 1, why: 'found' }, 'the boot the board was in when the rig opened it');

  t.test('a reset starts a new boot; what arrived before belongs to the previous one', async (t) => {
    // A boot the rig saw begin, so that its cloud events are in the capture too.
    await board.reset('soft');
    const previous = boots.current!;
    t.match(previous, { number: found.number + 1, why: 'reset' });
    const earlier = await board.log.waitFor(/\[app\] INFO/, { fromSeq: previous.logSeq, withinMs: 5000 });
    const online = await board.events?.waitFor('spark/status', { data: /^online$/, fromSeq: previous.eventSeq, withinMs: 5000 });
    t.ok(earlier && online, 'a trace line and an event from that boot');
    const asked = Date.now();
    await board.reset('soft');
    const boot = boots.current!;
    t.match(boot, { number: previous.number + 1, why: 'reset' });
    t.ok(boot.startedAt >= asked && boot.seenAt >= boot.startedAt, 'dated from the request, seen after');
    t.equal(boots.bootOf(earlier!), previous, 'the trace line from before is the previous boot\'s');
    t.equal(boots.bootOf(online!), previous, 'and so is the cloud event');
    const later = await board.log.waitFor(/\[app\] INFO/, { fromSeq: boot.logSeq, withinMs: 5000 });
    t.equal(later && boots.bootOf(later), boot, 'what the board printed after the reset is the new boot\'s');
    t.ok(boot.logSeq > earlier!.seq && boot.eventSeq > online!.seq, 'the boot starts in the captures after them');
    const back = await board.events?.waitFor('spark/status', { data: /^online$/, fromSeq: boot.eventSeq, withinMs: 5000 });
    t.equal(back && boots.bootOf(back), boot, 'the board coming back online is the new boot\'s');
    t.ok(boots.bootedSince(previous) && boots.bootedSince(asked));
    t.notOk(boots.bootedSince(boot));
  });

  t.test('module info is read once per boot, and again after a new boot', async (t) => {
    await board.presence();
    const once = counted.count();
    await board.presence();
    await board.modules();
    await board.runningApp();
    t.equal(counted.count(), once, 'telling the mode, listing the modules, finding the app: one read in this boot');
    await board.reset('pin');
    await board.presence();
    t.equal(counted.count(), once + 1, 'a new boot: read again, once');
    await board.modules();
    t.equal(counted.count(), once + 1);
  });

  t.test('every way the rig restarts the board names the boot', async (t) => {
    const whys: string[] = [];
    const next = (): void => void whys.push(boots.current!.why);
    await board.reset('power');
    next();
    await board.enterMode('dfu');
    next();
    await board.enterMode('normal');
    next();
    const n = boots.current!.number;
    await board.enterMode('listening');
    await board.enterMode('normal');
    t.equal(boots.current!.number, n, 'listening mode is entered and left in place: no new boot');
    await board.power('off');
    t.equal(await board.presence(), 'absent');
    await board.power('on');
    t.equal(await board.waitForPresence('normal', { withinMs: 3000 }), true);
    next();
    t.same(whys, ['power', 'mode', 'mode', 'power']);
  });

  t.test('a board that comes back on its own is a boot the rig saw but did not cause', async (t) => {
    const n = boots.current!.number;
    sim.faults.unplug();
    t.equal(await board.presence(), 'absent');
    sim.faults.replug();
    t.equal(await board.waitForPresence('normal', { withinMs: 3000 }), true);
    t.match(boots.current, { number: n + 1, why: 'enumeration' }, 'a new enumeration counts as a new boot, even on a battery');
  });

  t.test('a flash restarts the board: a boot named for it', async (t) => {
    const { makeTestApp } = await import('../../src/firmware/make.js');
    const { parseModule } = await import('../../src/firmware/parse.js');
    const image = makeTestApp({ platform: 'photon', version: 41 });
    const n = boots.current!.number;
    await board.flash({ name: 'v41', image, info: parseModule(image), source: 'make' }, 'dfu');
    t.same(boots.list().slice(n).map((b) => b.why), ['mode', 'flash'], 'into DFU mode, then the boot that runs the new app');
    t.equal((await board.runningApp()).hash, parseModule(image).sha256);
  });
});
