import t from 'tap';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { InputError } from '../../src/core/errors.js';
import { flashLayout } from '../../src/core/device-os.js';
import { PLATFORMS, PLATFORM_NAMES } from '../../src/core/platform.js';
import { makeTestApp, DEFAULT_APP_SIZE } from '../../src/firmware/make.js';
import { parseModule, readModuleFile } from '../../src/firmware/parse.js';
import { defaultAppRelease, defaultSystemDependency } from '../../src/firmware/dependency.js';
import { independentCrc, independentSha, photonSystemPart } from './fixtures/module.js';

const require = createRequire(import.meta.url);
interface BvrParsed {
  crc: { ok: boolean; storedCrc: string; actualCrc: string };
  prefixInfo: Record<string, number | string>;
  suffixInfo: Record<string, number | string>;
}
const { HalModuleParser } = require('binary-version-reader') as {
  HalModuleParser: new () => { parseBuffer(i: { fileBuffer: Buffer }): Promise<BvrParsed> };
};

t.test('make -> parse round trip on every platform', async (t) => {
  for (const name of PLATFORM_NAMES) {
    t.test(name, async (t) => {
      const p = PLATFORMS[name];
      const buf = makeTestApp({ platform: name, version: 7 });
      const info = parseModule(buf);
      // A default app is built with the platform's default release, and sits in that release's slot.
      const slot = flashLayout(p, defaultAppRelease(name)).userPart;
      const start = slot.growsLeft ? p.userPartEnd - DEFAULT_APP_SIZE : slot.start;
      t.equal(buf.length, DEFAULT_APP_SIZE, 'default size');
      t.equal(info.platform, name);
      t.equal(info.platformId, p.id);
      t.equal(info.func, 'userPart');
      t.equal(info.funcCode, 5);
      t.equal(info.index, 1);
      t.equal(info.version, 7);
      t.equal(info.startAddress, start, 'start address from the platform table, for the release');
      t.equal(info.endAddress, start + buf.length - 4, 'end = start + size - 4');
      t.equal(info.fileSize, buf.length);
      t.equal(info.suffixSize, 40, 'classic suffix');
      t.equal(info.crcStored, independentCrc(buf), 'stored CRC is the CRC-32 of [0, len-4)');
      t.equal(info.crcComputed, info.crcStored);
      t.equal(info.sha256, independentSha(buf), 'SHA-256 of [0, len-38)');
      t.match(info.sha256, /^[0-9a-f]{64}$/);
      t.same(info.dependencies, [{ func: 'systemPart', index: 1, version: defaultSystemDependency(name).version }]);
      t.equal(info.productId, 0xffff);
      // Read the raw bytes too: the layout itself, not just our reader's view of it.
      t.equal(buf.readUInt32LE(0), start, 'prefix at offset 0');
      t.equal(buf.readUInt16LE(12), p.id, 'platform id at offset 12');
      t.equal(buf.readUInt32BE(buf.length - 4), independentCrc(buf), 'CRC stored big-endian at the end');
      if (p.userPart.growsLeft) t.equal(info.endAddress + 4, p.userPartEnd, 'P2 part ends at the slot end');
    });
  }
  t.end();
});

t.test('making an app leaks no global (binary-version-reader\'s updateModulePrefix would leak `addr`)', async (t) => {
  makeTestApp({ platform: 'photon' });
  t.notOk('addr' in globalThis);
});

