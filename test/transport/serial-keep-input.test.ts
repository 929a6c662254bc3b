// Opening a serial port keeps what the board already sent, and makes a
// port that starts cooked raw before anything reaches it
// (src/transport/serial/keep-input.ts). A real PTY stands in for a ttyACM
// port: a python3 relay holds the board's end (master) and passes bytes to
// and from this test over pipes. A fresh PTY starts cooked (echo, CR to
// NL), as a ttyACM number the kernel never used does.
import t, { type Test } from 'tap';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSerialPort } from '../../src/transport/serial/port.js';

const RELAY = `
import os, pty, select, sys, tty
m, s = pty.openpty()
if sys.argv[1] == 'raw': tty.setraw(s)
print(os.ttyname(s), flush=True)
while True:
    r, _, _ = select.select([m, 0], [], [])
    if m in r:
        try: data = os.read(m, 4096)
        except OSError: data = b''
        if data: os.write(1, data)
    if 0 in r:
        data = os.read(0, 4096)
        if not data: break
        os.write(m, data)
`;

/** A PTY whose board end is a relay: write() is what the board sends, `fromHost` what the host sent it. */
async function pty(t: Test, mode: 'raw' | 'cooked') {
  const relay = spawn('python3', ['-c', RELAY, mode], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.teardown(() => relay.kill());
  // The relay's first line is the PTY's path; everything after it is what the host sent the board.
  let fromHost = Buffer.alloc(0);
  let path: string | undefined;
  const named = new Promise<void>((resolve) => {
    relay.stdout.on('data', (c: Buffer) => {
      fromHost = Buffer.concat([fromHost, c]);
      const nl = fromHost.indexOf(0x0a);
      if (path === undefined && nl >= 0) {
        path = fromHost.subarray(0, nl).toString('latin1');
        fromHost = fromHost.subarray(nl + 1);
        resolve();
      }
    });
  });
  const ended = once(relay, 'exit').then(() => {
    if (path === undefined) throw new Error('the PTY relay ended before naming its PTY');
  });
  await Promise.race([named, ended]);
  return {
    path: path!,
    write: (s: string | Buffer) => relay.stdin.write(s),
    fromHost: () => fromHost,
    flags: () => execFileSync('stty', ['-F', path!, '-a'], { encoding: 'utf8' }),
  };
}

const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

t.test('what the board printed before the port was opened is kept', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const p = await pty(t, 'raw');
  p.write('0000000301 [system] INFO: Device OS 1.5.2 started\r\n0000000302 [app] INFO: first\r\n');
  await settle();
  const port = await openSerialPort(p.path);
  t.teardown(() => new Promise<void>((r) => port.close(() => r())));
  let got = '';
  port.on('data', (c: Buffer) => (got += c.toString('latin1')));
  await settle(200);
  // serialport's own open flushes these (tcflush): keep-input does not.
  t.equal(got, '0000000301 [system] INFO: Device OS 1.5.2 started\r\n0000000302 [app] INFO: first\r\n');
});

t.test('a port that starts cooked is raw once open: no echo, no CR to NL, binary both ways', { skip: process.platform !== 'linux' && 'Linux only' }, async (t) => {
  const p = await pty(t, 'cooked');
  t.match(p.flags(), /(^|\s)echo(\s|$)/, 'the fresh PTY starts cooked (echo on)');
  const port = await openSerialPort(p.path);
  t.teardown(() => new Promise<void>((r) => port.close(() => r())));
  const flags = p.flags();
  for (const f of ['-icanon', '-echo', '-icrnl', '-isig', '-iexten', '-opost']) t.match(flags, new RegExp(`(^|\\s)${f}(\\s|$)`), `${f} once open`);

  let got = Buffer.alloc(0);
  port.on('data', (c: Buffer) => (got = Buffer.concat([got, c])));
  const fromBoard = Buffer.from('line\r\n\x03\x1a\x7f\x00end\n', 'latin1');
  p.write(fromBoard);
  const fromRig = Buffer.from([0x01, 0x00, 0xff, 0x0a, 0x0d, 0x0a]); // a YMODEM-like header: LF must not become CR LF
  port.write(fromRig);
  await settle(300);
  t.same([...got], [...fromBoard], 'the board\'s bytes arrive as sent');
  t.same([...p.fromHost()], [...fromRig], 'the board gets exactly the rig\'s bytes: no echo of its own, no added CR');
});
