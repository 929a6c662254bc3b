// How the board layer waits without adding wall time of its own: a pace that
// wakes at the board's next sign of change (its bus, a cloud event), a wait
// for a new boot that sleeps until the bus changes instead of listing it
// every few ms, and the cloud's app-hash of a new boot waited for from when
// the rig saw the boot, counted only while the board is still in that boot.
import t from 'tap';
import { AppIdentity, type AppIdentityReach } from '../../src/board/app-identity.js';
import { boardPace } from '../../src/board/pace.js';
import type { Boot, CloudEvent } from '../../src/core/board-contract.js';
import { BenchClock } from '../../src/core/clock.js';
import type { UsbBus } from '../../src/transport/usb.js';
import { PHOTON, reopenBoard, startBoardBench } from './fixtures/sim-bench.js';

const HASH = 'ab'.repeat(32);

function event(seq: number, name: string, data: string, at = Date.now()): CloudEvent {
  return { name, data, ttl: 60, publishedAt: new Date(at).toISOString(), coreid: PHOTON, at, seq };
}

/** Events pushed by the test, with the capture's waitFor (a name prefix, from a seq). */
function eventLog() {
  const list: CloudEvent[] = [];
  const waiters = new Set<() => void>();
  return {
    list,
    push(name: string, data: string): CloudEvent {
      const e = event(list.length, name, data);
      list.push(e);
      for (const w of [...waiters]) w();
      return e;
    },
    events: () => list,
    latest: (name: string) => list.findLast((e) => e.name.startsWith(name)),
    waitFor(name: string, o: { fromSeq?: number; withinMs: number; signal?: AbortSignal }): Promise<CloudEvent | undefined> {
      return new Promise((resolve) => {
        const check = (): boolean => {
          const hit = list.find((e) => e.seq >= (o.fromSeq ?? 0) && e.name.startsWith(name));
          if (!hit) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(hit);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          resolve(undefined);
        }, o.withinMs);
        waiters.add(check);
        check();
      });
    },
  };
}

t.test('a pace wakes at a change of the bus, at a cloud event, or after its interval', async (t) => {
  let changes = 0;
  const waits: Array<(g: number) => void> = [];
  const bus: Pick<UsbBus, 'generation' | 'nextChange'> = {
    generation: async () => changes,
    nextChange: (since, withinMs, signal) => new Promise((resolve, reject) => {
      if (since !== changes) return resolve(changes);
      const timer = setTimeout(() => resolve(changes), withinMs);
      waits.push((g) => {
        clearTimeout(timer);
        resolve(g);
      });
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason);
      });
    }),
  };
  const log = eventLog();
  const pace = boardPace(bus, log);
  let t0 = Date.now();
  await pace(40);
  t.ok(Date.now() - t0 >= 35, 'nothing happened: the interval');

  t0 = Date.now();
  setTimeout(() => {
    changes++;
    for (const w of waits.splice(0)) w(changes);
  }, 5);
  await pace(5000);
  t.ok(Date.now() - t0 < 1000, 'woken by the bus');

  t0 = Date.now();
  setTimeout(() => log.push('spark/status', 'online'), 5);
  await pace(5000);
  t.ok(Date.now() - t0 < 1000, 'woken by a cloud event');

  log.push('spark/device/app-hash', HASH);
  t0 = Date.now();
  await pace(5000);
  t.ok(Date.now() - t0 < 1000, 'an event since the previous call wakes the next one at once');

  t0 = Date.now();
  await pace(40);
  t.ok(Date.now() - t0 >= 35, 'an event is woken for once');

  const stop = new AbortController();
  setTimeout(() => stop.abort(new Error('stopped')), 5);
  await t.rejects(pace(5000, stop.signal), { message: 'stopped' }, 'the signal ends it with its reason');
});

