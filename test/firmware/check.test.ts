import t from 'tap';
import { PLATFORMS } from '../../src/core/platform.js';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseModule } from '../../src/firmware/parse.js';
import { assertModuleFitsBoard, checkModuleForBoard, moduleProblemsError } from '../../src/firmware/check.js';
import { dependencySatisfied, parseDependency, unmetDependencies } from '../../src/firmware/dependency.js';
import { buildModule, photonSystemPart } from './fixtures/module.js';

const kinds = (problems: { kind: string }[]) => problems.map((p) => p.kind);

t.test('a clean test app fits its board', async (t) => {
  for (const name of ['photon', 'electron', 'argon', 'p2'] as const) {
    t.same(checkModuleForBoard(parseModule(makeTestApp({ platform: name })), PLATFORMS[name], 'user-part'), [], name);
  }
});

t.test('a flipped byte is a CRC mismatch', async (t) => {
  const buf = makeTestApp({ platform: 'photon' });
  buf[1000] = (buf[1000] ?? 0) ^ 0x40;
  const info = parseModule(buf);
  const problems = checkModuleForBoard(info, PLATFORMS.photon, 'user-part');
  t.same(kinds(problems), ['crc']);
  t.match(problems[0]?.message, /^CRC check failed: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}: the file is corrupted$/);
  t.match(problems[0]?.message, `stored 0x${info.crcStored.toString(16).padStart(8, '0')}`);
});

t.test('wrong platform', async (t) => {
  const problems = checkModuleForBoard(parseModule(makeTestApp({ platform: 'argon' })), PLATFORMS.photon, 'user-part');
  t.same(kinds(problems), ['platform'], 'no address noise on top of the platform problem');
  t.equal(problems[0]?.message, 'built for argon (12), board is photon (6)');
  t.equal(problems[0]?.fix, 'use the build for photon');
  const unknown = buildModule({ size: 1024, prefixOffset: 0, start: 0x080a0000, platformId: 99, func: 5, index: 1, version: 1 });
  t.match(checkModuleForBoard(parseModule(unknown), PLATFORMS.photon, 'any')[0]?.message, 'built for an unknown platform (99), board is photon (6)');
});

t.test('too big for the slot', async (t) => {
  const big = makeTestApp({ platform: 'photon', size: 128 * 1024 + 4 });
  const problems = checkModuleForBoard(parseModule(big), PLATFORMS.photon, 'user-part');
  t.same(kinds(problems), ['size']);
  t.equal(problems[0]?.message, "too big for the user part slot: 131076 bytes, photon's slot holds 131072");
  t.same(checkModuleForBoard(parseModule(makeTestApp({ platform: 'photon', size: 128 * 1024 })), PLATFORMS.photon, 'user-part'), [], 'exactly full is fine');
  const p2 = checkModuleForBoard(parseModule(makeTestApp({ platform: 'p2', size: 1536 * 1024 + 8 })), PLATFORMS.p2, 'user-part');
  t.same(kinds(p2), ['size'], 'P2 slot size');
});

t.test('Gen3: the old 128 KB slot at 0x000d4000 is accepted, with its smaller size', async (t) => {
  const at = (start: number, size: number) =>
    parseModule(buildModule({ size, prefixOffset: 0, start, platformId: 12, func: 5, index: 1, version: 1 }));
  t.same(checkModuleForBoard(at(0x000d4000, 4096), PLATFORMS.argon, 'user-part'), []);
  t.same(kinds(checkModuleForBoard(at(0x000d4000, 200 * 1024), PLATFORMS.argon, 'user-part')), ['size']);
  t.same(checkModuleForBoard(at(0x000b4000, 200 * 1024), PLATFORMS.argon, 'user-part'), [], '256 KB slot takes it');
});

t.test('address outside the slot', async (t) => {
  const off = parseModule(buildModule({ size: 4096, prefixOffset: 0, start: 0x080a0400, platformId: 6, func: 5, index: 1, version: 1 }));
  const problems = checkModuleForBoard(off, PLATFORMS.photon, 'user-part');
  t.same(kinds(problems), ['address']);
  t.equal(problems[0]?.message, 'address 0x080a0400 is outside the user part slot: photon user parts start at 0x080a0000');
  // A P2 part that does not end at 0x08600000.
  const p2 = parseModule(buildModule({ size: 4096, prefixOffset: 0, start: 0x08500000, platformId: 32, func: 5, index: 1, version: 1 }));
  t.match(checkModuleForBoard(p2, PLATFORMS.p2, 'user-part')[0]?.message, /user parts end at 0x08600000, so one of 4096 bytes starts at 0x085ff000/);
});