t.test('a Gen3 app sits in the user part slot of the Device OS it is built with (particle-facts §5, §11)', async (t) => {
  for (const platform of ['argon', 'boron', 'xenon'] as const) {
    const start = (o: { deviceOs?: string; depends?: number }) => parseModule(makeTestApp({
      platform, ...(o.deviceOs ? { deviceOs: o.deviceOs } : {}),
      ...(o.depends ? { depends: [{ func: 'system-part', index: 1, version: o.depends }] } : {}),
    })).startAddress;
    t.equal(start({}), 0x000d4000, `${platform}: the default (1.1.0) uses the 128 KB slot`);
    t.equal(start({ deviceOs: '1.5.2' }), 0x000d4000, `${platform}: 1.5.2 too`);
    if (platform === 'xenon') continue; // the Xenon never ran 3.x
    t.equal(start({ deviceOs: '3.0.0' }), 0x000d4000, `${platform}: 3.0.0, the last release before the 256 KB slot`);
    t.equal(start({ deviceOs: '3.1.0' }), 0x000b4000, `${platform}: 3.1.0 brings the 256 KB slot`);
    t.equal(start({ deviceOs: '5.8.0' }), 0x000b4000, `${platform}: and keeps it`);
    t.equal(start({ depends: 2301 }), 0x000d4000, `${platform}: depending on 2.3.0's system part means built with 2.3.0`);
    t.equal(start({ depends: 5600 }), 0x000b4000, `${platform}: depending on 5.6.0's means built with 5.6.0`);
  }
  const info = parseModule(makeTestApp({ platform: 'argon', deviceOs: '2.3.0' }));
  t.same(info.dependencies, [{ func: 'systemPart', index: 1, version: 2301 }], 'and it depends on the release\'s system part');
});

t.test('a test app is built only with a Device OS its platform ran', async (t) => {
  t.throws(() => makeTestApp({ platform: 'photon', deviceOs: '5.8.0' }), { name: 'InputError', message: 'the Photon never ran Device OS 5.8.0 (it was built for argon, boron, p2)' });
  t.throws(() => makeTestApp({ platform: 'p2', deviceOs: '1.5.2' }), { name: 'InputError', message: /^the P2 never ran Device OS 1\.5\.2/ });
  t.throws(() => makeTestApp({ platform: 'argon', deviceOs: '0.8.0' }), { name: 'InputError', message: /^Device OS 0\.8\.0 is not a release/, fix: /nearest: 0\.8\.0-rc\.27, 0\.9\.0/ });
});

t.test('the P2 start moves with the size', async (t) => {
  const a = parseModule(makeTestApp({ platform: 'p2', size: 8192 }));
  t.equal(a.startAddress, 0x08600000 - 8192);
  t.equal(a.endAddress, 0x08600000 - 4);
});

t.test('options reach the binary', async (t) => {
  const info = parseModule(makeTestApp({
    platform: 'electron', size: 10_000, productId: 1234, productVersion: 5,
    depends: [{ func: 'system-part', index: 3, version: 1406 }, { func: 'system-part', index: 2, version: 1406 }],
  }));
  t.equal(info.fileSize, 10_000);
  t.equal(info.productId, 1234);
  t.equal(info.productVersion, 5);
  t.same(info.dependencies, [
    { func: 'systemPart', index: 3, version: 1406 },
    { func: 'systemPart', index: 2, version: 1406 },
  ]);
});

t.test('bad make options are InputErrors', async (t) => {
  t.throws(() => makeTestApp({ platform: 'photon', size: 50 }), { name: 'InputError', message: /size 50 is too small.*at least \d+ bytes/ });
  t.throws(() => makeTestApp({ platform: 'nope' as 'photon' }), { name: 'InputError', message: /unknown platform "nope"/ });
  t.throws(() => makeTestApp({ platform: 'photon', version: 70000 }), { name: 'InputError', message: /version 70000/ });
  t.throws(() => makeTestApp({ platform: 'photon', version: 2, behaviour: { version: 3 } }), { message: /disagree/ });
  const three = { func: 'system-part' as const, index: 1, version: 1 };
  t.throws(() => makeTestApp({ platform: 'photon', depends: [three, three, three] }), { message: /at most 2/ });
  t.throws(() => makeTestApp({ platform: 'photon', behaviour: { fillsFs: 150 } }), { name: 'InputError', message: /bad behaviour/ });
});

