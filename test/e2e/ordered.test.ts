// `after: previous` through `rig run` on a simulated bench: an OTA's
// symptoms chained in the order the board produces them pass; the same
// symptoms reversed fail, each with "X arrived, but before Y, not after it",
// within one capture (two cloud events) and across the two (a cloud event
// and the new app's first trace line, seconds of board time apart).
import t from 'tap';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runRig } from '../cli/run-rig.js';
import { readJson, readTap } from './run-report.js';

process.env.RIG_LOCK_DIR = mkdtempSync(join(tmpdir(), 'rig-locks-'));

// timeScale 10: the cross-capture slack is 100 ms of wall time; the new app's
// first line comes about 3 s of board time (300 ms of wall time) after success.
const BENCH = [
  'bench: ordered',
  'simulator: true',
  'timeScale: 10',
  'boards:',
  '  - name: photon-1',
  '    platform: photon',
  '    id: 3a002c000847343337373738',
  '    sim: { deviceOs: 1.5.2, network: { kind: wifi, bandwidth: 400kbps, latency: 20ms } }',
  '',
].join('\n');

function plan(name: string, symptoms: string[]): string {
  return [
    `plan: ${name}`,
    'firmware:',
    '  old: { make: { version: 3 } }',
    '  new: { make: { version: 4 } }',
    'steps:',
    '  - flash: old',
    '    via: dfu',
    '  - flash: new',
    '    via: ota',
    '    expect: applied',
    '    within: 2m',
    ...symptoms,
    '',
  ].join('\n');
}

const STARTED = '{ name: spark/flash/status, data: "^started" }';
const SUCCESS = '{ name: spark/flash/status, data: "^success" }';
const NEW_APP = '"app v4 running"';

t.test('an OTA\'s symptoms in the order the board reports them pass', async (t) => {
  const dir = t.testdir({
    'bench.yaml': BENCH,
    'plan.yaml': plan('in-order', [
      `  - expect-event: ${STARTED}`,
      `  - expect-event: ${SUCCESS}`,
      '    after: previous',
      `  - expect-log: ${NEW_APP}`,
      '    after: previous',
    ]),
  });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml'), '--report-dir', join(dir, 'out')], { timeoutMs: 120_000 });
  t.equal(r.code, 0, `exit 0\n${r.stderr}`);
  const steps = readJson(join(dir, 'out')).boards[0]?.steps ?? [];
  t.match(steps.map((s) => s.name), [/^flash old/, /^flash new/, /started/, /success.*after previous/, /app v4 running.*after previous/]);
  t.match(steps[4]?.details, { after: 'event spark/flash/status "success "' }, 'the report says what each symptom followed');
});

t.test('the same symptoms reversed fail, saying which came before which', async (t) => {
  const dir = t.testdir({
    'bench.yaml': BENCH,
    'plan.yaml': plan('reversed', [
      `  - expect-event: ${SUCCESS}`,
      `  - expect-event: ${STARTED}`,
      '    after: previous',
      '    continue-on-failure: true',
      `  - expect-log: ${NEW_APP}`,
      `  - expect-event: ${SUCCESS}`,
      '    after: previous',
    ]),
  });
  const r = await runRig(['run', join(dir, 'plan.yaml'), '--bench', join(dir, 'bench.yaml'), '--report-dir', join(dir, 'out')], { timeoutMs: 120_000 });
  t.equal(r.code, 1, `exit 1: a test failed\n${r.stderr}`);
  const steps = readJson(join(dir, 'out')).boards[0]?.steps ?? [];
  t.same(steps.map((s) => s.status), ['pass', 'pass', 'pass', 'fail', 'pass', 'fail']);
  t.equal(steps[3]?.diagnosis, 'event spark/flash/status "started " arrived, but before event spark/flash/status "success ", not after it',
    'within the cloud events: by their order');
  t.match(steps[5]?.diagnosis, /^event spark\/flash\/status "success " arrived, but before trace line "\d{10} \[app\] INFO: app v4 running", not after it$/,
    'across the captures: by arrival time');
  t.ok((steps[5]?.details?.arrivedBeforeByMs as number) >= 1000, `seconds of board time before (${String(steps[5]?.details?.arrivedBeforeByMs)} ms)`);
  const tap = readTap(join(dir, 'out'));
  t.match(tap.text, /not ok \d+ - expect-event spark\/flash\/status \/\^started\/ after previous/);
});
