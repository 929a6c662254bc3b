// Issue 11: on a bench of 32 simulated boards a serial flash ended now and
// then as infrastructure, "YMODEM end: the serial port closed", the board's
// "Downloaded file successfully!" missing from its trace although the new app
// ran. The board ACKs the last packet, prints its verdict and restarts 200 ms
// of board time later (10 ms at x20); its port hung up 20 ms after that, and
// the kernel flushes what the host has not read yet when a port hangs up. A
// rig whose event loop lags (measured with 32 boards: p99 53-69 ms, max
// 330-400 ms) read too late. Here the board runs in its own process (`rig
// sim`, as in `rig run`) and the rig's side, this process, is held 300 ms
// right after it sends the packet that ends the session.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { stringify } from 'yaml';
import { makeTestApp } from '../../src/firmware/make.js';
import { SMALL_BLOCK, buildPacket } from '../../src/protocol/ymodem.js';
import { startSimProcess } from '../../src/runner/sim-process.js';
import { answersListening } from '../../src/transport/serial/listening.js';
import { sendYmodem } from '../../src/transport/ymodem.js';
import { openHost } from '../sim/serial/fixtures/host.js';

const BOARD = { name: 'electron-1', platform: 'electron', id: '2f0041000551353431383736', sim: { deviceOs: '1.5.2' } };

function spin(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end);
}

t.test("a rig busy as the board restarts still reads the board's verdict", async (t) => {
  const dir = t.testdir({});
  const benchFile = join(dir, 'bench.yaml');
  writeFileSync(benchFile, stringify({ bench: 'busy-host', simulator: true, timeScale: 20, boards: [BOARD] }));
  const sim = await startSimProcess(benchFile);
  t.teardown(() => sim.stop());
  const port = sim.boards[0]!.serial;

  const host = await openHost(port, 28800);
  t.teardown(() => host.close());
  const deadline = Date.now() + 10_000;
  while (!(await answersListening(host.port, 250))) {
    if (Date.now() > deadline) throw new Error('the board did not enter listening mode within 10 s');
  }

  const end = buildPacket(0, Buffer.alloc(0), SMALL_BLOCK, 0);
  const write = host.port.write.bind(host.port);
  host.port.write = ((chunk: unknown, ...rest: unknown[]) => {
    const done = (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    if (Buffer.isBuffer(chunk) && chunk.equals(end)) spin(300);
    return done;
  }) as typeof host.port.write;

  const image = makeTestApp({ platform: 'electron', version: 12, size: 4 * 1024 });
  const result = await sendYmodem(host.port, image).then(
    (r) => ({ ok: true as const, messages: r.boardMessages }),
    (e: Error & { boardMessages?: string[] }) => ({ ok: false as const, error: e.message, messages: e.boardMessages ?? [] }),
  );
  t.same(result.ok ? '' : result.error, '', 'the transfer ends well');
  t.match(result.messages, ['Waiting for the binary file to be sent', 'Downloaded file successfully!', 'Name: binary', /^Size: /, /^Restarting system/], "the board's lines, verdict included");
});
