// The dfu-util command line and the reading of its output, on text recorded
// from dfu-util 0.11 (the runs against the simulated bus are in dfu.test.ts).
import t from 'tap';
import { FlashRejectedError, InfraError } from '../../src/core/errors.js';
import type { DeviceId } from '../../src/core/domain.js';
import { PLATFORMS } from '../../src/core/platform.js';
import { DfuProgressParser, dfuFailure, dfuWriteArgs, linesAboutBoard, parseDfuList, significantLines, type DfuRun } from '../../src/transport/dfu.js';

const ID = '3a002c000847343337373738' as DeviceId;

const SUCCESS_STDOUT = [
  'dfu-util 0.11', '', 'Copyright 2005-2009 Weston Schmidt, Harald Welte and OpenMoko Inc.',
  'Opening DFU capable USB device...', 'Device ID 2b04:d006', 'Downloading element to address = 0x080a0000, size = 8192',
  '\rErase   \t[                         ]   0%            0 bytes\rErase   \t[=========================] 100%         8192 bytes',
  'Erase    done.',
  '\rDownload\t[                         ]   0%            0 bytes\rDownload\t[============             ]  50%         4096 bytes\rDownload\t[=========================] 100%         8192 bytes',
  'Download done.', 'File downloaded successfully', 'Submitting leave request...',
].join('\n');

const run = (r: Partial<DfuRun>): DfuRun => ({ program: 'dfu-util', exitCode: 0, spawnCode: undefined, stdout: '', stderr: '', ...r });
const what = { deviceId: ID, device: '2b04:d006' };

t.test('the write command: DFU PID, alt 0, the module address with :leave, the file, the device by serial', async (t) => {
  t.same(dfuWriteArgs({ platform: PLATFORMS.photon, deviceId: ID, address: 0x080a0000, file: '/tmp/a.bin' }),
    ['-d', '2b04:d006', '-a', '0', '-s', '0x080a0000:leave', '-D', '/tmp/a.bin', '-S', ID]);
  t.same(dfuWriteArgs({ platform: PLATFORMS.argon, deviceId: ID, address: 0xd4000, file: 'f', leave: false, alt: 2 }).slice(0, 6),
    ['-d', '2b04:d00c', '-a', '2', '-s', '0x000d4000'], 'no :leave when asked; Gen3 address zero-padded');
  t.same(dfuWriteArgs({ platform: PLATFORMS.p2, deviceId: ID, address: 0x085fe000, file: 'f' })[1], '2b04:d020');
  t.throws(() => dfuWriteArgs({ platform: PLATFORMS.p2, deviceId: ID, address: -1, file: 'f' }), /Expected a 32-bit flash address, got -1/);
});

t.test('progress: each new Download percentage once, whatever the chunking; the Erase bar is not progress', async (t) => {
  for (const size of [1, 7, 64, 4096]) {
    const seen: number[] = [];
    const parser = new DfuProgressParser((p) => seen.push(p.percent));
    for (let i = 0; i < SUCCESS_STDOUT.length; i += size) parser.feed(SUCCESS_STDOUT.slice(i, i + size));
    t.same(seen, [0, 50, 100], `chunks of ${size} bytes`);
  }
  const bytes: number[] = [];
  new DfuProgressParser((p) => bytes.push(p.bytes)).feed(SUCCESS_STDOUT);
  t.same(bytes, [0, 4096, 8192]);
});

t.test('evidence lines: no banner, no progress bars', async (t) => {
  t.same(significantLines(SUCCESS_STDOUT), [
    'Opening DFU capable USB device...', 'Device ID 2b04:d006', 'Downloading element to address = 0x080a0000, size = 8192',
    'Erase    done.', 'Download done.', 'File downloaded successfully', 'Submitting leave request...',
  ]);
});

