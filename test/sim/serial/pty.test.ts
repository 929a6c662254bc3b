import type { Test } from 'tap';
import { spawn } from 'node:child_process';
import { existsSync, readlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import t from 'tap';
import { FRESH_PORT_MS } from '../../../src/sim/serial/pty-line.js';
import type { BaudWatchTiming } from '../../../src/sim/serial/baud-watch.js';
import { SimPty } from '../../../src/sim/serial/pty.js';
import { delay, nextEvent, openHost } from './fixtures/host.js';

async function openPty(t: Test, timing?: BaudWatchTiming): Promise<SimPty> {
  const dir = t.testdir({});
  const pty = new SimPty({ linkPath: join(dir, 'photon-1.tty'), timing });
  t.teardown(() => pty.close());
  await pty.open();
  return pty;
}

t.test('open publishes a stable link to a PTY a serialport client can open', async (t) => {
  const pty = await openPty(t);
  t.ok(pty.isOpen);
  t.match(readlinkSync(pty.linkPath), /^\/dev\/pts\/\d+$/, 'the link points at the slave');
  t.equal(readlinkSync(pty.linkPath), pty.devicePath);
  const host = await openHost(pty.linkPath, 9600);
  t.teardown(() => host.close());

  t.test('board bytes reach the host unchanged, binary included', async (t) => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    t.equal(pty.write(all), 256);
    await host.waitFor(/\xff$/);
    t.same(host.received(), all, 'no CR/LF translation, no dropped control bytes');
  });

  t.test('host bytes reach the board unchanged, and nothing is echoed back', async (t) => {
    const before = host.received().length;
    const got: Buffer[] = [];
    const onData = (d: Buffer): void => void got.push(d);
    pty.on('data', onData);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => 255 - i));
    await host.write(all);
    const deadline = Date.now() + 2000;
    while (Buffer.concat(got).length < 256 && Date.now() < deadline) await delay(10);
    pty.off('data', onData);
    t.same(Buffer.concat(got), all);
    await delay(50);
    t.equal(host.received().length, before, 'no echo');
  });
});

t.test('the board sees the line speed the host sets', async (t) => {
  // A slow idle poll, so only the wake-up path (packet-mode status bytes) can
  // report a change quickly: the test fails if re-arming does not work.
  const pty = await openPty(t, { activePollMs: 10, idlePollMs: 5000, activeWindowMs: 300 });

  t.test('opening at 28800 reports 28800', async (t) => {
    const seen = nextEvent<number>(pty, 'baud');
    const host = await openHost(pty.linkPath, 28800);
    t.equal(await seen, 28800);
    await host.close();
  });

  t.test('reopening at 14400 right after reports 14400', async (t) => {
    const seen = nextEvent<number>(pty, 'baud');
    const host = await openHost(pty.linkPath, 14400);
    t.equal(await seen, 14400);
    await host.close();
  });

  t.test('a host that opens at 9600, then switches an open port to 28800, is seen', async (t) => {
    const bauds: number[] = [];
    const onBaud = (b: number): void => void bauds.push(b);
    pty.on('baud', onBaud);
    t.teardown(() => void pty.off('baud', onBaud));
    const host = await openHost(pty.linkPath, 9600);
    await delay(50);
    await new Promise<void>((res, rej) => host.port.update({ baudRate: 28800 }, (e) => (e ? rej(e) : res())));
    const deadline = Date.now() + 400;
    while (!bauds.includes(28800) && Date.now() < deadline) await delay(10);
    t.ok(bauds.includes(28800), `saw ${JSON.stringify(bauds)}`);
    await host.close();
  });

  t.test('after a quiet spell the watch re-arms and still sees a later open', async (t) => {
    await delay(600); // longer than the active window: the line goes idle and is re-armed
    const seen = nextEvent<number>(pty, 'baud', 400);
    const host = await openHost(pty.linkPath, 28800);
    t.equal(await seen, 28800);
    await host.close();
  });
});

t.test('close makes the port vanish; reopen brings it back at the same path', async (t) => {
  const pty = await openPty(t);
  const host = await openHost(pty.linkPath, 9600);
  const first = pty.devicePath;
  pty.close();
  t.notOk(pty.isOpen);
  t.notOk(existsSync(pty.linkPath), 'the link is gone');
  t.same(await host.closed, { disconnected: true }, 'the open client sees a disconnect');
  t.equal(pty.write('lost'), 0, 'writes while absent go nowhere');

  await pty.open();
  t.ok(existsSync(pty.linkPath), 'the same link path exists again');
  const again = await openHost(pty.linkPath, 9600);
  t.teardown(() => again.close());
  pty.write('hello again\r\n');
  await again.waitFor('hello again\r\n');
  t.ok(first, `first PTY was ${first}, now ${pty.devicePath}`);
});

t.test('a close while open() is still allocating cancels the open', async (t) => {
  const dir = t.testdir({});
  const pty = new SimPty({ linkPath: join(dir, 'b.tty') });
  const opening = pty.open();
  pty.close();
  await opening;
  t.notOk(pty.isOpen);
  t.notOk(existsSync(pty.linkPath));
});

