// The bad plan fixtures, checked through the real CLI (`rig validate`); used by
// validate-bad-plans-*.test.ts.
import t from 'tap';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { mapLimit, ROOT, runRig } from './run-rig.js';

const STACK = /^\s+at /m;

/**
 * Every bad plan fixture whose name starts in [from, to] through `rig validate`: exit 2, one
 * located line per problem, no stack trace. The fixtures are split over two test files, since each
 * case spawns the rig and a loaded 2-core machine needs the time.
 */
export function checkBadPlans(range: { from: string; to: string }): void {
  t.test(`every bad plan fixture ${range.from}..${range.to}: exit 2, one located line per problem, no stack trace`, async (t) => {
    const dir = 'test/fixtures/plans-bad';
    const all = readdirSync(join(ROOT, dir)).filter((f) => f.endsWith('.yaml'));
    t.ok(all.length >= 20, 'a fixture per bad-input case');
    const files = all.filter((f) => f[0]! >= range.from && f[0]! <= range.to);
    t.ok(files.length > 0, 'fixtures in this range');
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
}
