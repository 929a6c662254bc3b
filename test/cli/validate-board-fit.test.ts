// `rig validate` on what a board cannot do (split from validate.test.ts so
// each file of CLI runs stays well within tap's time limit on a busy machine).
import t from 'tap';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit, runRig } from './run-rig.js';

const STACK = /^\s+at /m;

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