for (const baud of [28800, 9600]) {
  t.test(`a host that opens a fresh port gets what the board printed since it appeared (${baud} baud)`, async (t) => {
    // At a standard speed serialport's open ends by flushing the host's input;
    // the port keeps the board's output until that is done (9600 is the log
    // capture's speed: before, a reconnecting capture lost every boot's first lines).
    const pty = await openPty(t);
    t.ok(pty.write('0000000100 [system] INFO: booted\r\n') > 0);
    await delay(300); // the host reconnects late, as after a reset on a busy machine
    t.ok(pty.write('0000006000 [system] INFO: still booting\r\n') > 0);
    const host = await openHost(pty.linkPath, baud);
    t.teardown(() => host.close());
    pty.write('fresh\r\n');
    await host.waitFor('fresh\r\n');
    t.equal(host.text(), '0000000100 [system] INFO: booted\r\n0000006000 [system] INFO: still booting\r\nfresh\r\n', 'the boot lines are not lost to the reconnect');
  });
}

t.test('board output nobody read is not replayed to a host that opens later', async (t) => {
  const pty = await openPty(t);
  await delay(FRESH_PORT_MS + 150); // no longer a fresh port: what it queued is old
  t.equal(pty.write('0000000100 [app] INFO: stale\r\n'.repeat(50)), 0, 'past its first second, a port no host opened takes nothing');
  const seen = nextEvent<number>(pty, 'baud');
  // 28800 is a custom speed: serialport does not flush on open then, so any stale bytes would arrive.
  const host = await openHost(pty.linkPath, 28800);
  t.teardown(() => host.close());
  await seen;
  pty.write('fresh\r\n');
  await host.waitFor('fresh\r\n');
  t.equal(host.text(), 'fresh\r\n', 'only output written after the open arrives');
});

t.test('a host that opens the port while the simulator is busy is the host, however soon after the port appeared', async (t) => {
  // The host's open (serialport: tcsetattr, flush) runs on a worker thread
  // while this thread spins, before the simulator's reader has read the
  // status report of its own set-up: the kernel merges both into one byte.
  // Past the port's fresh second the board's output must still reach it.
  for (const busyMs of [0, 20, 50, 90, 150]) {
    const pty = await openPty(t);
    const opening = openHost(pty.linkPath, 9600);
    const end = performance.now() + busyMs;
    while (performance.now() < end);
    const host = await opening;
    t.teardown(() => host.close());
    await delay(FRESH_PORT_MS + 150);
    t.ok(pty.write(`late ${busyMs}\r\n`) > 0, `busy ${busyMs} ms: the port takes output once it is a second old`);
    await host.waitFor(`late ${busyMs}\r\n`, 2000).then(
      () => t.pass(`busy ${busyMs} ms: the host gets it`),
      (e: Error) => t.fail(`busy ${busyMs} ms: ${e.message}`),
    );
    await host.close();
    pty.close();
  }
});

t.test('a port that goes away leaves the board\'s last output to a host that reads it late', async (t) => {
  // A hang-up flushes what the host has not read. The host here is another
  // process that opens the port, then reads only 300 ms after the board wrote
  // its last line and went away (a busy rig); before, the port hung up 20 ms
  // after the board went and the line was lost.
  const pty = await openPty(t);
  const reader = spawn('python3', ['-c', `
import os, sys, termios, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_NOCTTY)
a = termios.tcgetattr(fd); a[3] = 0; termios.tcsetattr(fd, termios.TCSANOW, a)
print('open', flush=True)
sys.stdin.readline()
time.sleep(0.3)
out = b''
try:
  while not out.endswith(b'\\n'):
    d = os.read(fd, 4096)
    if not d: break
    out += d
except OSError:
  pass
print(repr(out), flush=True)
`, pty.linkPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => void reader.kill());
  const lines = createInterface({ input: reader.stdout! })[Symbol.asyncIterator]();
  t.equal((await lines.next()).value, 'open');
  await delay(50);
  reader.stdin!.write('go\n');
  t.ok(pty.write('Restarting system to apply firmware update...\r\n') > 0);
  await delay(10);
  pty.close(); // the board resets
  t.equal((await lines.next()).value, String.raw`b'Restarting system to apply firmware update...\r\n'`, 'the host read the line after the board was gone');
});

t.test('a host that opens a port after its first second does not get what the board printed in it', async (t) => {
  const pty = await openPty(t);
  t.ok(pty.write('0000000100 [system] INFO: booted\r\n') > 0, 'kept for a host that comes soon');
  await delay(FRESH_PORT_MS + 150); // the board says nothing more meanwhile
  const host = await openHost(pty.linkPath, 28800); // no flush: anything left for it would arrive
  t.teardown(() => host.close());
  pty.write('fresh\r\n');
  await host.waitFor('fresh\r\n');
  t.equal(host.text(), 'fresh\r\n', 'only output written after the open arrives');
});
