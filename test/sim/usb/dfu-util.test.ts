// Real, unmodified dfu-util (Debian 0.11) against the simulated bus through
// the preloaded libusb stand-in: the same command lines the rig runs for a
// board on a bench.
import t from 'tap';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTestApp } from '../../../src/firmware/make.js';
import { parseModule } from '../../../src/firmware/parse.js';
import { PLATFORMS, userPartAddress } from '../../../src/core/platform.js';
import { ARGON, PHOTON_A, PHOTON_B, dfuUtil, hashOf, intoDfu, shortTempDir, startUsbBench, until } from './bench.js';

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

t.test('dfu-util -l lists every board in DFU mode with its PID, serial and alt-setting names', async (t) => {
  const { socketPath, boards } = await startUsbBench(t, [
    { id: PHOTON_A, platform: 'photon' },
    { id: PHOTON_B, platform: 'photon' },
    { id: ARGON, platform: 'argon' },
  ]);
  const [a, b, argon] = boards;
  if (!a || !b || !argon) throw new Error('three boards');
  await Promise.all([intoDfu(a), intoDfu(argon)]);

  const r = await dfuUtil(socketPath, ['-l']);
  t.equal(r.exitCode, 0, r.all);
  const found = r.stdout.split('\n').filter((l) => l.startsWith('Found DFU:'));
  t.equal(found.length, 2 + 3, 'photon alts 0-1, argon alts 0-2; the photon in serial mode is not a DFU device');
  t.match(r.stdout, /Found DFU: \[2b04:d006\] ver=0200, devnum=\d+, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash {3}\/0x08000000\/03\*016Ka,01\*016Kg,01\*064Kg,07\*128Kg", serial="3a002c000847343337373738"/);
  t.match(r.stdout, /\[2b04:d006\].*path="1-1", alt=1, name="@DCT Flash {3}\/0x00000000\/01\*016Kg", serial="3a002c000847343337373738"/);
  t.match(r.stdout, /\[2b04:d00c\].*path="1-3", alt=2, name="@External Flash {3}\/0x80000000\/1024\*004Kg", serial="e00fce68f1c5b4ae6c2a5a31"/);
  t.notMatch(r.stdout, new RegExp(PHOTON_B), 'the board in serial mode is not listed');
});

t.test('dfu-util flashes a test app to the board named by -S; it then runs that app', async (t) => {
  const dir = t.testdir();
  const { socketPath, boards } = await startUsbBench(t, [
    { id: PHOTON_A, platform: 'photon' },
    { id: PHOTON_B, platform: 'photon' },
  ]);
  const [a, b] = boards;
  if (!a || !b) throw new Error('two boards');
  await Promise.all([intoDfu(a), intoDfu(b)]);
  const before = { a: a.slots().find((s) => s.func === 'u')?.module?.info.sha256, b: b.slots().find((s) => s.func === 'u')?.module?.info.sha256 };

  const app = makeTestApp({ platform: 'photon', version: 7, size: 10_000 });
  const file = join(dir, 'app.bin');
  await writeFile(file, app);
  const address = userPartAddress(PLATFORMS.photon, app.length);
  const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', `${hex(address)}:leave`, '-D', file, '-S', PHOTON_B]);
  t.match(r.stdout, /File downloaded successfully/, r.all);
  t.match(r.stdout, /Download done\./);

  await until(b, 'photon B back in normal mode', () => b.mode === 'normal' && b.usb === 'serial');
  t.same(b.dfuRead(0, address, app.length), app, 'the stored bytes are the file');
  t.equal(b.runningAppHash(), hashOf(app), 'the board named by serial runs the new app');
  t.equal(parseModule(app).sha256, hashOf(app));
  t.equal(a.mode, 'dfu', 'the other photon was not touched');
  t.equal(a.slots().find((s) => s.func === 'u')?.module?.info.sha256, before.a, 'and its app is unchanged');
  t.not(before.b, hashOf(app));
});

t.test('other platforms: the Electron slot, and the P2 part that grows down from its end', async (t) => {
  const dir = t.testdir();
  const ids = { electron: '0e0000000000000000000010', p2: '020000000000000000000032' } as const;
  const names = Object.keys(ids) as (keyof typeof ids)[];
  const { socketPath, boards } = await startUsbBench(t, names.map((platform) => ({ id: ids[platform] as typeof ARGON, platform })));
  for (const [i, platform] of names.entries()) {
    const board = boards[i];
    if (!board) throw new Error(`${platform} board`);
    await intoDfu(board);
    const app = makeTestApp({ platform, version: 30 + i, size: 6000 });
    const file = join(dir, `${platform}.bin`);
    await writeFile(file, app);
    const address = userPartAddress(PLATFORMS[platform], app.length);
    const pid = PLATFORMS[platform].dfuPid.toString(16);
    const r = await dfuUtil(socketPath, ['-d', `2b04:${pid}`, '-a', '0', '-s', `${hex(address)}:leave`, '-D', file, '-S', ids[platform]]);
    t.match(r.stdout, /File downloaded successfully/, `${platform}: ${r.all}`);
    await until(board, `${platform} running`, () => board.mode === 'normal' && board.usb === 'serial');
    t.equal(board.runningAppHash(), hashOf(app), `${platform} runs the app written at ${hex(address)}`);
  }
});

t.test('images a real board would refuse to run', async (t) => {
  const dir = t.testdir();

  // The DFU bootloader writes whatever it is given; the checks run when the
  // board boots from it (particle-facts §9): a user part for another
  // platform or with a broken CRC fails them and the board boots into safe mode.
  t.test('a P1 app written to a Photon: the download succeeds, the board boots into safe mode', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    await intoDfu(board);
    const app = makeTestApp({ platform: 'p1', version: 3 });
    const file = join(dir, 'p1.bin');
    await writeFile(file, app);
    const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', `${hex(PLATFORMS.photon.userPart.start)}:leave`, '-D', file]);
    t.match(r.stdout, /File downloaded successfully/, r.all);
    await until(board, 'safe mode', () => board.mode === 'safe' && board.usb === 'serial');
    t.equal(board.runningAppHash(), undefined, 'no user app runs');
  });

  t.test('a Photon app with a corrupted CRC: safe mode', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    await intoDfu(board);
    const app = makeTestApp({ platform: 'photon', version: 5 });
    app.writeUInt8(app.readUInt8(100) ^ 0xff, 100);
    const file = join(dir, 'corrupt.bin');
    await writeFile(file, app);
    const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', `${hex(PLATFORMS.photon.userPart.start)}:leave`, '-D', file]);
    t.match(r.stdout, /File downloaded successfully/, r.all);
    await until(board, 'safe mode', () => board.mode === 'safe' && board.usb === 'serial');
  });

  t.test('an address outside the memory map: dfu-util refuses before writing, the board stays in DFU', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    await intoDfu(board);
    const file = join(dir, 'argon.bin');
    await writeFile(file, makeTestApp({ platform: 'argon' }));
    const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', `${hex(PLATFORMS.argon.userPart.start)}:leave`, '-D', file]);
    t.not(r.exitCode, 0, r.all);
    t.match(r.stderr, /Last page at 0x000b4fff is not writeable/);
    t.equal(board.mode, 'dfu');
  });

  t.test('a write into a read-only sector: the bootloader reports an error and dfu-util fails', async (t) => {
    const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
    const [board] = boards;
    if (!board) throw new Error('one board');
    await intoDfu(board);
    const file = join(dir, 'boot.bin');
    await writeFile(file, Buffer.alloc(1024, 0x5a));
    // Sector 0 of the Photon map (03*016Ka) is readable only: dfu-util's
    // own check stops it, and -s ...:force skips that check, so the board answers.
    const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', '0x08000000:force', '-D', file]);
    t.not(r.exitCode, 0, r.all);
    t.match(r.all, /state\(10\) = dfuERROR, status\(3\) = Device is unable to write memory/);
    t.notSame(board.dfuRead(0, 0x08000000, 16), Buffer.alloc(16, 0x5a), 'the bootloader sector kept its bytes');
    t.equal(board.mode, 'dfu', 'the board stays in DFU mode');
  });
});

