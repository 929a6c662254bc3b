// Bench files: every bad one gives its exact located line; good ones load
// with IDs lower-cased and relative paths resolved against the bench folder.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { InputError } from '../../src/core/errors.js';
import { loadBench } from '../../src/bench/loader.js';

const bad = (name: string) => fileURLToPath(new URL(`../fixtures/benches-bad/${name}`, import.meta.url));
const good = (name: string) => fileURLToPath(new URL(`../fixtures/benches-good/${name}`, import.meta.url));

async function formatted(file: string): Promise<string> {
  try {
    await loadBench(file);
  } catch (err) {
    if (err instanceof InputError) return err.format();
    throw err;
  }
  throw new Error(`${file} loaded, but it is a bad bench`);
}

const CASES: Record<string, [what: string, lines: string[]]> = {
  'syntax-error.yaml': ['a YAML syntax error', ['5:1: YAML syntax error: Missing closing "quote (a flow collection or quoted string is not closed)']],
  'empty.yaml': ['an empty file', ['1:1: bench file is empty (start with the bench key, e.g. `bench: my-bench`)']],
  'inline-token.yaml': ['an inline token', ['4:10: token: tokens never go inline; use env:PARTICLE_ACCESS_TOKEN or file:PATH (move the token into that variable or file, and revoke it if it was committed)']],
  'duplicate-names.yaml': ['duplicate board names', ["6:11: name: board name 'photon-1' is already used at line 3 (each board needs its own board name)"]],
  'duplicate-ids.yaml': ['duplicate device IDs, whatever their case', ['8:9: id: device ID 3a002c000847343337373738 is used by photon-1 and photon-2 (each board needs its own device ID)']],
  'bad-device-id.yaml': ['a bad device ID', ["5:9: id: 'e00fce68e3c1a2b3c4d5e6f' is not a device ID: 24 hex digits expected, this has 23 digits (copy it from `particle serial identify` or the console)"]],
  'unknown-platform.yaml': ['an unknown platform', ["4:15: platform: unknown platform 'borom' — did you mean 'boron'? (platforms: photon, p1, electron, argon, boron, xenon, p2)"]],
  'unknown-key.yaml': ['a misspelt key, said once', ["4:5: unknown key 'platfrom' — did you mean 'platform'?"]],
  'time-scale.yaml': ['a time scale below 1', ['2:12: timeScale: 0.5 is out of range: must be at least 1']],
  'simulator-with-cloud.yaml': ['endpoints beside simulator: true', ['3:1: cloud: not allowed with simulator: true (the simulated bench publishes its own; remove this key, or remove simulator: true to use these)']],
  'bad-api.yaml': ['a cloud API that is not http(s)', ["3:8: api: 'ftp://api.particle.io' is not an http(s) URL (e.g. https://api.particle.io)"]],
  'bad-sim.yaml': ['bad simulated board settings', [
    '8:17: deviceOs: 2 is not a Device OS version like 1.5.2 (write all three parts, quoted if YAML would read a number: "2.0.0")',
    "9:45: bandwidth: '2 kbit' is not a bandwidth like 2kbps or 1Mbps (units: bps, kbps, Mbps, Gbps)",
  ]],
  'no-boards.yaml': ['a bench without boards', ['2:9: boards: needs at least 1 item']],
  // A simulated board is one a real board could be (particle-facts §11, issue 10 point 5).
  'device-os-photon-5.8.0.yaml': ['a Photon on a Device OS it never ran', [
    "8:22: deviceOs: the Photon never ran Device OS 5.8.0 (it was built for argon, boron, p2) (Photon ran Device OS 0.4.9 to 3.3.1; e.g. 3.3.1)",
  ]],
  'device-os-xenon-6.1.0.yaml': ['a Xenon after mesh was dropped', [
    "9:17: deviceOs: the Xenon never ran Device OS 6.1.0 (it was built for argon, boron, p2) (Xenon ran Device OS 0.8.0-rc.13 to 1.5.4-rc.2; e.g. 1.5.2)",
  ]],
  'device-os-p2-1.5.2.yaml': ['a P2 on a Device OS from before it', [
    "5:80: deviceOs: the P2 never ran Device OS 1.5.2 (it was built for photon, p1, electron, xenon, argon, boron) (P2 ran Device OS 3.0.1-p2.1 to 6.2.0; e.g. 6.2.0)",
  ]],
  'device-os-not-a-release.yaml': ['a version that was never released (no module version made up for it)', [
    "5:86: deviceOs: Device OS 0.8.0 is not a release (Particle's release table has no such version) (Argon ran Device OS 0.8.0-rc.13 to 6.2.0; nearest: 0.8.0-rc.27, 0.9.0)",
  ]],
  'network-argon-cellular.yaml': ['an Argon on a cellular link', [
    '10:24: kind: the Argon has no cellular link: it reaches the cloud over wifi (use kind: wifi, or a cellular platform (electron, boron))',
  ]],
  'network-boron-wifi.yaml': ['a Boron on Wi-Fi', [
    '8:29: kind: the Boron has no wifi link: it reaches the cloud over cellular (use kind: cellular, or a wifi platform (photon, p1, argon, p2))',
  ]],
};