t.test('outcomes', async (t) => {
  t.equal(dfuFailure(run({ stdout: SUCCESS_STDOUT }), what), undefined, 'success');
  t.equal(dfuFailure(run({ stdout: SUCCESS_STDOUT, exitCode: 74, stderr: 'dfu-util: Error during download get_status' }), what), undefined,
    'exit 74 after :leave with "File downloaded successfully" is success');

  const infra = (r: DfuRun, message: RegExp, fix: RegExp, label: string): void => {
    const e = dfuFailure(r, what);
    t.ok(e instanceof InfraError, `${label}: InfraError`);
    t.match(e?.message, message, label);
    t.match((e as InfraError).fix, fix, `${label}: fix`);
  };
  infra(run({ exitCode: 74, stderr: 'dfu-util: No DFU capable USB device available' }), /no DFU device 2b04:d006 with serial 3a002c000847343337373738/, /put the board in DFU mode \/ check the cable/, 'no device');
  infra(run({ exitCode: 74, stderr: 'dfu-util: Cannot open DFU device 2b04:d006 found on devnum 12 (LIBUSB_ERROR_ACCESS)' }), /cannot open the DFU device/, /udev rules/, 'permissions');
  infra(run({ spawnCode: 'ENOENT', exitCode: undefined }), /dfu-util is not installed/, /apt-get install dfu-util/, 'missing program');
  infra(run({ exitCode: 74, stderr: 'dfu-util: Warning: Invalid DFU suffix signature\ndfu-util: Error during download get_status' }), /dfu-util failed \(exit 74\): dfu-util: Error during download get_status/, /DFU mode/, 'transfer broken off, never confirmed');
  infra(run({ exitCode: 0, stdout: 'Download done.' }), /without confirming the download/, /run the flash again/, 'exit 0 but no confirmation');

  const rejected = (stderr: string, message: RegExp, label: string): void => {
    const e = dfuFailure(run({ exitCode: 74, stderr }), what);
    t.ok(e instanceof FlashRejectedError, `${label}: FlashRejectedError`);
    t.match(e?.message, message, label);
    t.equal((e as FlashRejectedError).method, 'dfu');
    t.ok((e as FlashRejectedError).boardMessages.length > 0, `${label}: the lines kept`);
  };
  rejected('dfu-util: Error during special command "SET_ADDRESS" get_status\ndfu-util: state(10) = dfuERROR, status(8) = Address is out of range', /Address is out of range \(DfuSe status 8\)/, 'errADDRESS');
  rejected('dfu-util: state(10) = dfuERROR, status(1) = File is not targeted for use by this device', /not targeted .*status 1/, 'errTARGET');
  rejected('dfu-util: Last page at 0x000b4fff is not writeable', /memory map has no room/, 'outside the memory map');
  const other = dfuFailure(run({ exitCode: 74, stderr: 'dfu-util: state(10) = dfuERROR, status(14) = Something unexpected' }), what);
  t.ok(other instanceof InfraError, 'a DfuSe status that is not a refusal (errUNKNOWN) is not blamed on the firmware');
});

t.test('dfu-util -l lines', async (t) => {
  const out = [
    'Found DFU: [2b04:d006] ver=0200, devnum=25, cfg=1, intf=0, path="1-1", alt=1, name="@DCT Flash   /0x00000000/01*016Kg", serial="3a002c000847343337373738"',
    'Found DFU: [2b04:d006] ver=0200, devnum=25, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash   /0x08000000/03*016Ka,01*016Kg,01*064Kg,07*128Kg", serial="3a002c000847343337373738"',
    'Found Runtime: [0483:df11] ver=2200, devnum=3, cfg=1, intf=0, path="1-2", alt=0, name="UNKNOWN", serial="UNKNOWN"',
    'Found DFU: [0483:df11] ver=2200, devnum=4, cfg=1, intf=0, path="1-3", alt=0, name="@Internal Flash  /0x08000000/04*016Kg", serial="3276345E3437"',
  ].join('\n');
  const list = parseDfuList(out);
  t.equal(list.length, 3, 'DFU interfaces only, not runtime ones');
  t.match(list[1], { vendorId: 0x2b04, productId: 0xd006, devnum: 25, path: '1-1', alt: 0, serial: ID, deviceId: ID, platform: { name: 'photon' } });
  t.match(list[1]?.name, /^@Internal Flash {3}\/0x08000000\//);
  t.equal(list[2]?.platform, undefined, 'a foreign DFU device has no platform');
  t.equal(list[2]?.deviceId, undefined, 'nor a device ID');
});

t.test('lines about other devices are not this board\'s', async (t) => {
  const photon = { device: '2b04:d006', deviceId: ID };
  const output = [
    'Opening DFU capable USB device...',
    'dfu-util: Cannot open DFU device 2b04:d020 found on devnum 4 (LIBUSB_ERROR_NO_DEVICE)',
    'Found DFU: [2b04:d006] ver=0200, devnum=3, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash", serial="3a002c000847343337373738"',
    'Found DFU: [2b04:d006] ver=0200, devnum=5, cfg=1, intf=0, path="1-3", alt=0, name="@Internal Flash", serial="3a002c000847343337379999"',
    'dfu-util: Cannot open DFU device on path="1-3"',
    'Device ID 2b04:d006',
    'File downloaded successfully',
  ];
  t.same(linesAboutBoard(output, photon), [
    'Opening DFU capable USB device...',
    'Found DFU: [2b04:d006] ver=0200, devnum=3, cfg=1, intf=0, path="1-1", alt=0, name="@Internal Flash", serial="3a002c000847343337373738"',
    'Device ID 2b04:d006',
    'File downloaded successfully',
  ], 'another PID, another serial, another path: dropped');
});
