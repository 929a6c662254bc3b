// The built CLI on input a tester threw at it (issue 11): exit 2 with the
// located line, no stack trace, no hang, and no report a CI tool could read
// as a pass when the run never started.
import t from 'tap';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runRig } from './run-rig.js';

const BENCH = (token: string) => `bench: lab-1\ncloud:\n  api: http://127.0.0.1:9\n  token: ${token}\nboards:\n  - { name: photon-1, platform: photon, id: 0123456789abcdef01234567 }\n`;
const PLAN = 'plan: x\nsteps:\n  - wait: 1s\n';

t.test('a token that is not set: validate and run both refuse, and run writes no report', async (t) => {
  const dir = t.testdir({ 'bench.yaml': BENCH('env:RIG_TEST_NO_SUCH_TOKEN'), 'plan.yaml': PLAN });
  const env = { RIG_TEST_NO_SUCH_TOKEN: '' };
  const v = await runRig(['validate', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml')], { env });
  t.equal(v.code, 2, 'validate: exit 2, not "bench lab-1: ok"');
  t.match(v.stderr, /bench\.yaml:4:10: cloud token: environment variable RIG_TEST_NO_SUCH_TOKEN is not set/);
  t.notMatch(v.stdout, /ok/);
  const reports = join(dir, 'reports');
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml'), '--report-dir', reports], { env });
  t.equal(r.code, 2);
  t.match(r.stderr, /cloud token: environment variable RIG_TEST_NO_SUCH_TOKEN is not set/);
  t.notMatch(r.stderr, /\n\s+at /, 'no stack trace');
  t.notOk(existsSync(join(reports, 'report.xml')), 'no JUnit file that a CI tool would read as 0 failures');
});

t.test('a firmware path of /dev/zero is refused at once', async (t) => {
  const dir = t.testdir({ 'plan.yaml': 'plan: x\nboards: { names: [photon-1] }\nfirmware:\n  a: /dev/zero\nsteps:\n  - flash: a\n    via: dfu\n' });
  const started = Date.now();
  const v = await runRig(['validate', join(dir, 'plan.yaml')], { timeoutMs: 20_000 });
  t.equal(v.code, 2);
  t.match(v.stderr, /plan\.yaml:4:6: firmware 'a' \(\/dev\/zero\): firmware file: not a regular file/);
  t.ok(Date.now() - started < 15_000, 'no hang');
});

t.test('an alias bomb is a located line, not an internal error', async (t) => {
  const dir = t.testdir({});
  const lines = ['plan: bomb', 'a: &a [1,1,1,1,1,1,1,1,1]'];
  let prev = 'a';
  for (const n of 'bcdefgh') {
    lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    prev = n;
  }
  writeFileSync(join(dir, 'bomb.yaml'), `${lines.join('\n')}\nsteps:\n  - wait: 1s\n`);
  const v = await runRig(['validate', join(dir, 'bomb.yaml')]);
  t.equal(v.code, 2);
  t.match(v.stderr, /bomb\.yaml:3:\d+: YAML aliases expand to too much/);
  t.notMatch(v.stderr, /internal error/);
});

t.test('a cloud the rig cannot reach: the reason is on the console, one line per board, not only in the report', async (t) => {
  const dir = t.testdir({ 'bench.yaml': BENCH('env:RIG_TEST_TOKEN'), 'plan.yaml': PLAN });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml'), '--report-dir', join(dir, 'out')], { env: { RIG_TEST_TOKEN: 'tok-4d1e9a' } });
  t.equal(r.code, 3, 'infrastructure');
  t.match(r.stderr, /^rig: photon-1 \(x\): infrastructure: the rig could not reach the board: the cloud at http:\/\/127\.0\.0\.1:9 cannot be reached/m);
  t.notMatch(r.stderr, /tok-4d1e9a/, 'the token is never printed');
});
