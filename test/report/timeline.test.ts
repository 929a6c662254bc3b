// A board's merged timeline (src/report/timeline.ts): every source on the
// host's arrival clock, in order, from a job made by hand.
import t from 'tap';
import type { DeviceId } from '../../src/core/domain.js';
import type { BoardReport } from '../../src/report/model.js';
import { boardTimeline, parseEvents, parseTrace } from '../../src/report/timeline.js';

const T0 = Date.parse('2024-05-01T22:00:00.000Z');
const iso = (ms: number): string => new Date(T0 + ms).toISOString();

const job: BoardReport = {
  name: 'photon-1', platform: 'photon', id: '3a002c000847343337373738' as DeviceId, plan: 'p', status: 'fail', durationMs: 5000,
  startedAt: iso(0), artifacts: {},
  steps: [
    { status: 'fail', name: 'OTA of the new app', startedAt: iso(100), durationMs: 2000, diagnosis: 'not applied',
      details: { via: 'ota', firmware: 'app', bytes: 4096, progress: [[500, 50], [1000, 100]], update: { verdict: 'failed' } } },
    { status: 'pass', name: 'expect-event spark/flash/status', startedAt: iso(2200), durationMs: 10, matched: { stream: 'events', seq: 1, at: T0 + 1500 } },
    { status: 'pass', name: 'fault usb-unplug at dfu 50%', startedAt: iso(2300), durationMs: 5,
      details: { via: 'dfu', firmware: 'app', bytes: 10, fault: { fault: { kind: 'usb-unplug' }, fired: { percent: 50, atMs: T0 + 2302 } } } },
    { status: 'skip', name: 'expect-app app', durationMs: 0, skipReason: 'not run: step 1 failed' },
  ],
  boots: [
    { number: 1, why: 'found', startedAt: iso(-50), seenAt: iso(-40), logSeq: 0, eventSeq: 0 },
    { number: 2, why: 'enumeration', startedAt: iso(1800), seenAt: iso(1900), logSeq: 1, eventSeq: 2 },
  ],
  modes: [{ at: iso(-40), mode: 'normal' }, { at: iso(1800), mode: 'absent' }, { at: iso(1900), mode: 'normal' }],
};

t.test('parses trace.log and events.ndjson as the rig writes them', async (t) => {
  const trace = parseTrace(`${iso(10)} 0000000305 [system] INFO: Device OS 1.5.2 started, reset reason: power_down\nno date here\n${iso(1850)} 0000000100 boot again\n`);
  t.same(trace.map((l) => [l.seq, l.t - T0, l.boardMs, l.text]), [
    [0, 10, 305, '[system] INFO: Device OS 1.5.2 started, reset reason: power_down'], [1, 10, null, 'no date here'], [2, 1850, 100, 'boot again'],
  ], 'seq is the line number; a line without a date takes its predecessor\'s');
  const events = parseEvents(`{"name":"spark/flash/status","data":"started ","at":${T0 + 900},"seq":0}\n{"name":"spark/flash/status","data":"failed","at":${T0 + 1500},"seq":1}\n{"name":"cut sh`);
  t.same(events.map((e) => [e.seq, e.name, e.data]), [[0, 'spark/flash/status', 'started '], [1, 'spark/flash/status', 'failed']], 'a line cut short is left out');
});

t.test('one ordered list: steps, transfer, boots, modes, resets, faults, events, trace, matches', async (t) => {
  const trace = parseTrace(`${iso(10)} 0000000305 [system] INFO: Device OS 1.5.2 started, reset reason: power_down\n${iso(1850)} 0000000100 hello\n`);
  const events = parseEvents(`{"name":"spark/device/last_reset","data":"update","at":${T0 + 1950},"seq":0}\n{"name":"spark/flash/status","data":"failed","at":${T0 + 1500},"seq":1}\n`);
  const items = boardTimeline({ jobs: [job], captures: [{ trace, events }] });
  t.same(items.map((i) => [i.t - T0, i.kind]), [
    [-50, 'boot'], [-40, 'mode'], [10, 'reset'], [10, 'log'], [100, 'step'], [100, 'transfer'], [1500, 'event'], [1500, 'match'],
    [1800, 'boot'], [1800, 'mode'], [1850, 'log'], [1900, 'mode'], [1950, 'reset'], [1950, 'event'], [2200, 'step'], [2300, 'step'],
    [2300, 'transfer'], [2302, 'fault'], [2305, 'step'],
  ]);
  const transfer = items.find((i) => i.kind === 'transfer');
  t.match(transfer, { via: 'ota', firmware: 'app', verdict: 'failed', progress: [[T0 + 600, 50], [T0 + 1100, 100]], end: T0 + 2100 }, 'progress on the same clock');
  t.match(items.filter((i) => i.kind === 'reset'), [{ reason: 'power_down', from: 'trace' }, { reason: 'update', from: 'cloud' }]);
  t.match(items.find((i) => i.kind === 'match'), { stream: 'events', seq: 1, stepId: 1 }, 'the event the expectation matched, and its step');
  t.match(items.find((i) => i.kind === 'fault'), { what: 'usb-unplug fired at 50%' });
  const skipped = items.filter((i) => i.kind === 'step').at(-1);
  t.match(skipped, { status: 'skip', diagnosis: 'not run: step 1 failed', t: T0 + 2305, end: T0 + 2305 }, 'a step that never ran sits where the job\'s last step ended, with no length');
});

t.test('a board with two jobs: each boot once, modes as changes only', async (t) => {
  const second: BoardReport = { ...job, plan: 'q', startedAt: iso(3000), steps: [], boots: [job.boots![1]!], modes: [{ at: iso(1900), mode: 'normal' }] };
  const items = boardTimeline({ jobs: [job, second], captures: [] });
  t.equal(items.filter((i) => i.kind === 'boot').length, 2);
  t.same(items.filter((i) => i.kind === 'mode').map((i) => (i.kind === 'mode' ? i.mode : '')), ['normal', 'absent', 'normal']);
});

t.test('an OTA transfer lasts until the board says how it ended', async (t) => {
  const ota: BoardReport = { ...job, steps: [{ status: 'pass', name: 'flash app via ota', startedAt: iso(100), durationMs: 50, details: { via: 'ota', firmware: 'app', bytes: 4096 } }] };
  const events = parseEvents([[400, 'started '], [2500, 'success ']].map(([at, data], seq) => JSON.stringify({ name: 'spark/flash/status', data, at: T0 + Number(at), seq })).join('\n'));
  const transfer = boardTimeline({ jobs: [ota], captures: [{ trace: [], events }] }).find((i) => i.kind === 'transfer');
  t.match(transfer, { t: T0 + 100, end: T0 + 2500, progress: [[T0 + 400, 0], [T0 + 2500, 100]] });
});
