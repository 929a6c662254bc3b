import t from 'tap';
import { join } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { firmwareInfo } from '../../src/firmware/info.js';
import { firmwareInfoJson, formatFirmwareInfo } from '../../src/firmware/describe.js';
import { firmwareMake } from '../../src/firmware/make-args.js';
import { parseModule } from '../../src/firmware/parse.js';
import { buildModule } from './fixtures/module.js';

t.test('firmware info text for a made test app', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'app.bin');
  writeFileSync(file, firmwareMake({ platform: 'photon', version: '3', behaviour: 'system-thread,fills-fs=80', depends: ['system-part2@1406'] }));
  const result = firmwareInfo(file);
  t.same(result.problems, []);
  const text = formatFirmwareInfo(result);
  const sha = parseModule(readFileSync(file)).sha256;
  for (const line of [
    /^Platform: +photon \(6\)$/m,
    /^Function: +user part \(5\), index 1$/m,
    /^Version: +3$/m,
    /^Addresses: +0x080a0000 - 0x080a0ffc$/m,
    /^Size: +4096 bytes \(suffix 40 bytes\)$/m,
    /^Depends on: +system part 2 version 1406$/m,
    /^Product: +none \(not a product build\)$/m,
    new RegExp(`^SHA-256: +${sha}$`, 'm'),
    /^CRC-32: +stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8} OK$/m,
    /^Behaviour: +version 3, 1 log lines\/s, system thread, fills the file system to 80%$/m,
    /^Checks: +OK$/m,
  ]) t.match(text, line);
  const json = firmwareInfoJson(result);
  t.equal(json.crcOk, true);
  t.equal(json.module.sha256, sha);
  t.equal(json.behaviour?.fillsFs, 80);
  t.same(JSON.parse(JSON.stringify(json)), json, 'plain JSON');
});

t.test('firmware info against a given platform', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'argon.bin');
  writeFileSync(file, firmwareMake({ platform: 'argon' }));
  const result = firmwareInfo(file, { platform: 'photon', expected: 'user-part' });
  t.same(result.problems.map((p) => p.message), ['built for argon (12), board is photon (6)']);
  t.same(firmwareInfo(file, { platform: 'Argon' }).problems, []);
  t.throws(() => firmwareInfo(file, { platform: 'core' }), { name: 'InputError', message: '--platform: unknown platform "core"' });
});

t.test('firmware info on a broken file lists its problems', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'bad.bin');
  const buf = firmwareMake({ platform: 'argon', behaviour: 'crash=panic@1s' });
  buf[buf.indexOf('"crash"') + 1] = 'C'.charCodeAt(0); // the descriptor now has an unknown key
  writeFileSync(file, buf);
  const result = firmwareInfo(file);
  t.same(result.problems.map((p) => p.kind), ['crc', 'behaviour']);
  const text = formatFirmwareInfo(result);
  t.match(text, /^CRC-32: .* MISMATCH$/m);
  t.match(text, /^Checks: +FAILED$/m);
  t.match(text, /^ {2}- CRC check failed: /m);
  t.equal(firmwareInfoJson(result).crcOk, false);
});

t.test('firmware info on a module for a platform the rig does not know', async (t) => {
  const dir = t.testdir({});
  const file = join(dir, 'tracker.bin');
  writeFileSync(file, buildModule({ size: 2048, prefixOffset: 0, start: 0x000b4000, platformId: 26, func: 5, index: 1, version: 1 }));
  const result = firmwareInfo(file);
  t.same(result.problems.map((p) => p.kind), ['platform']);
  t.match(formatFirmwareInfo(result), /^Platform: +an unknown platform \(26\)$/m);
  t.match(formatFirmwareInfo(result), /^Behaviour: +none \(not a rig test app\)$/m);
});

t.test('firmwareMake turns CLI strings into a test app, or names the bad option', async (t) => {
  const info = parseModule(firmwareMake({ platform: 'P2', size: '0x2000', productId: '42', productVersion: '7' }));
  t.equal(info.platform, 'p2', 'platform names are case-insensitive');
  t.equal(info.fileSize, 0x2000);
  t.equal(info.productId, 42);
  t.throws(() => firmwareMake({ platform: 'core' }), { name: 'InputError', message: '--platform: unknown platform "core"' });
  t.throws(() => firmwareMake({ platform: 'photon', size: '4k' }), { message: '--size: "4k" is not a whole number' });
  t.throws(() => firmwareMake({ platform: 'photon', depends: ['system@x'] }), { message: 'bad dependency "system@x"' });
  t.throws(() => firmwareMake({ platform: 'photon', behaviour: 'warp' }), { message: /unknown behaviour "warp"/ });
});
