import t from 'tap';
import { Parser, type Result } from 'tap-parser';
import type { FinalResults } from 'tap-parser';
import type { DeviceId } from '../../src/core/domain.js';
import type { BoardReport, ReportStep, RunReport } from '../../src/report/model.js';
import { TapStream, formatTap } from '../../src/report/tap.js';

const PHOTON_ID = '3a002c000847343337373738' as DeviceId;
const ARGON_ID = 'e00fce68f2a3b5c1d9e04a11' as DeviceId;

function board(over: Partial<BoardReport> & Pick<BoardReport, 'steps'>): BoardReport {
  return { name: 'photon-1', platform: 'photon', id: PHOTON_ID, plan: 'ota-applies', status: 'pass', durationMs: 4200, artifacts: {}, ...over };
}

function run(boards: BoardReport[], over: Partial<RunReport> = {}): RunReport {
  return {
    runId: '20240501-220000-ota', startedAt: '2024-05-01T22:00:00.000Z', endedAt: '2024-05-01T22:05:00.000Z',
    rigVersion: '0.1.0', bench: 'sim', host: 'bench-host', plans: [{ name: 'ota-applies', file: 'plans/ota.yaml' }],
    boards, ...over,
  };
}

const pass = (name: string, durationMs = 10): ReportStep => ({ status: 'pass', name, durationMs });

interface Point { path: string[]; result: Result }

/** Reads TAP back with tap-parser (strict: any non-TAP line is an error), every level. */
async function readTap(text: string): Promise<{ final: FinalResults; points: Point[]; errors: unknown[] }> {
  const points: Point[] = [];
  const errors: unknown[] = [];
  const parser = new Parser({ strict: true });
  const watch = (p: Parser, path: string[]) => {
    p.on('assert', (result: Result) => points.push({ path, result }));
    p.on('extra', (e: unknown) => errors.push(e));
    p.on('child', (c: Parser) => watch(c, [...path, c.name]));
  };
  watch(parser, []);
  const final = new Promise<FinalResults>((res) => parser.on('complete', res));
  parser.end(text);
  return { final: await final, points, errors };
}

const at = (points: Point[], path: string[]) => points.filter((p) => p.path.join('/') === path.join('/')).map((p) => p.result);

t.test('an all-ok run: one subtest per board, a point per step, counts', async (t) => {
  const text = formatTap(run([
    board({ steps: [pass('flash baseline via dfu', 1234), pass('expect-app baseline', 56)] }),
    board({ name: 'argon-1', platform: 'argon', id: ARGON_ID, durationMs: 3000, steps: [pass('flash baseline via dfu')] }),
  ]));
  t.match(text, /^TAP version 14\n/, 'starts with the TAP 14 version line');
  const { final, points, errors } = await readTap(text);
  t.same(errors, [], 'no non-TAP lines');
  t.equal(final.ok, true);
  t.equal(final.count, 2, 'one top-level point per board');
  t.equal(final.pass, 2);
  t.equal(final.plan.end, 2, 'plan 1..2');
  t.same(at(points, []).map((r) => r.name), ['photon-1 (photon 3a002c000847343337373738)', 'argon-1 (argon e00fce68f2a3b5c1d9e04a11)']);
  const photon = at(points, ['photon-1 (photon 3a002c000847343337373738)']);
  t.same(photon.map((r) => [r.id, r.name, r.ok, r.time]), [[1, 'flash baseline via dfu', true, 1234], [2, 'expect-app baseline', true, 56]]);
  t.equal(at(points, [])[0]?.time, 4200, 'board duration on the closing point');
});

