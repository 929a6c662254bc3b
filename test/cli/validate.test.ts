import t from 'tap';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp } from '../../src/firmware/make.js';
import { photonSystemPart, buildModule } from '../firmware/fixtures/module.js';
import { mapLimit, ROOT, runRig } from './run-rig.js';

const STACK = /^\s+at /m;

t.test('the shipped plans validate against the default simulated bench', async (t) => {
  const plans = readdirSync(join(ROOT, 'plans')).filter((f) => f.endsWith('.yaml')).map((f) => `plans/${f}`);
  t.ok(plans.length > 0, 'there are plans');
  const r = await runRig(['validate', ...plans]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /bench sim: ok/);
  for (const p of plans) t.match(r.stdout, `${p}: ok`);
});

t.test('every bad plan fixture: exit 2, one located line per problem, no stack trace', async (t) => {
  const dir = 'test/fixtures/plans-bad';
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
  t.ok(files.length >= 20, 'a fixture per bad-input case');
  const results = await mapLimit(files, 4, (f) => runRig(['validate', `${dir}/${f}`]));
  files.forEach((f, i) => {
    const r = results[i]!;
    t.equal(r.code, 2, `${f} exits 2`);
    t.notMatch(r.stderr, STACK, `${f}: no stack trace`);
    const lines = r.stderr.trim().split('\n');
    for (const line of lines) {
      const located = f === 'empty.yaml' ? new RegExp(`^${dir}/${f}(:\\d+:\\d+)?: `) : new RegExp(`^${dir}/${f}:\\d+:\\d+: `);
      t.match(line, located, `${f}: "${line}" names the file and place`);
    }
  });
});

t.test('every bad bench fixture: exit 2 with a located line', async (t) => {
  const dir = 'test/fixtures/benches-bad';
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
  const results = await mapLimit(files, 4, (f) => runRig(['validate', 'plans/smoke.yaml', '--bench', `${dir}/${f}`]));
  files.forEach((f, i) => {
    const r = results[i]!;
    t.equal(r.code, 2, `${f} exits 2`);
    t.notMatch(r.stderr, STACK);
    t.match(r.stderr, new RegExp(`^${dir}/${f}(:\\d+:\\d+)?: `), `${f}: ${r.stderr.trim()}`);
  });
});

t.test('the typical mistakes, word for word', async (t) => {
  const dir = t.testdir({
    'typo.yaml': 'plan: p\nfirmware: { app: app.bin }\nsteps:\n  - flahs: app\n',
    'duration.yaml': 'plan: p\nfirmware: { app: { make: {} } }\nsteps:\n  - expect-app: app\n    within: two minutes\n',
    'undefined.yaml': 'plan: p\nfirmware:\n  candidate: { make: {} }\nsteps:\n  - flash: candidat\n',
    'dup.yaml': 'plan: p\nplan: q\nsteps: []\n',
    'platform.yaml': 'plan: p\nboards: { platform: [photn] }\nfirmware: { app: { make: {} } }\nsteps:\n  - flash: app\n',
  });
  const cases: [string, RegExp][] = [
    ['typo.yaml', /typo\.yaml:4:5: unknown step 'flahs' — did you mean 'flash'\?/],
    ['duration.yaml', /duration\.yaml:5:13: within: 'two minutes' is not a duration like 30s or 2m/],
    ['undefined.yaml', /undefined\.yaml:5:\d+: (flash: )?firmware 'candidat' is not defined; defined: candidate/],
    ['dup.yaml', /dup\.yaml:2:1: .*duplicate/i],
    ['platform.yaml', /platform\.yaml:2:\d+: .*photn.*photon/],
  ];
  for (const [file, expected] of cases) {
    const r = await runRig(['validate', join(dir, file)]);
    t.equal(r.code, 2, `${file} exits 2`);
    t.match(r.stderr, expected, file);
  }
});

