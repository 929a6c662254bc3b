// Every bad plan fixture through the real CLI (`rig validate`): its own file, since
// each case spawns the rig and a loaded 2-core machine needs the time.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit, ROOT, runRig } from './run-rig.js';

const STACK = /^\s+at /m;

t.test('every bad plan fixture: exit 2, one located line per problem, no stack trace', async (t) => {
  const dir = 'test/fixtures/plans-bad';
  const files = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
  t.ok(files.length >= 20, 'a fixture per bad-input case');
  const results = await mapLimit(files, 2, (f) => runRig(['validate', `${dir}/${f}`]));
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
