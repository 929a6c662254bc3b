// The port follower against real PTYs (src/sim/serial/pty.ts) at one stable
// path: when the path is made again for the board's next port while the old
// port never reports a close (serialport retries a hung-up tty's end of file
// for ever), the follower notices the new node, drops the old port and reads
// the new one.
import t from 'tap';
import { existsSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { SimPty } from '../../src/sim/serial/pty.js';
import { PortFollower } from '../../src/transport/serial/follower.js';

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

t.test('a path made again for a new port: the follower leaves the old port and reads the new one', async (t) => {
  const link = join(t.testdir({}), 'photon-1.tty');
  const first = new SimPty({ linkPath: link });
  t.teardown(() => first.close());
  await first.open();
  let received = '';
  const opened: string[] = [];
  const closed: boolean[] = [];
  const follower = new PortFollower({
    board: 'photon-1',
    locate: async () => (existsSync(link) ? link : undefined),
    onData: (chunk) => void (received += chunk.toString('latin1')),
    onOpen: (path) => void opened.push(path),
    onClose: (disconnected) => void closed.push(disconnected),
  });
  follower.start();
  t.teardown(() => follower.stop());
  await until(() => follower.port?.isOpen === true, 'the first port open');
  first.write('first port\n');
  await until(() => received.includes('first port\n'), 'the first port\'s line');

  // The old port stays up and silent, as a hung-up tty looks to serialport: no close ever comes from it.
  const second = new SimPty({ linkPath: link });
  t.teardown(() => second.close());
  await second.open();
  await until(() => opened.length === 2, 'the follower on the new port');
  t.same(closed, [false], 'the follower closed the old port itself');
  second.write('second port\n');
  await until(() => received.includes('second port\n'), 'the new port\'s line');
  first.write('old port again\n');
  await new Promise((r) => setTimeout(r, 100));
  t.notMatch(received, /old port again/, 'nothing is read from the old port any more');
});

t.test('a busy rig reads the old port\'s last bytes before it leaves the port for the new one', async (t) => {
  // The board prints its last line and resets; its next port appears at the
  // same path at once (15 ms at x20). A rig whose event loop is held right
  // then (a loaded bench computer) has not read that line yet when it next
  // looks at the path: the old port has been "quiet" only because nobody read it.
  const dir = t.testdir({});
  const link = join(dir, 'photon-1.tty');
  const first = new SimPty({ linkPath: link });
  t.teardown(() => first.close());
  await first.open();
  const second = new SimPty({ linkPath: join(dir, 'next.tty') });
  t.teardown(() => second.close());
  await second.open();
  let received = '';
  const opened: string[] = [];
  const follower = new PortFollower({
    board: 'photon-1',
    locate: async () => (existsSync(link) ? link : undefined),
    onData: (chunk) => void (received += chunk.toString('latin1')),
    onOpen: (path) => void opened.push(path),
  });
  follower.start();
  t.teardown(() => follower.stop());
  await until(() => follower.port?.isOpen === true, 'the first port open');
  first.write('first port\n');
  await until(() => received.includes('first port\n'), "the first port's line");
  await new Promise((r) => setTimeout(r, 100)); // the old port is quiet by now

  first.write('last line before the reset\n');
  renameSync(join(dir, 'next.tty'), link); // the board's next port, at the same path
  const end = performance.now() + 150;
  while (performance.now() < end);

  await until(() => opened.length === 2, 'the follower on the new port');
  t.match(received, /last line before the reset\n/, "the old port's last line was read before the follower left it");
});

t.test('a path that names nothing any more: the follower leaves the port once it is quiet', async (t) => {
  // The board went to DFU mode or off USB; its port may stay a moment (the
  // simulated bench keeps it until the host had time to read it): the rig
  // does not wait for the hang-up to know the board has gone.
  const link = join(t.testdir({}), 'photon-1.tty');
  const pty = new SimPty({ linkPath: link });
  t.teardown(() => pty.close());
  await pty.open();
  const closed: boolean[] = [];
  const follower = new PortFollower({
    board: 'photon-1',
    locate: async () => (existsSync(link) ? link : undefined),
    onData: () => undefined,
    onClose: (disconnected) => void closed.push(disconnected),
  });
  follower.start();
  t.teardown(() => follower.stop());
  await until(() => follower.port?.isOpen === true, 'the port open');
  unlinkSync(link); // the port itself stays: only its path is gone
  await until(() => closed.length === 1, 'the follower leaves the port', 1000);
  t.same(closed, [false], 'the follower closed it itself');
});

t.test('a session never gets a port whose path has moved on', async (t) => {
  // Right after a reset the old port may still be open (the simulated bench
  // keeps it for a late reader): a listening-mode command sent there would
  // reach no board. The session waits for the board's next port.
  const dir = t.testdir({});
  const link = join(dir, 'photon-1.tty');
  const first = new SimPty({ linkPath: link });
  t.teardown(() => first.close());
  await first.open();
  const follower = new PortFollower({ board: 'photon-1', locate: async () => (existsSync(link) ? link : undefined), onData: () => undefined });
  follower.start();
  t.teardown(() => follower.stop());
  await until(() => follower.port?.isOpen === true, 'the first port open');
  const old = follower.port;
  first.write('the old boot, still talking\n'); // not quiet: the follower keeps the old port a while
  unlinkSync(link);
  const second = new SimPty({ linkPath: link });
  t.teardown(() => second.close());
  await second.open();
  const got = await follower.use(async (port) => port, { timeoutMs: 3000 });
  t.not(got, old, 'the session got the new port, not the old one');
});
