// A real board's USB CDC port serves whoever opens it, whenever. The
// simulated port must too, even when its host opens it the moment it
// appears while the simulator is busy: the host in its own process
// (fixtures/eager-host.mjs, serialport as the rig uses it) reopens the port
// as soon as it comes back after each reset, and must still get the board's
// output once the port's fresh second is over. The simulator is made busy
// on purpose (as 32 boards on a loaded machine make it): its event loop is
// held most of the time, and held 60 ms as the port appears, so the host's
// open lands before the simulator has read back the status report of its
// own set-up of the line. Before the fix, 2 of 6 opens at each scale got
// nothing once the port was a second old.
import type { SimPty } from '../../../src/sim/serial/pty.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { makeTestApp } from '../../../src/firmware/make.js';
import { FRESH_PORT_MS } from '../../../src/sim/serial/pty-line.js';
import { startSerialBench } from './fixtures/bench.js';
import { delay } from './fixtures/host.js';

const EAGER_HOST = fileURLToPath(new URL('./fixtures/eager-host.mjs', import.meta.url));
/** Output that arrives this long after the open (wall ms) can only come from a port that counts the host as there. */
const LATE_MS = FRESH_PORT_MS + 200;
const EVENT_LIMIT_MS = 15_000;
/** The simulator's event loop is held BUSY_MS, then left FREE_MS, then held again at the board's next output (wall ms). */
const BUSY_MS = 20;
const FREE_MS = 5;
/** Held at the first write to a port that just appeared; under the 100 ms the old watch allowed for its own echo. */
const APPEAR_BUSY_MS = 60;

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

interface HostEvent {
  event: 'open' | 'closed' | 'error';
  n?: number;
  bytes?: number;
  late?: number;
  openMs?: number;
  message?: string;
}

function startEagerHost(link: string): { next(kind: HostEvent['event']): Promise<HostEvent>; errors: string[]; stop(): void } {
  const child = spawn(process.execPath, [EAGER_HOST, link, String(LATE_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const queue: HostEvent[] = [];
  const errors: string[] = [];
  let waiter: (() => void) | undefined;
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const e = JSON.parse(line) as HostEvent;
    if (e.event === 'error') errors.push(e.message ?? '?');
    else queue.push(e);
    waiter?.();
  });
  return {
    errors,
    async next(kind) {
      const deadline = Date.now() + EVENT_LIMIT_MS;
      for (;;) {
        const i = queue.findIndex((e) => e.event === kind);
        if (i >= 0) return queue.splice(i, 1)[0]!;
        if (Date.now() > deadline) throw new Error(`the eager host said no '${kind}' within ${EVENT_LIMIT_MS} ms`);
        await new Promise<void>((resolve) => {
          waiter = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
    stop() {
      child.stdin!.end();
      child.kill();
    },
  };
}

for (const scale of [20, 1000]) {
  t.test(`x${scale}, app logging 1000 lines/s: a host that opens the port the moment it appears gets the output every time`, async (t) => {
    const ROUNDS = 6;
    const app = makeTestApp({ platform: 'photon', behaviour: { logRate: 1000 }, depends: [{ func: 'system-part', index: 1, version: 0 }] });
    const { board, endpoint, path } = await startSerialBench(t, { platform: 'photon', scale, app });
    // A simulator with many boards on a loaded machine: the board's output holds the event loop
    // most of the time, and longest right as its port appears (the output held for it goes out then).
    let freeFrom = 0;
    board.on('serialOutput', () => {
      if (performance.now() < freeFrom) return;
      spin(BUSY_MS);
      freeFrom = performance.now() + FREE_MS;
    });
    const pty = endpoint.line as SimPty;
    const write = pty.write.bind(pty);
    let lastPort: string | undefined;
    pty.write = (bytes) => {
      if (pty.devicePath !== lastPort) {
        lastPort = pty.devicePath;
        spin(APPEAR_BUSY_MS);
      }
      return write(bytes);
    };
    const host = startEagerHost(path);
    t.teardown(() => host.stop());
    await host.next('open');
    const opens: HostEvent[] = [];
    for (let round = 1; round <= ROUNDS + 1; round++) {
      await delay(LATE_MS + 300);
      board.faults.reset();
      const closed = await host.next('closed');
      // The first open came after start-up; the others the moment the port came back.
      if (round > 1) opens.push(closed);
      if (round <= ROUNDS) await host.next('open');
    }
    t.comment(`opens: ${opens.map((o) => `${o.bytes} B (${o.late} B late) in ${o.openMs} ms`).join('; ')}`);
    const dead = opens.filter((o) => !(o.late! > 0));
    t.same(dead, [], `every one of ${ROUNDS} opens straight after the port appeared still got output after ${LATE_MS} ms`);
    t.same(host.errors, [], 'every open succeeded');
  });
}
