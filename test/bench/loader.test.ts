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