t.test('each bad bench gives its located lines', async (t) => {
  for (const [name, [what, lines]] of Object.entries(CASES)) {
    t.test(`${what} (${name})`, async (t) => {
      const file = bad(name);
      t.equal(await formatted(file), lines.map((l) => `${file}:${l}`).join('\n'));
    });
  }
});

t.test('an inline token is never repeated in the error', async (t) => {
  const text = await formatted(bad('inline-token.yaml'));
  t.notMatch(text, '0123456789abcdef', 'the token does not appear');
});

t.test('a missing bench file', async (t) => {
  const file = bad('no-such-bench.yaml');
  t.ok((await formatted(file)).startsWith(`${file}: bench file not found (`));
});

t.test('a lab bench loads', async (t) => {
  const file = good('lab.yaml');
  const { bench, boardPlace } = await loadBench(file);
  t.equal(bench.name, 'lab-1');
  t.equal(bench.timeScale, 1, 'real time by default');
  t.equal(bench.simulator, false);
  t.same(bench.cloud?.token, { source: 'env', name: 'PARTICLE_ACCESS_TOKEN', place: { file, line: 4, column: 10 } });
  t.equal(bench.usb?.socket, join(dirname(file), 'run/usb.sock'), 'relative to the bench folder');
  t.same(bench.boards.map((b) => [b.name, b.platform, b.id]), [
    ['photon-1', 'photon', '3a002c000847343337373738'],
    ['argon-1', 'argon', '000000000000000000000012'],
    ['boron-1', 'boron', 'e00fce68e3c1a2b3c4d5e6f7'],
  ], 'IDs lower-cased');
  t.same(bench.boards[0]!.power, { uhubctl: { location: '1-1.4', port: 2 } });
  t.same(bench.boards[1]!.tags, ['wifi']);
  t.same(boardPlace(bench.boards[2]!), { file, line: 17, column: 5 });
});

t.test('a simulated bench loads with its board settings in units', async (t) => {
  const { bench } = await loadBench(good('sim.yaml'));
  t.equal(bench.timeScale, 20);
  t.equal(bench.simulator, true);
  t.equal(bench.cloud, undefined);
  t.same(bench.boards[0]!.sim, {
    deviceOs: '1.5.2', systemVersion: 1512, app: { version: 2, behaviour: { logRate: 5 } },
    network: { kind: 'wifi', bandwidthBps: 1_000_000, latencyMs: 50, lossPercent: 1, keepAliveMs: 25_000 },
    fs: { sizeBytes: 2 * 1024 * 1024, usedPercent: 40 },
  });
  t.same(bench.boards[1]!.sim?.network, { kind: 'cellular', bandwidthBps: 2000, latencyMs: undefined, lossPercent: undefined, keepAliveMs: undefined });
  t.same(bench.boards[1]!.tags, []);
  t.same(bench.boards.map((b) => b.deviceOs), ['1.5.2', '1.5.2'], 'the Device OS each board runs, the simulator\'s default where the file names none');
});

t.test('a real board\'s Device OS is not known from its bench file', async (t) => {
  const { bench } = await loadBench(good('lab.yaml'));
  t.same(bench.boards.map((b) => b.deviceOs), [undefined, undefined, undefined]);
});

t.test('a token file path resolves against the bench folder', async (t) => {
  const dir = t.testdir({
    'bench.yaml': 'bench: b\ncloud: { api: "http://127.0.0.1:9", token: "file:secrets/token" }\nboards:\n  - { name: a, platform: p2, id: 0123456789abcdef01234567 }\n',
  });
  const { bench } = await loadBench(join(dir, 'bench.yaml'));
  t.match(bench.cloud?.token, { source: 'file', path: join(dir, 'secrets/token') });
});

t.test('an all-digit device ID that YAML reads as a number is kept as written', async (t) => {
  const dir = t.testdir({ 'bench.yaml': 'bench: b\nboards:\n  - { name: a, platform: argon, id: 000000000000000000000012 }\n' });
  const { bench } = await loadBench(join(dir, 'bench.yaml'));
  t.equal(bench.boards[0]!.id, '000000000000000000000012');
});