t.test('a system part where a user part is expected, and the other way round', async (t) => {
  const sys = parseModule(photonSystemPart());
  t.equal(sys.funcCode, 4);
  const problems = checkModuleForBoard(sys, PLATFORMS.photon, 'user-part');
  t.same(kinds(problems), ['function']);
  t.equal(problems[0]?.message, 'a system part where a user part is expected');
  t.same(checkModuleForBoard(sys, PLATFORMS.photon, 'system-part'), [], 'fits system part 1 of a Photon');
  t.same(checkModuleForBoard(sys, PLATFORMS.photon, 'any'), []);
  t.equal(checkModuleForBoard(parseModule(makeTestApp({ platform: 'photon' })), PLATFORMS.photon, 'system-part')[0]?.message,
    'a user part where a system part is expected');
  const ncp = parseModule(buildModule({ size: 2048, prefixOffset: 0, start: 0, platformId: 12, func: 7, index: 0, version: 5 }));
  t.equal(checkModuleForBoard(ncp, PLATFORMS.argon, 'user-part')[0]?.message, 'an NCP firmware where a user part is expected');
  const wrongSlot = parseModule(buildModule({ size: 2048, prefixOffset: 0x184, start: 0x08020000, platformId: 6, func: 4, index: 3, version: 1 }));
  t.match(checkModuleForBoard(wrongSlot, PLATFORMS.photon, 'system-part')[0]?.message, 'photon has no system part 3 (it has 1, 2)');
});

t.test('problems become one InputError for the file', async (t) => {
  const buf = makeTestApp({ platform: 'argon' });
  buf[200] = (buf[200] ?? 0) ^ 1;
  const problems = checkModuleForBoard(parseModule(buf), PLATFORMS.photon, 'user-part');
  const err = moduleProblemsError('build/app.bin', problems);
  t.ok(err);
  t.match(err?.format(), /^build\/app\.bin: CRC check failed: .*; built for argon \(12\), board is photon \(6\) \(rebuild or download the file again; use the build for photon\)$/);
  t.equal(moduleProblemsError('x.bin', []), undefined);
  t.throws(() => assertModuleFitsBoard('a.bin', parseModule(buf), PLATFORMS.photon, 'user-part'), { name: 'InputError' });
  t.doesNotThrow(() => assertModuleFitsBoard('a.bin', parseModule(makeTestApp({ platform: 'photon' })), PLATFORMS.photon, 'user-part'));
});

t.test('dependencies against a board\'s system parts', async (t) => {
  const info = parseModule(makeTestApp({ platform: 'photon', depends: [{ func: 'system-part', index: 2, version: 1406 }] }));
  t.equal(dependencySatisfied(info, [{ index: 1, version: 1406 }, { index: 2, version: 1406 }]), true, 'equal version');
  t.equal(dependencySatisfied(info, [{ index: 2, version: 2301 }]), true, 'newer version');
  t.equal(dependencySatisfied(info, [{ index: 1, version: 2301 }, { index: 2, version: 1104 }]), false, 'older version');
  t.same(unmetDependencies(info, [{ index: 2, version: 1104 }]).map((u) => u.message),
    ['user part needs system part 2 version 1406, board has 1104']);
  t.same(unmetDependencies(info, [{ index: 1, version: 1104 }]).map((u) => u.message),
    ['user part needs system part 2 version 1406, board has none']);
  const none = parseModule(makeTestApp({ platform: 'photon', depends: [] }));
  t.same(none.dependencies, []);
  t.equal(dependencySatisfied(none, []), true, 'no dependencies, nothing to meet');
});

t.test('parseDependency', async (t) => {
  t.same(parseDependency('system@1406'), { func: 'system-part', index: 1, version: 1406 });
  t.same(parseDependency('system-part2@1406'), { func: 'system-part', index: 2, version: 1406 });
  t.same(parseDependency('System-Part3@0'), { func: 'system-part', index: 3, version: 0 });
  for (const bad of ['system', 'system@', 'bootloader@3', 'system-part2@70000', 'system-part0@1', '1406']) {
    t.throws(() => parseDependency(bad), { name: 'InputError', message: `bad dependency "${bad}"` }, bad);
  }
});
