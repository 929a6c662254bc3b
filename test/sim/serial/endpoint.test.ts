import { existsSync } from 'node:fs';
import t from 'tap';
import { startSerialBench, until } from './fixtures/bench.js';
import { openHost } from './fixtures/host.js';

t.test('the port exists while the board is a serial device and carries its trace log', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'photon' });
  const host = await openHost(path, 9600);
  t.teardown(() => host.close());
  await host.waitFor(/\d{10} \[\w+(\.\w+)*\] (TRACE|INFO|WARN|ERROR): .*\r\n/, 5000);
  t.pass('SerialLogHandler lines arrive on the port');

  t.test('a reset makes the port vanish and come back at the same path', async (t) => {
    board.faults.reset();
    t.same(await host.closed, { disconnected: true }, 'the open client is disconnected');
    await until(() => board.mode === 'normal' && existsSync(path), 5000, 'the board is back');
    const again = await openHost(path, 9600);
    t.teardown(() => again.close());
    await again.waitFor(/\[\w+(\.\w+)*\] INFO: /, 5000);
    t.pass('the reopened port carries output again');
  });

  t.test('an unplugged board has no port', async (t) => {
    board.faults.unplug();
    t.notOk(existsSync(path), 'the link is gone at once');
    board.faults.replug();
    await until(() => existsSync(path), 5000, 'the port is back after replug');
    t.pass();
  });
});

t.test('opening the port at 14400 baud sends the board to DFU mode and the port vanishes', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'argon' });
  const host = await openHost(path, 14400);
  t.same(await host.closed, { disconnected: true }, 'the port the host opened goes away');
  await until(() => board.mode === 'dfu', 3000, 'the board is in DFU mode');
  t.equal(board.usb, 'dfu');
  t.equal(board.resetReason, 'dfu_mode');
  t.notOk(existsSync(path), 'no serial port in DFU mode');
});

t.test('opening the port at 28800 baud puts the board in listening mode', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'photon' });
  const host = await openHost(path, 28800);
  t.teardown(() => host.close());
  await until(() => board.mode === 'listening', 3000, 'the board is listening');
  t.equal(board.led, 'blinking-blue');
  t.ok(existsSync(path), 'the port stays in listening mode');
});

t.test('Device OS 6.0 ignores 28800 baud but still honours 14400', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'p2', deviceOs: '6.0.0' });
  const listening = await openHost(path, 28800);
  await new Promise((r) => setTimeout(r, 300));
  t.equal(board.mode, 'normal', '28800 does nothing');
  await listening.close();
  const dfu = await openHost(path, 14400);
  await dfu.closed;
  await until(() => board.mode === 'dfu', 3000, 'the board is in DFU mode');
  t.pass('14400 still enters DFU');
});

t.test('host bytes outside listening mode are not commands', async (t) => {
  const { board, path } = await startSerialBench(t, { platform: 'photon' });
  const host = await openHost(path, 9600);
  t.teardown(() => host.close());
  await host.write('iLvx');
  await new Promise((r) => setTimeout(r, 200));
  t.equal(board.mode, 'normal', '`L` did not enter safe mode');
  t.notMatch(host.text(), /device id|firmware version/i, 'no listening-mode replies');
});
