import t from 'tap';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp } from '../../src/firmware/make.js';
import { photonSystemPart, buildModule } from '../firmware/fixtures/module.js';
import { ROOT, runRig } from './run-rig.js';

t.test('the shipped plans validate against the default simulated bench', async (t) => {
  const plans = readdirSync(join(ROOT, 'plans')).filter((f) => f.endsWith('.yaml')).map((f) => `plans/${f}`);
  t.ok(plans.length > 0, 'there are plans');
  const r = await runRig(['validate', ...plans]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /bench sim: ok/);
  for (const p of plans) t.match(r.stdout, `${p}: ok`);
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