t.test('a failing step: not ok with diagnostics that parse back exactly', async (t) => {
  const log = ['0000012345 [app] INFO: version 6', '# not a comment', '  ---', '...', 'key: value', 'tab\there'];
  const failing: ReportStep = {
    status: 'fail', name: 'expect-app candidate', durationMs: 2001,
    expected: { sha256: 'c0ffee', version: 7 }, actual: { sha256: 'badbad', version: 6 },
    diagnosis: 'OTA reported success but the running app is still badbad:\nthe update was not applied',
    logExcerpt: log, artifacts: ['photon-1/app-snapshot.json'],
  };
  const text = formatTap(run([board({ status: 'fail', artifacts: { trace: 'photon-1/trace.log', events: 'photon-1/events.ndjson' }, steps: [pass('flash'), failing] })]));
  t.match(text, /\n    not ok 2 - expect-app candidate # time=2001ms\n      ---\n/, 'YAML block indented under the point');
  t.match(text, /\n      log: \|\n        0000012345/, 'the log excerpt is a literal block scalar');
  const { final, points, errors } = await readTap(text);
  t.same(errors, []);
  t.equal(final.ok, false);
  t.equal(final.fail, 1);
  const step = at(points, ['photon-1 (photon 3a002c000847343337373738)'])[1];
  t.equal(step?.ok, false);
  t.strictSame(step?.diag, {
    severity: 'failure',
    duration_ms: 2001,
    expected: { sha256: 'c0ffee', version: 7 },
    actual: { sha256: 'badbad', version: 6 },
    diagnosis: 'OTA reported success but the running app is still badbad:\nthe update was not applied',
    log: log.join('\n') + '\n',
    artifacts: { files: ['photon-1/app-snapshot.json'], trace: 'photon-1/trace.log', events: 'photon-1/events.ndjson' },
  });
  const closing = at(points, [])[0];
  t.equal(closing?.ok, false, 'the board fails');
  t.equal(closing?.diag?.severity, 'failure');
  t.equal(closing?.diag?.diagnosis, failing.diagnosis, 'the board names the failing step\'s cause');
});

t.test('log bytes a YAML block cannot hold still survive', async (t) => {
  const log = ['\x1b[31mred\x1b[0m', 'nul\x00byte', 'cr\r'];
  const text = formatTap(run([board({ status: 'fail', steps: [{ status: 'fail', name: 'expect-log', durationMs: 1, logExcerpt: log }] })]));
  const { points } = await readTap(text);
  t.equal(at(points, ['photon-1 (photon 3a002c000847343337373738)'])[0]?.diag?.log, log.join('\n') + '\n');
});

t.test('a skipped step carries the SKIP directive and its reason', async (t) => {
  const text = formatTap(run([board({ steps: [pass('flash'), { status: 'skip', name: 'power cycle', durationMs: 0, skipReason: 'no uhubctl port named for photon-1' }] })]));
  t.match(text, /\n    ok 2 - power cycle # SKIP no uhubctl port named for photon-1\n/);
  const { final, points } = await readTap(text);
  t.equal(final.ok, true, 'a skip is not a failure');
  const skipped = at(points, ['photon-1 (photon 3a002c000847343337373738)'])[1];
  t.equal(skipped?.skip, 'no uhubctl port named for photon-1');
});

t.test('a board skipped as a whole is a skipped point with the reason', async (t) => {
  const text = formatTap(run([board({ status: 'skip', diagnosis: 'plan needs a cellular board', steps: [] })]));
  const { final, points } = await readTap(text);
  t.equal(final.ok, true);
  t.equal(at(points, [])[0]?.skip, 'plan needs a cellular board');
});

t.test('an infrastructure failure is not ok with severity infrastructure', async (t) => {
  const text = formatTap(run([
    board({ status: 'infra', steps: [pass('flash'), { status: 'infra', name: 'flash candidate via dfu', durationMs: 5, diagnosis: 'dfu-util: No DFU capable USB device available' }] }),
    board({ name: 'argon-1', platform: 'argon', id: ARGON_ID, status: 'infra', diagnosis: 'board e00fce68f2a3b5c1d9e04a11 not found on USB', steps: [] }),
  ]));
  const { final, points } = await readTap(text);
  t.equal(final.fail, 2);
  const [photon, argon] = at(points, []);
  t.equal(photon?.name, 'photon-1 (photon 3a002c000847343337373738): infrastructure failure', 'the board name says so');
  t.equal(photon?.diag?.severity, 'infrastructure');
  const step = at(points, ['photon-1 (photon 3a002c000847343337373738): infrastructure failure'])[1];
  t.equal(step?.ok, false);
  t.equal(step?.diag?.severity, 'infrastructure');
  t.equal(step?.diag?.diagnosis, 'dfu-util: No DFU capable USB device available');
  t.equal(argon?.diag?.diagnosis, 'board e00fce68f2a3b5c1d9e04a11 not found on USB');
  const reach = at(points, ['argon-1 (argon e00fce68f2a3b5c1d9e04a11): infrastructure failure']);
  t.same(reach.map((r) => [r.name, r.ok, r.diag?.severity]), [['reach the board', false, 'infrastructure']], 'a board with no step still shows a point');
});

t.test('a bail-out: the parser reports our reason and everything before it', async (t) => {
  const text = formatTap(run(
    [board({ steps: [pass('flash'), pass('expect-app')] }), board({ name: 'argon-1', platform: 'argon', id: ARGON_ID, status: 'fail', steps: [pass('flash'), { status: 'fail', name: 'expect-event', durationMs: 3 }] })],
    { bailOut: { reason: 'SIGINT: run interrupted by the operator' } },
  ));
  t.match(text, /\nBail out! SIGINT: run interrupted by the operator\n$/, 'bail-out is the last line');
  const { final, points } = await readTap(text);
  t.equal(final.bailout, 'SIGINT: run interrupted by the operator');
  t.equal(final.count, 2, 'both boards before the bail-out are read');
  t.same(at(points, []).map((r) => r.ok), [true, false]);
  t.equal(at(points, ['argon-1 (argon e00fce68f2a3b5c1d9e04a11)']).length, 2, 'steps of the last board are read');
});

t.test('a repeat step nests its attempts as a subtest', async (t) => {
  const repeat: ReportStep = {
    status: 'fail', name: 'repeat OTA until failure', durationMs: 900,
    diagnosis: 'failed on attempt 3 of 20', details: { attempts: 3, passed: 2, meanMs: 300 },
    children: [pass('attempt 1', 300), pass('attempt 2', 300), { status: 'fail', name: 'attempt 3', durationMs: 300, diagnosis: 'update_timeout after the transfer stalled at chunk 75 of 90', artifacts: ['photon-1/attempt-3.trace.log'] }],
  };
  const { points } = await readTap(formatTap(run([board({ status: 'fail', steps: [repeat] })])));
  const attempts = at(points, ['photon-1 (photon 3a002c000847343337373738)', 'repeat OTA until failure']);
  t.same(attempts.map((r) => r.ok), [true, true, false]);
  t.equal(attempts[2]?.diag?.diagnosis, 'update_timeout after the transfer stalled at chunk 75 of 90');
  t.same(attempts[2]?.diag?.artifacts?.files, ['photon-1/attempt-3.trace.log'], 'the failing attempt keeps its own trace');
  const parent = at(points, ['photon-1 (photon 3a002c000847343337373738)'])[0];
  t.same(parent?.diag?.details, { attempts: 3, meanMs: 300, passed: 2 }, 'statistics in details');
});

t.test('names with # and backslashes and newlines stay one test point', async (t) => {
  const { points, final } = await readTap(formatTap(run([board({ steps: [pass('expect-log "a # SKIP b" \\d+\nsecond line')] })])));
  t.equal(final.count, 1);
  const point = at(points, ['photon-1 (photon 3a002c000847343337373738)'])[0];
  t.equal(point?.name, 'expect-log "a # SKIP b" \\d+ second line');
  t.equal(point?.skip, false, 'a # in a name is not a directive');
});

t.test('TapStream writes each board when it finishes and refuses writes after the end', async (t) => {
  const chunks: string[] = [];
  const tap = new TapStream((c) => chunks.push(c));
  tap.start(run([]));
  tap.board(board({ steps: [pass('flash')] }));
  t.match(chunks.join(''), /\nok 1 - photon-1 .*\n$/, 'the board is out before the run ends');
  tap.board(board({ name: 'argon-1', platform: 'argon', id: ARGON_ID, steps: [pass('flash')] }));
  tap.end();
  t.throws(() => tap.board(board({ steps: [] })), /already ended/);
  const { final } = await readTap(chunks.join(''));
  t.equal(final.ok, true);
  t.equal(final.count, 2);
});