t.test('firmware files a plan names are checked against each board it selects', async (t) => {
  const dir = t.testdir({});
  writeFileSync(join(dir, 'argon.bin'), makeTestApp({ platform: 'argon' }));
  const corrupted = makeTestApp({ platform: 'photon' });
  corrupted[200] = corrupted[200]! ^ 0xff;
  writeFileSync(join(dir, 'corrupted.bin'), corrupted);
  writeFileSync(join(dir, 'system.bin'), photonSystemPart());
  // A well-formed user part 192 KB long: the Photon's slot holds 128 KB.
  writeFileSync(join(dir, 'big.bin'), buildModule({ size: 192 * 1024, prefixOffset: 0, start: 0x080a0000, platformId: 6, func: 5, index: 1, version: 3 }));
  writeFileSync(join(dir, 'ok.bin'), makeTestApp({ platform: 'photon' }));
  const plan = (file: string) => `plan: p\nboards: { names: [photon-1] }\nfirmware:\n  app: ./${file}\nsteps:\n  - flash: app\n  - expect-app: app\n`;
  const cases: [string, RegExp][] = [
    ['argon.bin', /:4:8: firmware 'app' \(.*argon\.bin\) for board photon-1: built for argon \(12\), board is photon \(6\)/],
    ['corrupted.bin', /:4:8: .*CRC check failed: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}/],
    ['system.bin', /:4:8: .*a system part where an? (application|user part).* is expected/],
    ['big.bin', /:4:8: .*(too big|does not fit|larger than)/i],
    ['missing.bin', /:4:8: .*no such file/],
  ];
  for (const [file, expected] of cases) {
    writeFileSync(join(dir, 'plan.yaml'), plan(file));
    const r = await runRig(['validate', join(dir, 'plan.yaml')]);
    t.equal(r.code, 2, `${file} exits 2`);
    t.match(r.stderr, expected, `${file}: ${r.stderr.trim()}`);
  }
  writeFileSync(join(dir, 'plan.yaml'), plan('ok.bin'));
  const ok = await runRig(['validate', join(dir, 'plan.yaml')]);
  t.equal(ok.code, 0, ok.stderr);
});

// Issue 10 point 5: what a board cannot do is refused before the run, one
// line at the key that says it (file:line:column: message (fix)), exit 2.
const DEVICE_OS_BENCH = [
  'bench: versions',
  'simulator: true',
  'boards:',
  '  - { name: argon-2, platform: argon, id: e00fce68a1b2c3d4e5f60718, sim: { deviceOs: 2.3.0 } }',
  '  - { name: argon-4, platform: argon, id: e00fce68a1b2c3d4e5f60719, sim: { deviceOs: 4.0.2 } }',
  '  - { name: p2-1, platform: p2, id: 0a10aced202194944a0452c8, sim: { deviceOs: 5.8.0 } }',
  '',
].join('\n');

const madePlan = (board: string, make: string) =>
  `plan: p\nboards: { names: [${board}] }\nfirmware:\n  app:\n    make: ${make}\nsteps:\n  - flash: app\n    via: dfu\n`;

t.test('a Device OS the platform never ran, wherever a bench names one: exit 2, one located line', async (t) => {
  const dir = 'test/fixtures/benches-bad';
  const cases: [string, string][] = [
    ['device-os-photon-5.8.0.yaml', '8:22: deviceOs: the Photon never ran Device OS 5.8.0'],
    ['device-os-xenon-6.1.0.yaml', '9:17: deviceOs: the Xenon never ran Device OS 6.1.0'],
    ['device-os-p2-1.5.2.yaml', '5:80: deviceOs: the P2 never ran Device OS 1.5.2'],
    ['device-os-not-a-release.yaml', '5:86: deviceOs: Device OS 0.8.0 is not a release'],
  ];
  const results = await mapLimit(cases, 2, ([f]) => runRig(['validate', 'plans/smoke.yaml', '--bench', `${dir}/${f}`]));
  cases.forEach(([f, start], i) => {
    const r = results[i]!;
    t.equal(r.code, 2, `${f} exits 2`);
    const lines = r.stderr.trim().split('\n');
    t.equal(lines.length, 1, `${f}: one line`);
    t.ok(lines[0]!.startsWith(`${dir}/${f}:${start}`), `${f}: ${lines[0]}`);
    t.match(lines[0], /\(\w+ ran Device OS \S+ to \S+; (e\.g\.|nearest:) [^)]+\)$/, `${f}: the fix names what the platform ran`);
  });
});

