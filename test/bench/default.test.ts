// Without --bench: the lab's rig/bench.yaml in the current folder, else the
// rig's own simulated bench.
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { benchFileFor, defaultBenchFile } from '../../src/bench/default.js';
import { RIG_ROOT } from '../../src/core/rig-root.js';

t.test('rig/bench.yaml in the current folder wins', async (t) => {
  const lab = t.testdir({ rig: { 'bench.yaml': 'bench: lab\n', 'sim.yaml': 'bench: sim\n' } });
  t.same(defaultBenchFile(lab, '/opt/rig'), { file: join(lab, 'rig', 'bench.yaml'), reason: 'rig/bench.yaml in the current folder' });
});

t.test('otherwise the built-in simulated bench of the rig itself', async (t) => {
  const elsewhere = t.testdir({ rig: { 'sim.yaml': 'bench: not-this-one\n' } });
  t.equal(defaultBenchFile(elsewhere, '/opt/rig').file, '/opt/rig/rig/sim.yaml');
  t.equal(defaultBenchFile(elsewhere).file, join(RIG_ROOT, 'rig', 'sim.yaml'));
  t.ok(existsSync(join(RIG_ROOT, 'package.json')), 'RIG_ROOT is the rig\'s own folder');
});

t.test('--bench is taken as given', async (t) => {
  t.same(benchFileFor('benches/x.yaml'), { file: 'benches/x.yaml', reason: '--bench' });
  const lab = t.testdir({ rig: { 'bench.yaml': '' } });
  t.equal(benchFileFor(undefined, lab).file, join(lab, 'rig', 'bench.yaml'));
});
