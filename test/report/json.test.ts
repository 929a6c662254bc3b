import t from 'tap';
import type { DeviceId } from '../../src/core/domain.js';
import type { RunReport } from '../../src/report/model.js';
import { REPORT_FORMAT, formatJson } from '../../src/report/json.js';
import { toPlain } from '../../src/report/plain.js';

function report(): RunReport {
  return {
    runId: 'r-7', startedAt: '2024-05-01T22:00:00.000Z', endedAt: '2024-05-01T22:00:09.000Z', rigVersion: '0.1.0',
    bench: 'sim', host: 'bench-host', plans: [{ name: 'smoke', file: 'plans/smoke.yaml' }],
    boards: [{
      name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738' as DeviceId, plan: 'smoke', status: 'fail', durationMs: 9000,
      artifacts: { events: 'photon-1/events.ndjson', trace: 'photon-1/trace.log' },
      steps: [
        { status: 'pass', name: 'inspect', durationMs: 3, details: { zeta: 1, alpha: { y: 2, x: 1n }, at: new Date(0) } },
        { durationMs: 4, name: 'expect-app', status: 'fail', actual: { version: 6, sha256: 'bb' }, expected: { version: 7, sha256: 'aa' }, diagnosis: 'old app' },
      ],
    }],
  };
}

t.test('report.json: the run, a summary, keys in a fixed order', async (t) => {
  const json = JSON.parse(formatJson(report()));
  t.same(Object.keys(json), ['format', 'runId', 'startedAt', 'endedAt', 'rigVersion', 'bench', 'host', 'plans', 'summary', 'boards']);
  t.equal(json.format, REPORT_FORMAT);
  t.strictSame(json.summary, {
    exitCode: 1,
    boards: { total: 1, pass: 0, fail: 1, infra: 0, skip: 0 },
    steps: { total: 2, pass: 1, fail: 1, infra: 0, skip: 0 },
  });
  const b = json.boards[0];
  t.same(Object.keys(b), ['name', 'platform', 'id', 'plan', 'status', 'durationMs', 'artifacts', 'steps']);
  t.same(Object.keys(b.artifacts), ['trace', 'events']);
  t.same(Object.keys(b.steps[1]), ['status', 'name', 'durationMs', 'expected', 'actual', 'diagnosis'], 'step keys do not depend on how the runner built them');
  t.same(Object.keys(b.steps[1].expected), ['sha256', 'version'], 'free-form objects sorted');
  t.strictSame(b.steps[0].details, { alpha: { x: '1', y: 2 }, at: '1970-01-01T00:00:00.000Z', zeta: 1 }, 'bigint and Date made plain');
});

t.test('a board\'s Device OS and firmware SHA-256s, after its plan, the firmware by name', async (t) => {
  const r = report();
  r.boards[0]!.deviceOs = '1.5.2';
  r.boards[0]!.firmware = { zz: 'b'.repeat(64), app: 'a'.repeat(64) };
  const b = JSON.parse(formatJson(r)).boards[0];
  t.same(Object.keys(b).slice(0, 7), ['name', 'platform', 'id', 'plan', 'deviceOs', 'firmware', 'status']);
  t.equal(b.deviceOs, '1.5.2');
  t.strictSame(b.firmware, { app: 'a'.repeat(64), zz: 'b'.repeat(64) });
  t.same(Object.keys(b.firmware), ['app', 'zz']);
});

t.test('the same run writes the same bytes', async (t) => {
  t.equal(formatJson(report()), formatJson(report()));
});

t.test('a bail-out is recorded with its reason', async (t) => {
  const json = JSON.parse(formatJson({ ...report(), bailOut: { reason: 'plan timeout' } }));
  t.strictSame(json.bailOut, { reason: 'plan timeout' });
  t.ok(Object.keys(json).indexOf('bailOut') < Object.keys(json).indexOf('summary'));
});

t.test('toPlain never throws on what steps may put in details', async (t) => {
  const cyclic: Record<string, unknown> = { name: 'c' };
  cyclic.self = cyclic;
  const shared = { n: 1 };
  t.strictSame(toPlain({
    cyclic, pair: [shared, shared], bytes: Uint8Array.of(0xde, 0xad), err: new Error('boom'), nan: NaN, inf: -Infinity,
    map: new Map([['k', 1]]), set: new Set(['a']), fn: () => 1, undef: undefined,
  }), {
    bytes: 'dead', cyclic: { name: 'c', self: '[circular]' }, err: { message: 'boom', name: 'Error' }, inf: '-Infinity',
    map: { k: 1 }, nan: 'NaN', pair: [{ n: 1 }, { n: 1 }], set: ['a'],
  });
});
