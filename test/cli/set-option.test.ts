// `--set NAME=FILE` on `rig run` and `rig validate`, through the built CLI:
// a bad one is one line naming the option and the fix (exit 2, no stack
// trace, no report); a good one wins over the environment and the plan's
// env, and a relative FILE is taken from the current folder, not the plan's.
import t from 'tap';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTestApp } from '../../src/firmware/make.js';
import { parseSetOptions } from '../../src/cli/set-option.js';
import { mapLimit, ROOT, runRig } from './run-rig.js';

const STACK = /^\s+at /m;
const NIGHTLY_PLAN = join(ROOT, 'plans', 'nightly', '10-flash-every-way.yaml');

const BAD: [arg: string, line: string][] = [
  ['CANDIDATE_DIR', '--set CANDIDATE_DIR: no = between the name and the file (write --set NAME=FILE, e.g. --set CANDIDATE_DIR=build/candidate)'],
  ['1DIR=build', "--set 1DIR=build: '1DIR' is not a variable name (write --set NAME=FILE with NAME of letters, digits and _, not starting with a digit, e.g. CANDIDATE_DIR)"],
  ['CANDIDATE-DIR=build', "--set CANDIDATE-DIR=build: 'CANDIDATE-DIR' is not a variable name (write --set NAME=FILE with NAME of letters, digits and _, not starting with a digit, e.g. CANDIDATE_DIR)"],
  ['=build', "--set =build: '' is not a variable name (write --set NAME=FILE with NAME of letters, digits and _, not starting with a digit, e.g. CANDIDATE_DIR)"],
  ['platform=photon', '--set platform=photon: ${platform} is set by the rig for each board (set another variable; ${platform}, ${board}, ${id} are reserved)'],
  ['CANDIDATE_DIR=', '--set CANDIDATE_DIR=: no file after = (write --set CANDIDATE_DIR=FILE; an empty shell variable leaves it empty)'],
  ['CANDIDTE_DIR=build', "--set CANDIDTE_DIR: no plan's firmware path uses ${CANDIDTE_DIR} (did you mean 'CANDIDATE_DIR'?)"],
];

t.test('a bad --set: exit 2 and one line naming the option and the fix, on validate and on run', async (t) => {
  const dir = t.testdir({});
  // Both commands share the parsing: run is spawned for a few, to keep the file quick on a busy machine.
  const onRun = new Set(['CANDIDATE_DIR', '1DIR=build', 'CANDIDTE_DIR=build']);
  const cases = BAD.flatMap(([arg, line]) => (onRun.has(arg) ? ['validate', 'run'] as const : ['validate'] as const).map((command) => ({ command, arg, line })));
  const results = await mapLimit(cases, 2, ({ command, arg }) => {
    const reports = join(dir, `${command}-${cases.findIndex((c) => c.command === command && c.arg === arg)}`);
    const extra = command === 'run' ? ['--report-dir', reports, '--no-history'] : [];
    return runRig([command, NIGHTLY_PLAN, '--set', arg, ...extra]).then((r) => ({ r, reports }));
  });
  cases.forEach(({ command, arg, line }, i) => {
    const { r, reports } = results[i]!;
    t.equal(r.code, 2, `${command} --set ${arg}: exit 2`);
    t.equal(r.stderr, `${line}\n`, `${command} --set ${arg}: the one line`);
    t.notMatch(r.stderr, STACK, 'no stack trace');
    if (command === 'run') t.notOk(existsSync(reports), 'run: nothing started, no report folder');
  });
});

t.test('--set twice for one variable is refused', async (t) => {
  const r = await runRig(['validate', NIGHTLY_PLAN, '--set', 'CANDIDATE_DIR=a', '--set', 'CANDIDATE_DIR=b']);
  t.equal(r.code, 2);
  t.equal(r.stderr, '--set CANDIDATE_DIR is given twice (give each variable once)\n');
});

t.test('a relative FILE is from the current folder, and --set wins over the environment', async (t) => {
  const cwd = t.testdir({});
  mkdirSync(join(cwd, 'build', 'candidate'), { recursive: true });
  for (const platform of ['photon', 'electron', 'argon', 'p2'] as const) {
    writeFileSync(join(cwd, 'build', 'candidate', `${platform}.bin`), makeTestApp({ platform, version: 120 }));
  }
  const env = { CANDIDATE_DIR: '/nonexistent/candidate' };
  const ok = await runRig(['validate', NIGHTLY_PLAN, '--set', 'CANDIDATE_DIR=build/candidate'], { cwd, env });
  t.equal(ok.code, 0, ok.stderr);
  t.match(ok.stdout, `${NIGHTLY_PLAN}: ok`);

  // A folder that is not there names the file where the user stands, not under the plan's folder.
  const missing = await runRig(['validate', NIGHTLY_PLAN, '--set', 'CANDIDATE_DIR=elsewhere'], { cwd, env });
  t.equal(missing.code, 2);
  t.match(missing.stderr, `firmware 'candidate' (${join(cwd, 'elsewhere', 'photon.bin')}): firmware file: no such file`);
  t.notMatch(missing.stderr, STACK);

  // Without --set the environment's folder is the one looked for.
  const fromEnv = await runRig(['validate', NIGHTLY_PLAN], { cwd, env });
  t.equal(fromEnv.code, 2);
  t.match(fromEnv.stderr, '(/nonexistent/candidate/photon.bin)');
});

t.test('parseSetOptions', async (t) => {
  t.same(parseSetOptions(undefined), {});
  t.same(parseSetOptions(['A=x', 'B=/abs/y', 'C=a=b'], '/home/me'), { A: '/home/me/x', B: '/abs/y', C: '/home/me/a=b' }, 'the first = splits; values are made absolute');
  const proto = parseSetOptions(['__proto__=x'], '/w');
  t.equal(Object.getPrototypeOf(proto), Object.prototype, 'a name like __proto__ stays a plain key');
  t.ok(Object.hasOwn(proto, '__proto__'));
});