t.test('binary-version-reader, an independent reader, agrees with ours', async (t) => {
  for (const name of PLATFORM_NAMES) {
    const buf = makeTestApp({ platform: name, version: 4, productId: 321, productVersion: 9 });
    const ours = parseModule(buf);
    const theirs = await new HalModuleParser().parseBuffer({ fileBuffer: buf });
    const pre = theirs.prefixInfo;
    t.equal(theirs.crc.ok, true, `${name}: their CRC check passes`);
    t.equal(theirs.crc.storedCrc, ours.crcStored.toString(16).padStart(8, '0'), `${name}: stored CRC`);
    t.equal(pre.prefixOffset, 0, `${name}: prefix at offset 0`);
    t.equal(parseInt(String(pre.moduleStartAddy), 16), ours.startAddress, `${name}: start`);
    t.equal(parseInt(String(pre.moduleEndAddy), 16), ours.endAddress, `${name}: end`);
    t.equal(pre.platformID, ours.platformId, `${name}: platform`);
    t.equal(pre.moduleFunction, ours.funcCode, `${name}: function`);
    t.equal(pre.moduleIndex, ours.index);
    t.equal(pre.moduleVersion, ours.version);
    t.equal(pre.depModuleFunction, 4);
    t.equal(pre.depModuleVersion, ours.dependencies[0]?.version);
    t.equal(theirs.suffixInfo.fwUniqueId, ours.sha256, `${name}: SHA-256`);
    t.equal(theirs.suffixInfo.productId, 321);
    t.equal(theirs.suffixInfo.productVersion, 9);
    t.equal(theirs.suffixInfo.suffixSize, ours.suffixSize);
  }
});

t.test('a system part: prefix after the vector table', async (t) => {
  const buf = photonSystemPart();
  const ours = parseModule(buf);
  t.equal(ours.func, 'systemPart');
  t.equal(ours.startAddress, 0x08020000);
  t.equal(ours.version, 1406);
  const theirs = await new HalModuleParser().parseBuffer({ fileBuffer: buf });
  t.equal(theirs.prefixInfo.prefixOffset, 0x184, 'binary-version-reader finds it at 0x184 too');
});

t.test('garbage and short files are not modules', async (t) => {
  t.throws(() => parseModule(Buffer.alloc(10), 'tiny.bin'), {
    name: 'InputError', message: /^not a Particle module: the file is 10 bytes; a module has at least 68$/,
  });
  const garbage = Buffer.alloc(4096, 0xff);
  t.throws(() => parseModule(garbage, 'ff.bin'), { name: 'InputError', message: /not a Particle module: no module prefix/ });
  const text = Buffer.from('#include "Particle.h"\nvoid setup() {}\nvoid loop() {}\n'.repeat(20));
  try {
    parseModule(text, 'app.cpp');
    t.fail('a C++ source is not a module');
  } catch (err) {
    t.ok(err instanceof InputError);
    t.match((err as InputError).format(), /^app\.cpp: not a Particle module: .*\(expected a Particle module binary/);
  }
});

t.test('a truncated module still parses, so its faults can be named', async (t) => {
  const buf = makeTestApp({ platform: 'photon' });
  const info = parseModule(buf.subarray(0, 3000));
  t.equal(info.fileSize, 3000);
  t.equal(info.endAddress - info.startAddress + 4, 4096);
  t.not(info.crcStored, info.crcComputed);
});

t.test('readModuleFile', async (t) => {
  const dir = t.testdir({});
  const path = join(dir, 'app.bin');
  writeFileSync(path, makeTestApp({ platform: 'boron' }));
  t.equal(readModuleFile(path).info.platform, 'boron');
  try {
    readModuleFile(join(dir, 'missing.bin'));
    t.fail('a missing file throws');
  } catch (err) {
    t.ok(err instanceof InputError, 'InputError');
    t.match((err as InputError).format(), /missing\.bin: firmware file: no such file \(check the path\)$/);
  }
  t.throws(() => readModuleFile(dir), { name: 'InputError', message: /is a directory/ });
});
