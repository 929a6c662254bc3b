import t from 'tap';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM_NAMES } from '../../src/core/platform.js';
import { runRig } from './run-rig.js';

t.test('rig firmware make output passes rig firmware info on every platform', async (t) => {
  const dir = t.testdir({});
  for (const platform of PLATFORM_NAMES) {
    const out = join(dir, `${platform}.bin`);
    const made = await runRig(['firmware', 'make', '--platform', platform, '--version', '7', '--behaviour', 'log-rate=3', '-o', out]);
    t.equal(made.code, 0, `${platform}: make exits 0 ${made.stderr}`);
    const info = await runRig(['firmware', 'info', out]);
    t.equal(info.code, 0, `${platform}: info exits 0 ${info.stderr}`);
    t.match(info.stdout, new RegExp(`Platform:\\s+${platform} \\(`), `${platform}: platform shown`);
    t.match(info.stdout, /CRC-32:.*OK/, `${platform}: CRC OK`);
    t.match(info.stdout, /Version:\s+7/);
    const json = await runRig(['firmware', 'info', '--json', out]);
    t.equal(JSON.parse(json.stdout).crcOk, true, `${platform}: JSON says the CRC is ok`);
  }
});

t.test('a flipped byte makes info exit 2 naming the CRC', async (t) => {
  const dir = t.testdir({});
  const out = join(dir, 'app.bin');
  t.equal((await runRig(['firmware', 'make', '--platform', 'photon', '-o', out])).code, 0);
  const bytes = readFileSync(out);
  bytes[1000] = bytes[1000]! ^ 0x01;
  writeFileSync(out, bytes);
  const r = await runRig(['firmware', 'info', out]);
  t.equal(r.code, 2);
  t.match(r.stderr, new RegExp(`^${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: CRC check failed`));
  t.match(r.stdout, /MISMATCH/);
});

t.test('bad arguments exit 2 with one line', async (t) => {
  const dir = t.testdir({});
  const cases: [string[], RegExp][] = [
    [['firmware', 'make', '--platform', 'photn', '-o', join(dir, 'x.bin')], /unknown platform "photn"/],
    [['firmware', 'make', '--platform', 'photon', '--behaviour', 'blocks', '-o', join(dir, 'x.bin')], /unknown behaviour "blocks"/],
    [['firmware', 'make', '--platform', 'photon', '--depends', 'sys@x', '-o', join(dir, 'x.bin')], /bad dependency "sys@x"/],
    [['firmware', 'info', join(dir, 'none.bin')], /no such file/],
    [['frobnicate'], /unknown command 'frobnicate'/],
  ];
  for (const [args, expected] of cases) {
    const r = await runRig(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, expected);
    t.notMatch(r.stderr, /^\s+at /m, 'no stack trace');
  }
  const garbage = join(dir, 'garbage.bin');
  writeFileSync(garbage, 'not a module at all, just text '.repeat(30));
  const r = await runRig(['firmware', 'info', garbage]);
  t.equal(r.code, 2);
  t.match(r.stderr, /not a Particle module/);
});

t.test('--device-os: the app is built with that release, its slot and dependency; a release the platform never ran is exit 2', async (t) => {
  const dir = t.testdir({});
  const cases: [string, RegExp, RegExp][] = [
    ['2.3.0', /Addresses:\s+0x000d4000 - /, /Depends on:\s+system part 1 version 2301/],
    ['3.1.0', /Addresses:\s+0x000b4000 - /, /Depends on:\s+system part 1 version 3103/],
  ];
  for (const [release, address, depends] of cases) {
    const out = join(dir, `argon-${release}.bin`);
    const made = await runRig(['firmware', 'make', '--platform', 'argon', '--device-os', release, '-o', out]);
    t.equal(made.code, 0, made.stderr);
    const info = await runRig(['firmware', 'info', out]);
    t.match(info.stdout, address, `${release}: the slot of ${release}`);
    t.match(info.stdout, depends, `${release}: its system part`);
  }
  const r = await runRig(['firmware', 'make', '--platform', 'photon', '--device-os', '5.8.0', '-o', join(dir, 'x.bin')]);
  t.equal(r.code, 2);
  t.equal(r.stderr, 'the Photon never ran Device OS 5.8.0 (it was built for argon, boron, p2) (Photon ran Device OS 0.4.9 to 3.3.1; e.g. 3.3.1)\n');
});

t.test('every command has --help', async (t) => {
  for (const args of [[], ['validate'], ['firmware'], ['firmware', 'info'], ['firmware', 'make']]) {
    const r = await runRig([...args, '--help']);
    t.equal(r.code, 0, `${args.join(' ')} --help`);
    t.match(r.stdout, /Usage: rig/);
  }
});