/** AppIdentity on a board whose USB module info has no hash (Device OS before 5.6), its bus and boots played by the test. */
function identity(o: { boot: Boot; lookBoot?: () => Boot; cloudFirst?: CloudEvent }) {
  const log = eventLog();
  const asked: string[] = [];
  const usb = {
    boots: { current: o.boot, bootOf: (e: { at: number }) => (e.at >= o.boot.startedAt ? o.boot : undefined) },
    read: async () => ({ mode: 'normal' as const, boot: o.boot }),
    look: async () => ({ boot: o.lookBoot?.() ?? o.boot, listing: {} }),
  };
  const reach = {
    name: 'photon-1',
    clock: new BenchClock(20),
    events: log,
    usb,
    state: { serialInfo: () => undefined, keepSerialInfo: () => undefined },
    modes: { enterMode: async (m: string) => void asked.push(`mode ${m}`) },
    serial: { use: async () => (asked.push('serial s'), { platformId: 6, modules: [] }) },
  } as unknown as AppIdentityReach;
  return { app: new AppIdentity(reach), log, asked };
}

t.test('the cloud\'s app-hash of a new boot is waited for from when the rig saw the boot', async (t) => {
  const now = Date.now();
  // A flash began 2 s ago (dfu-util, YMODEM: the rig's own time); the rig saw the board back just now.
  const boot: Boot = { number: 2, why: 'flash', startedAt: now - 2000, seenAt: now, logSeq: 0, eventSeq: 0 };
  const { app, log, asked } = identity({ boot });
  setTimeout(() => log.push('spark/device/app-hash', HASH.toUpperCase()), 20);
  const running = await app.runningApp(undefined, { cloudWaitMs: 1000 });
  t.match(running, { hash: HASH, source: 'cloud', boot }, 'heard from the cloud');
  t.same(asked, [], 'the board was not taken off the cloud to be asked over serial');
});

t.test('an app-hash heard while the board is in another boot is not this boot\'s', async (t) => {
  const now = Date.now();
  const boot: Boot = { number: 2, why: 'flash', startedAt: now - 50, seenAt: now, logSeq: 0, eventSeq: 0 };
  const next: Boot = { number: 3, why: 'enumeration', startedAt: now + 5, seenAt: now + 30, logSeq: 0, eventSeq: 0 };
  const { app, log, asked } = identity({ boot, lookBoot: () => next });
  setTimeout(() => log.push('spark/device/app-hash', HASH), 20);
  const running = await app.runningApp(undefined, { cloudWaitMs: 1000 });
  t.equal(running.source, 'serial', 'asked over serial instead');
  t.same(asked, ['mode listening', 'serial s', 'mode normal'], 'in listening mode, and back');
});

t.test('an app-hash from before the boot began is not waited into it', async (t) => {
  const now = Date.now();
  const boot: Boot = { number: 2, why: 'flash', startedAt: now + 10_000, seenAt: now, logSeq: 0, eventSeq: 0 };
  const { app, log } = identity({ boot });
  setTimeout(() => log.push('spark/device/app-hash', HASH), 20);
  const running = await app.runningApp(undefined, { cloudWaitMs: 200 });
  t.equal(running.source, 'serial', 'an event older than the boot\'s start does not count');
});

t.test('a wait for a new boot lists the bus when it changes, not every few ms', async (t) => {
  // At x1 a reset keeps the board off the bus for a real board's second or so.
  const bench = await startBoardBench(t, { timeScale: 1, boards: [{ name: 'photon-1', platform: 'photon', id: PHOTON, sim: { deviceOs: '1.5.2' } }], without: ['cloud'] });
  const real = bench.access.usb.kind === 'socket' ? (await import('../../src/transport/usb.js')).usbBusFor(bench.access.usb) : undefined;
  if (!real) throw new Error('a socket bus');
  let lists = 0;
  const counting: UsbBus = {
    description: real.description,
    list: (signal) => (lists++, real.list(signal)),
    open: (id, o) => real.open(id, o),
    generation: () => real.generation(),
    nextChange: (since, withinMs, signal) => real.nextChange(since, withinMs, signal),
    closeBoard: (id) => real.closeBoard(id),
  };
  const board = await reopenBoard(t, bench, 'photon-1', counting);
  await board.presence();
  const before = board.boots.current;
  const t0 = Date.now();
  lists = 0;
  await board.reset('soft');
  const tookMs = Date.now() - t0;
  t.ok(board.boots.current && before && board.boots.current.number > before.number, 'back in a new boot');
  // A look every 10 ms would be about tookMs / 10 listings; a look at each change (gone, back) and at most every 250 ms is a few.
  t.ok(lists <= 4 + tookMs / 250, `${lists} listings in ${tookMs} ms`);
});