t.test('a power cut armed at 50% of a DFU transfer', async (t) => {
  const dir = t.testdir();
  const { socketPath, boards } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const [board] = boards;
  if (!board) throw new Error('one board');
  await intoDfu(board);
  const app = makeTestApp({ platform: 'photon', version: 8, size: 40_000 });
  const file = join(dir, 'app.bin');
  await writeFile(file, app);
  board.faults.armAt('dfu', 50, 'power-cut');
  const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', `${hex(PLATFORMS.photon.userPart.start)}:leave`, '-D', file]);
  t.not(r.exitCode, 0, 'dfu-util fails: the device went away mid-transfer');
  t.notMatch(r.stdout, /File downloaded successfully/, r.all);
  t.equal(board.usb, 'absent', 'the board is off');
  const written = board.dfuRead(0, PLATFORMS.photon.userPart.start, app.length);
  const upTo = [...Array(10).keys()].map((i) => i * 4096).filter((off) => written.subarray(off, off + 16).equals(app.subarray(off, off + 16))).length;
  t.ok(upTo >= 5 && upTo <= 6, `the power went at half of the 10 blocks (${upTo} written)`);
  board.powerOn();
  await until(board, 'booted from the half-written image', () => board.usb === 'serial');
  t.equal(board.mode, 'safe', 'a half-written user part fails its checks: safe mode');
});

t.test('no board in DFU mode: "No DFU capable USB device available", exit 74', async (t) => {
  const { socketPath } = await startUsbBench(t, [{ id: PHOTON_A, platform: 'photon' }]);
  const r = await dfuUtil(socketPath, ['-d', '2b04:d006', '-a', '0', '-s', '0x080a0000:leave', '-D', '/dev/null']);
  t.equal(r.exitCode, 74);
  t.match(r.all, /No DFU capable USB device available/);
});

t.test('the stand-in says in one line why it cannot reach a bus', async (t) => {
  t.test('RIG_USB_SOCKET unset', async (t) => {
    const r = await dfuUtil(undefined, ['-l']);
    t.not(r.exitCode, 0);
    t.match(r.stderr, /libusb-socket: RIG_USB_SOCKET is not set/);
  });
  t.test('nothing listens at the path', async (t) => {
    const r = await dfuUtil(join(await shortTempDir(t), 'missing.sock'), ['-l']);
    t.equal(r.exitCode, 74);
    t.match(r.stderr, /libusb-socket: cannot reach the USB bus at .*missing\.sock: No such file or directory/);
  });
  t.test('a path longer than a Unix socket address can hold', async (t) => {
    const r = await dfuUtil(join(t.testdir(), 'x'.repeat(110), 'bus.sock'), ['-l']);
    t.not(r.exitCode, 0);
    t.match(r.stderr, /libusb-socket: RIG_USB_SOCKET path is too long/);
  });
});