t.test('a network kind the platform lacks: exit 2, one located line', async (t) => {
  const dir = 'test/fixtures/benches-bad';
  const cases: [string, string][] = [
    ['network-argon-cellular.yaml', '10:24: kind: the Argon has no cellular link: it reaches the cloud over wifi (use kind: wifi, or a cellular platform (electron, boron))'],
    ['network-boron-wifi.yaml', '8:29: kind: the Boron has no wifi link: it reaches the cloud over cellular (use kind: cellular, or a wifi platform (photon, p1, argon, p2))'],
  ];
  for (const [f, line] of cases) {
    const r = await runRig(['validate', 'plans/smoke.yaml', '--bench', `${dir}/${f}`]);
    t.equal(r.code, 2, `${f} exits 2`);
    t.equal(r.stderr, `${dir}/${f}:${line}\n`, f);
  }
});

t.test('a plan\'s made app: a Device OS the board\'s platform never ran, a size its slot cannot hold', async (t) => {
  const dir = t.testdir({ 'bench.yaml': DEVICE_OS_BENCH });
  const bench = join(dir, 'bench.yaml');
  const cases: [string, string, number, string][] = [
    ['p2-1', '{ deviceOs: 2.3.0 }', 2,
      "5:23: deviceOs: firmware 'app' for p2: the P2 never ran Device OS 2.3.0 (it was built for photon, p1, electron, argon, boron) (P2 ran Device OS 3.0.1-p2.1 to 6.2.0; e.g. 6.2.0)"],
    ['argon-4', '{ deviceOs: 0.8.0 }', 2,
      "5:23: deviceOs: Device OS 0.8.0 is not a release (Particle's release table has no such version) (use a release the boards ran, e.g. 2.3.1, 4.2.0 or 6.2.0)"],
    ['argon-4', '{ size: 200KB }', 2,
      "5:19: size: firmware 'app' for argon: 204800 bytes do not fit the Argon user part of Device OS 1.1.0 (the default): 128 KB at 0x000d4000 (make it at most 131072 bytes, or build it with deviceOs: 3.1.0 or later (256 KB at 0x000b4000))"],
    ['argon-2', '{ deviceOs: 3.1.0, size: 200KB }', 2,
      "5:36: size: firmware 'app' for board argon-2: 204800 bytes do not fit: the board runs Device OS 2.3.0, whose user part is 128 KB at 0x000d4000 (make it at most 131072 bytes, or give the board Device OS 3.1.0 or later)"],
    ['argon-4', '{ deviceOs: 4.0.2, depends: system@4006 }', 2,
      "5:23: deviceOs: give deviceOs or depends, not both (an app built with a release depends on its system part: keep deviceOs, or drop it to name the dependency yourself)"],
    ['argon-4', '{ deviceOs: 3.1.0, size: 200KB }', 0, ''],
    ['argon-2', '{ deviceOs: 2.3.0, size: 128KB }', 0, ''],
  ];
  for (const [board, make, code, line] of cases) {
    const plan = join(dir, 'plan.yaml');
    writeFileSync(plan, madePlan(board, make));
    const r = await runRig(['validate', plan, '--bench', bench]);
    t.equal(r.code, code, `${board}, make ${make}: exit ${code}`);
    t.equal(r.stderr, code ? `${plan}:${line}\n` : '', `${board}, make ${make}`);
  }
});

t.test('rig run refuses the made app a board cannot hold before it starts anything', async (t) => {
  const dir = t.testdir({ 'bench.yaml': DEVICE_OS_BENCH });
  const plan = join(dir, 'plan.yaml');
  writeFileSync(plan, madePlan('argon-2', '{ deviceOs: 3.1.0, size: 200KB }'));
  const r = await runRig(['run', plan, '--bench', join(dir, 'bench.yaml'), '--report-dir', join(dir, 'reports')]);
  t.equal(r.code, 2);
  t.equal(r.stderr.trim().split('\n').filter((l) => l.startsWith(plan)).length, 1, r.stderr);
  t.match(r.stderr, `${plan}:5:36: size: firmware 'app' for board argon-2: 204800 bytes do not fit: the board runs Device OS 2.3.0`);
  t.notMatch(r.stderr, STACK);
});
