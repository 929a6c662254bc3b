// Input a tester threw at the rig (issue 11): each case is made here, not
// read from elsewhere, and each must end as one located InputError (exit 2)
// with what is wrong and the fix, in a line or two, fast: never an internal
// error, a stack trace, a hang, or a repeat of kilobytes of the input.
import t from 'tap';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { InputError } from '../../src/core/errors.js';
import { loadPlan } from '../../src/plan/loader.js';
import { loadBench } from '../../src/bench/loader.js';
import { checkBenchSecrets } from '../../src/bench/secrets.js';

/** The formatted error of loading `content` as a plan, or 'ok'. */
async function verdictOf(dir: string, name: string, content: string | Buffer): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, content);
  const started = Date.now();
  try {
    await loadPlan(file, { env: {} });
    return 'ok';
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    const text = err.format();
    if (Date.now() - started > 2000) throw new Error(`${name} took ${Date.now() - started} ms`);
    return text.replaceAll(file, name);
  }
}

const aliasBomb = (): string => {
  const lines = ['plan: bomb', 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  let prev = 'a';
  for (const n of 'bcdefghi') {
    lines.push(`${n}: &${n} [${Array(9).fill(`*${prev}`).join(',')}]`);
    prev = n;
  }
  return `${lines.join('\n')}\nsteps:\n  - wait: 1s\n`;
};

t.test('each hostile plan is one located line with the fix', async (t) => {
  const dir = t.testdir({});
  const cases: [name: string, content: string | Buffer, expected: RegExp][] = [
    ['timeout-0.yaml', 'plan: x\ntimeout: 0s\nsteps:\n  - wait: 1s\n', /^timeout-0\.yaml:2:10: timeout: a timeout of 0s leaves the board no time to answer \(give at least 1s/],
    ['timeout-1ms.yaml', 'plan: x\nsteps:\n  - wait: 1s\n    timeout: 1ms\n', /^timeout-1ms\.yaml:4:14: timeout: a timeout of 1ms leaves the board no time/],
    ['timeout-huge.yaml', 'plan: x\ntimeout: 99999999999999999999h\nsteps:\n  - wait: 1s\n', /^timeout-huge\.yaml:2:10: timeout: '99999999999999999999h' is longer than 168h \(a week\)/],
    ['size-huge.yaml', 'plan: x\nfirmware:\n  a: { make: { size: 1e12 } }\nsteps:\n  - flash: a\n    via: dfu\n', /^size-huge\.yaml:3:22: size: 1000000000000 bytes is too large for a test app \(at most 16MB/],
    ['alias-bomb.yaml', aliasBomb(), /^alias-bomb\.yaml:3:8: YAML aliases expand to too much .*an alias bomb\? \(/],
    ['alias-undefined.yaml', 'plan: x\nsteps:\n  - wait: *nope\n', /^alias-undefined\.yaml:3:11: YAML alias \*nope names no anchor set before it \(set &nope/],
    ['alias-self.yaml', 'plan: x\nsteps: &s\n  - repeat: { times: 2, steps: *s }\n', /^alias-self\.yaml:3:32: YAML alias refers to the value that contains it/],
    ['cr-only.yaml', 'plan: x\rsteps:\r  - wait: 1s\r  - wait: 1x\r', /^cr-only\.yaml:4:11: wait: '1x' is not a duration/],
    ['max-inf.yaml', 'plan: x\nsteps:\n  - repeat: { until: failure, max: 1e309, steps: [ { wait: 1s } ] }\n', /^max-inf\.yaml:3:36: max: Infinity is not a usable number \(it is too large to represent\)/],
    ['version-huge.yaml', 'plan: x\nfirmware:\n  a: { make: { version: 1e30 } }\nsteps:\n  - flash: a\n    via: dfu\n', /^version-huge\.yaml:3:25: version: 1e\+30 is out of range: must be at most 65535$/],
    ['utf16.yaml', Buffer.from(`\ufeffplan: x\nsteps:\n  - wait: 1s\n`, 'utf16le'), /^utf16\.yaml:1:1: plan file is UTF-16 text \(save it as UTF-8/],
    ['binary.yaml', Buffer.concat([Buffer.from('plan: x\nsteps:\n'), Buffer.from([0xde, 0xad, 0x00, 0xbe, 0xef])]), /^binary\.yaml:3:1: plan file is not text: it holds a NUL byte at offset 17/],
    ['latin1.yaml', Buffer.from('plan: caf\xe9\nsteps:\n  - wait: 1s\n', 'latin1'), /^latin1\.yaml:1:1: plan file is not UTF-8 text/],
    ['bracket.yaml', 'plan: x\nsteps: [\n  { wait: 1s },\n  { wait: 2s }\n  - wait: 3s\n  - wait: 4s\n', /^bracket\.yaml:5:3: YAML syntax error: .* \(and \d+ more problems after it, likely caused by this one\)/],
    ['tag.yaml', 'plan: x\nsteps:\n  - !foo wait: 1s\n', /^tag\.yaml:3:5: YAML: Unresolved tag: !foo \(remove the tag/],
    ['long-value.yaml', `plan: x\nsteps:\n  - mode: ${'z'.repeat(3000)}\n`, /^long-value\.yaml:3:11: mode: 'z{60}\.\.\.' \(3000 characters\) is not one of/],
  ];
  for (const [name, content, expected] of cases) {
    const line = await verdictOf(dir, name, content);
    t.match(line, expected, name);
    t.ok(line.split('\n').length <= 2 && line.length < 400, `${name}: a line or two, not a screenful (${line.length} characters)`);
  }
});

t.test('only a regular file is read as a plan or as firmware', async (t) => {
  const dir = t.testdir({ 'plan.yaml': 'plan: x\nfirmware:\n  a: /dev/zero\nsteps:\n  - flash: a\n    via: dfu\n' });
  const started = Date.now();
  const err = await loadPlan('/dev/zero', { env: {} }).catch((e: unknown) => e);
  t.type(err, InputError);
  t.match((err as InputError).format(), /^\/dev\/zero: plan file is not a regular file/);
  t.ok(Date.now() - started < 2000, 'no hang reading a device');
  const plan = await loadPlan(join(dir, 'plan.yaml'), { env: {} }).catch((e: unknown) => e);
  // The firmware file is opened per board (its platform decides the checks): see the CLI test below.
  t.notOk(plan instanceof Error && !(plan instanceof InputError), 'the plan itself loads or fails as input');
});

t.test('a bench whose token cannot be read is bad input before anything runs', async (t) => {
  const dir = t.testdir({ folder: {} });
  const bench = (token: string) => {
    const file = join(dir, `bench-${token.replace(/\W/g, '_')}.yaml`);
    writeFileSync(file, `bench: lab-1\ncloud:\n  api: http://127.0.0.1:9\n  token: ${token}\nboards:\n  - { name: photon-1, platform: photon, id: 0123456789abcdef01234567 }\n`);
    return file;
  };
  writeFileSync(join(dir, 'empty-token'), '\n');
  const cases: [token: string, expected: RegExp][] = [
    ['env:RIG_TEST_NO_SUCH_TOKEN', /4:10: cloud token: environment variable RIG_TEST_NO_SUCH_TOKEN is not set \(export RIG_TEST_NO_SUCH_TOKEN=<token>/],
    [`file:${join(dir, 'missing')}`, /4:10: cloud token: file .*missing does not exist/],
    [`file:${join(dir, 'empty-token')}`, /4:10: cloud token: file .*empty-token is empty/],
    [`file:${join(dir, 'folder')}`, /4:10: cloud token: file .*folder is a folder, not a file/],
  ];
  for (const [token, expected] of cases) {
    const loaded = await loadBench(bench(token));
    const err = await checkBenchSecrets(loaded.bench, {}).catch((e: unknown) => e);
    t.type(err, InputError, token);
    t.match((err as InputError).format(), expected, token);
  }
  const fine = await loadBench(bench('env:RIG_TEST_TOKEN'));
  await t.resolves(checkBenchSecrets(fine.bench, { RIG_TEST_TOKEN: 'abc123' }), 'a token that is there passes');
});
