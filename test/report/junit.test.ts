import t from 'tap';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { validateXML } from 'xmllint-wasm';
import type { DeviceId } from '../../src/core/domain.js';
import type { BoardReport, ReportStep, RunReport } from '../../src/report/model.js';
import { formatJunit, xmlAttr, xmlText } from '../../src/report/junit.js';

const XSD = fileURLToPath(new URL('../fixtures/junit/junit.xsd', import.meta.url));
const schema = await readFile(XSD, 'utf8');

async function validate(xml: string) {
  return validateXML({ xml: { fileName: 'report.xml', contents: xml }, schema: { fileName: 'junit.xsd', contents: schema } });
}

function board(over: Partial<BoardReport> & Pick<BoardReport, 'steps'>): BoardReport {
  return { name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738' as DeviceId, plan: 'smoke', status: 'pass', durationMs: 4200, artifacts: {}, ...over };
}

function run(boards: BoardReport[], over: Partial<RunReport> = {}): RunReport {
  return {
    runId: 'r-1', startedAt: '2024-05-01T22:00:00.000Z', endedAt: '2024-05-01T22:01:30.500Z', rigVersion: '0.1.0',
    bench: 'sim', host: 'bench-host', plans: [{ name: 'smoke', file: 'plans/smoke.yaml' }], boards, ...over,
  };
}

const NASTY_LOG = ['\x1b[31mERROR\x1b[0m <&> "quoted" \'single\'', 'cdata end ]]> here', 'bell\x07 nul\x00 cr\r', 'lone \ud800 surrogate, ok 😀'];

const mixed = run([
  board({
    status: 'fail', artifacts: { trace: 'photon-1/trace.log' },
    steps: [
      { status: 'pass', name: 'flash baseline via dfu', durationMs: 1234 },
      { status: 'fail', name: 'expect-log <no "panic"> & co', durationMs: 20, diagnosis: 'panic, hard_fault ]]> seen\nafter reset', expected: { absent: 'panic' }, actual: 'panic, hard_fault', logExcerpt: NASTY_LOG },
      { status: 'skip', name: 'power cycle', durationMs: 0, skipReason: 'no uhubctl port named for photon-1' },
    ],
  }),
  board({
    name: 'argon-1', platform: 'argon', id: 'e00fce68f2a3b5c1d9e04a11' as DeviceId, status: 'infra', durationMs: 10,
    steps: [{ status: 'infra', name: 'flash via dfu', durationMs: 10, diagnosis: 'dfu-util: No DFU capable USB device available' }],
  }),
]);

/** Attribute values of the first element named `tag` whose attributes match `where`. */
function attrs(xml: string, tag: string, nth = 0): Record<string, string> {
  const m = [...xml.matchAll(new RegExp(`<${tag}((?:\\s+[\\w-]+="[^"]*")*)\\s*/?>`, 'g'))][nth];
  return Object.fromEntries([...(m?.[1] ?? '').matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
}

t.test('a mixed run validates against the JUnit schema', async (t) => {
  const xml = formatJunit(mixed);
  const result = await validate(xml);
  t.same(result.errors.map((e) => e.message), [], 'no schema errors');
  t.equal(result.valid, true);
});

t.test('the validation can fail: an illegal control character is rejected', async (t) => {
  const broken = formatJunit(mixed).replace('<system-out>', '<system-out>\x01');
  t.equal((await validate(broken)).valid, false, 'raw U+0001 is not XML 1.0');
  const missing = formatJunit(mixed).replace(/ hostname="[^"]*"/, '');
  t.equal((await validate(missing)).valid, false, 'a testsuite without hostname is not valid JUnit');
});

t.test('counts: failures are the firmware, errors are infrastructure', async (t) => {
  const xml = formatJunit(mixed);
  t.match(attrs(xml, 'testsuites'), { tests: '4', failures: '1', errors: '1', skipped: '1', time: '90.500', timestamp: '2024-05-01T22:00:00' });
  t.match(attrs(xml, 'testsuite', 0), { name: 'photon-1 (photon 3a002c000847343337373738)', tests: '3', failures: '1', errors: '0', skipped: '1', time: '4.200', hostname: 'bench-host' });
  t.match(attrs(xml, 'testsuite', 1), { name: 'argon-1 (argon e00fce68f2a3b5c1d9e04a11)', tests: '1', failures: '0', errors: '1', skipped: '0' });
  t.equal(xml.match(/<testcase /g)?.length, 4, 'one testcase per step');
  t.equal(xml.match(/<failure /g)?.length, 1);
  t.equal(xml.match(/<error /g)?.length, 1);
  t.equal(xml.match(/<skipped /g)?.length, 1);
  t.match(attrs(xml, 'testcase', 0), { classname: 'smoke.photon-1', name: 'flash baseline via dfu', time: '1.234' });
  t.match(attrs(xml, 'error'), { type: 'infrastructure', message: 'dfu-util: No DFU capable USB device available' });
  t.match(attrs(xml, 'skipped'), { message: 'no uhubctl port named for photon-1' });
});

t.test('log excerpts with control characters, ]]> and <&> are escaped', async (t) => {
  const xml = formatJunit(mixed);
  const out = /<system-out>([^<]*)<\/system-out>/.exec(xml)?.[1] ?? '';
  t.equal(out, [
    '\\x1B[31mERROR\\x1B[0m &lt;&amp;&gt; "quoted" \'single\'',
    'cdata end ]]&gt; here',
    'bell\\x07 nul\\x00 cr&#13;',
    'lone \ufffd surrogate, ok 😀',
  ].join('\n') + '\n');
  t.notMatch(xml, /[\x00-\x08\x0b\x0c\x0e-\x1f]/, 'no raw control character anywhere');
  t.notMatch(xml, /\]\]>/, 'no raw ]]>');
  t.match(attrs(xml, 'failure'), { type: 'failure', message: 'panic, hard_fault ]]&gt; seen&#10;after reset' }, 'newline kept in the message attribute');
  t.match(xml, /<failure [^>]*>[^<]*expected:\n {2}absent: panic\nactual: panic, hard_fault\n/, 'expected and actual in the failure body');
});

t.test('escaping helpers', async (t) => {
  t.equal(xmlText('a<b>&c ]]>'), 'a&lt;b&gt;&amp;c ]]&gt;');
  t.equal(xmlAttr('say "hi"\n\tthere'), 'say &quot;hi&quot;&#10;&#9;there');
  t.equal(xmlText('\ufffe\uffff'), '\\uFFFE\\uFFFF');
  t.equal(xmlText('\ud83d\ude00'), '\ud83d\ude00', 'a valid surrogate pair is kept');
});

t.test('a missing board and a bail-out are errors, never failures', async (t) => {
  const xml = formatJunit(run([board({ status: 'infra', diagnosis: 'board 3a002c000847343337373738 not on USB', steps: [] })], { bailOut: { reason: 'plan timeout 10m' } }));
  t.equal((await validate(xml)).valid, true);
  t.match(attrs(xml, 'testsuites'), { tests: '2', failures: '0', errors: '2' });
  t.equal(xml.match(/<error /g)?.length, 2);
  t.match(xml, /message="board 3a002c000847343337373738 not on USB"/);
  t.match(xml, /message="run cut short: plan timeout 10m"/);
  t.notMatch(xml, /<failure/);
});

t.test('a repeat step names its failing attempts in the failure body', async (t) => {
  const repeat: ReportStep = {
    status: 'fail', name: 'repeat OTA 20 times', durationMs: 900, diagnosis: 'failed 1 of 3 attempts', details: { attempts: 3, failed: 1 },
    children: [{ status: 'pass', name: 'attempt 1', durationMs: 1 }, { status: 'fail', name: 'attempt 2', durationMs: 1, diagnosis: 'update_timeout after the transfer stalled at chunk 75 of 90' }],
  };
  const xml = formatJunit(run([board({ status: 'fail', steps: [repeat] })]));
  t.equal((await validate(xml)).valid, true);
  t.equal(xml.match(/<testcase /g)?.length, 1, 'attempts are not testcases: a step keeps one stable name across nights');
  t.match(xml, /failing_children:\n {2}- name: attempt 2\n {4}status: fail\n {4}diagnosis: update_timeout after the transfer stalled at chunk 75 of 90\n/);
  t.match(xml, /details:\n {2}attempts: 3\n {2}failed: 1\n/);
});
