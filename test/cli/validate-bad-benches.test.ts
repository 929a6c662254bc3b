// Every bad bench fixture through the real CLI (`rig validate --bench`): its own file, since
// each case spawns the rig and a loaded 2-core machine needs the time.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit, ROOT, runRig } from './run-rig.js';

const STACK = /^\s+at /m;

t.test('every bad bench fixture: exit 2 with a located line', async (t) => {
  const dir = 'test/fixtures/benches-bad';
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
  const results = await mapLimit(files, 2, (f) => runRig(['validate', 'plans/smoke.yaml', '--bench', `${dir}/${f}`]));
  files.forEach((f, i) => {
    const r = results[i]!;
    t.equal(r.code, 2, `${f} exits 2`);
    t.notMatch(r.stderr, STACK);
    t.match(r.stderr, new RegExp(`^${dir}/${f}(:\\d+:\\d+)?: `), `${f}: ${r.stderr.trim()}`);
  });
});
