// `rig run` end to end on the simulated bench: the rig starts the bench as a
// child process and reaches its boards only through PTYs, the USB socket bus
// (real dfu-util) and the local cloud, as it would reach real boards.
import t from 'tap';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, runRig } from '../cli/run-rig.js';
import { readJson, readTap } from './run-report.js';

const BENCH = join(ROOT, 'test/e2e/fixtures/two-boards.yaml');
// Board locks of this file's runs stay apart from other test files running at the same time.
process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

t.test('the smoke plan passes on the default bench, every report written', async (t) => {
  const dir = t.testdir({});
  const r = await runRig(['run', 'plans/smoke.yaml', '--report-dir', dir, '--tap', join(dir, 'copy.tap')], { timeoutMs: 240_000 });
  t.equal(r.code, 0, `exit 0\n${r.stderr}`);
  const tap = readTap(dir);
  t.equal(tap.ok, true, 'tap-parser reads the TAP as ok');
  t.same(tap.failures, []);
  for (const f of ['report.tap', 'report.xml', 'report.json', 'copy.tap']) t.ok(existsSync(join(dir, f)), `${f} written`);
  const report = readJson(dir);
  t.same(report.boards.map((b) => b.name).sort(), ['argon-1', 'electron-1', 'p2-1', 'photon-1']);
  for (const b of report.boards) {
    t.ok(b.artifacts.trace && existsSync(b.artifacts.trace), `${b.name}: trace.log exists`);
    t.ok(b.artifacts.events && existsSync(b.artifacts.events), `${b.name}: events.ndjson exists`);
    t.ok(readFileSync(b.artifacts.trace!, 'utf8').length > 0, `${b.name}: the trace captured the board's output`);
  }
});

t.test('a plan that expects the wrong app fails with exit 1 and a diagnosis', async (t) => {
  const dir = t.testdir({
    'plan.yaml': [
      'plan: wrong-app',
      'boards: { names: [photon-1] }',
      'firmware:',
      '  sent: { make: { version: 5 } }',
      '  other: { make: { version: 6 } }',
      'steps:',
      '  - flash: sent',
      '    via: dfu',
      '  - expect-app: other',
      '',
    ].join('\n'),
  });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')], { timeoutMs: 120_000 });
  t.equal(r.code, 1, `exit 1\n${r.stderr}`);
  const tap = readTap(join(dir, 'out'));
  t.equal(tap.ok, false);
  t.match(tap.text, /not ok \d+ - expect-app other/);
  t.match(tap.text, /diagnosis: .*running app is .*(sent|[0-9a-f]{8})/i, 'the diagnosis names what runs instead');
});

t.test('a step that runs past its own timeout fails with exit 1, the timeout named, not as infrastructure', async (t) => {
  const dir = t.testdir({
    'plan.yaml': 'plan: never\nboards: { names: [photon-1] }\nsteps:\n  - expect-log: "never appears"\n    within: 10m\n    timeout: 5s\n',
  });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')], { timeoutMs: 120_000 });
  t.equal(r.code, 1, `exit 1\n${r.stderr}`);
  t.match(r.stderr, /expect-log match \/never appears\/ within 10m: FAIL \(.*\) - the step's timeout of 5 s board time ran out while waiting for \/never appears\/ in the trace/);
  t.notMatch(r.stderr, /INFRA|cancelled/);
});

for (const transfer of ['dfu', 'serial', 'ota', 'usb'] as const) {
  t.test(`a board the plan unplugs mid-${transfer}: the flash is interrupted, a failure naming the fault, never infrastructure; the other board passes`, async (t) => {
    const faulted = [
      'plan: unplugged',
      'boards: { names: [photon-1] }',
      'firmware: { app: { make: { version: 9, size: 65536 } } }',
      'steps:',
      `  - fault: { kind: usb-unplug, at: { transfer: ${transfer}, percent: 40% } }`,
      '  - flash: app',
      `    via: ${transfer}`,
      '  - expect-app: app',
      '',
    ].join('\n');
    const healthy = [
      'plan: healthy',
      'boards: { names: [argon-1] }',
      'firmware: { app: { make: { version: 9 } } }',
      'steps:',
      '  - flash: app',
      `    via: ${transfer}`,
      '  - expect-app: app',
      '    within: 1m',
      '',
    ].join('\n');
    const dir = t.testdir({ 'faulted.yaml': faulted, 'healthy.yaml': healthy });
    const r = await runRig(['run', join(dir, 'faulted.yaml'), join(dir, 'healthy.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')], { timeoutMs: 180_000 });
    t.equal(r.code, 1, `exit 1: the plan's own fault is its experiment, not the bench's failure\n${r.stderr}`);
    const report = readJson(join(dir, 'out'));
    const photon = report.boards.find((b) => b.name === 'photon-1');
    const argon = report.boards.find((b) => b.name === 'argon-1');
    // Every transfer is followed until the armed unplug fires (an OTA's too): the flash step itself ends `interrupted`.
    t.same(photon?.steps.map((s) => [s.name, s.status]), [[`fault usb-unplug at ${transfer} 40%`, 'pass'], [`flash app via ${transfer}`, 'fail'], ['expect-app app', 'skip']]);
    const flash = photon?.steps[1];
    t.equal(flash?.actual, 'interrupted');
    t.match(flash?.diagnosis, /the plan's USB unplug interrupted the flash of app/);
    t.notOk(photon?.steps.some((s) => s.status === 'infra'), 'nothing the plan asked for is called infrastructure');
    t.ok(argon?.steps.length && argon.steps.every((s) => s.status === 'pass'), 'the other board passes');
  });
}

t.test('the cloud token never appears in reports, traces or output', async (t) => {
  const token = 'tok-e2e-5f0c9d1be27a4c3f';
  const dir = t.testdir({
    'plan.yaml': 'plan: ota\nboards: { names: [argon-1] }\nfirmware: { app: { make: { version: 4 } } }\nsteps:\n  - flash: app\n    via: ota\n  - expect-app: app\n    within: 1m\n',
  });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')], { timeoutMs: 120_000, env: { RIG_SIM_TOKEN: token } });
  t.equal(r.code, 0, r.stderr);
  t.notMatch(r.stdout + r.stderr, token);
  const report = readJson(join(dir, 'out'));
  const files = ['report.tap', 'report.xml', 'report.json', 'index.html'].map((f) => join(dir, 'out', f));
  for (const b of report.boards) files.push(...[b.artifacts.trace, b.artifacts.events, join(dir, 'out', b.name, 'timeline.ndjson')].filter((x): x is string => !!x));
  for (const f of files) t.notMatch(readFileSync(f, 'utf8'), token, `${f} holds no token`);
});

t.test('bad input to rig run exits 2 before any board is touched', async (t) => {
  const dir = t.testdir({ 'plan.yaml': 'plan: p\nfirmware: { app: { make: {} } }\nsteps:\n  - flahs: app\n' });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', BENCH, '--report-dir', join(dir, 'out')]);
  t.equal(r.code, 2);
  t.match(r.stderr, /plan\.yaml:4:5: unknown step 'flahs'/);
  writeFileSync(join(dir, 'p2.yaml'), 'plan: p\nfirmware: { app: { make: {} } }\nsteps:\n  - flash: app\n');
  const bad = await runRig(['run', join(dir, 'p2.yaml'), '--bench', BENCH, '--repeat', 'often']);
  t.equal(bad.code, 2);
  t.match(bad.stderr, /--repeat: "often"/);
});
