// The verdict and diagnosis rules on evidence whose cause is known, pure
// (no board): each cause named, and the negative cases - a healthy update,
// an update still under way, a failure that only looks like one - get no
// verdict or diagnosis they have not earned.
import t from 'tap';
import { diagnose, type Evidence } from '../../src/steps/judging/diagnose.js';
import { judgeUpdate, FAILED_GRACE_MS, type UpdateFacts } from '../../src/steps/judging/update-verdict.js';
import { attemptUpdates, verdictCounts } from '../../src/steps/judging/update-check.js';
import type { BoardModule } from '../../src/core/board-contract.js';
import type { StepResult } from '../../src/core/domain.js';

const SENT = 'a'.repeat(64);
const OLD = 'b'.repeat(64);
const ev = (name: string, data: string) => ({ name, data });
const STARTED = ev('spark/flash/status', 'started ');
const SUCCESS = ev('spark/flash/status', 'success ');
const FAILED = ev('spark/flash/status', 'failed');
const facts = (o: Partial<UpdateFacts>): UpdateFacts => ({ via: 'ota', sent: SENT, refused: false, events: [], running: OLD, quietMs: 0, ...o });

t.test('update verdicts', async (t) => {
  t.test('applied: the sent image runs, whatever was said', async (t) => {
    t.equal(judgeUpdate(facts({ running: SENT, events: [STARTED, SUCCESS] })).verdict, 'applied');
    t.equal(judgeUpdate(facts({ via: 'dfu', running: SENT })).verdict, 'applied');
  });
  t.test('reported success, not applied: only once the board came back and said what it runs', async (t) => {
    const booting = [STARTED, SUCCESS, ev('spark/status', 'offline')];
    t.same(judgeUpdate(facts({ events: booting })).settled, false, 'still rebooting: not judged early');
    const back = [...booting, ev('spark/status', 'online'), ev('spark/device/last_reset', 'update'), ev('spark/device/app-hash', OLD.toUpperCase())];
    t.match(judgeUpdate(facts({ events: back })), { verdict: 'reported-success-not-applied', settled: true });
    t.same(judgeUpdate(facts({ events: back, running: undefined })).settled, false, 'an app not read yet is not "none"');
  });
  t.test('timed out, failed, pending, in progress', async (t) => {
    t.equal(judgeUpdate(facts({ events: [STARTED, FAILED, ev('spark/device/last_reset', 'update_timeout')] })).verdict, 'timed-out');
    t.same(judgeUpdate(facts({ events: [STARTED, FAILED] })).settled, false, 'a failure waits a moment for a reset');
    t.equal(judgeUpdate(facts({ events: [STARTED, FAILED], quietMs: FAILED_GRACE_MS })).verdict, 'failed');
    t.equal(judgeUpdate(facts({ events: [STARTED, FAILED, ev('spark/status', 'offline')], quietMs: FAILED_GRACE_MS })).settled, false,
      'a board that went offline is rebooting: its reset reason decides');
    t.equal(judgeUpdate(facts({ events: [ev('particle/device/updates/pending', 'true')] })).verdict, 'pending');
    t.equal(judgeUpdate(facts({ events: [STARTED] })).verdict, 'in-progress');
    t.equal(judgeUpdate(facts({ via: 'serial', refused: true })).verdict, 'failed', 'a refused image');
    t.equal(judgeUpdate(facts({ via: 'dfu', running: undefined })).verdict, 'reported-success-not-applied', 'written, but nothing runs');
  });
});

const module = (m: Partial<BoardModule>): BoardModule => ({
  func: 'system-part', index: 1, version: 1512, location: 'main', maxSize: 262144, hash: undefined,
  checks: { integrity: true, dependencies: true, range: true, platform: true }, dependencies: [], ...m,
});
const PHOTON = [module({ func: 'bootloader', index: 0, version: 502 }), module({ index: 1 }), module({ index: 2 }), module({ func: 'user-part', index: 1, version: 3 })];

t.test('diagnoses of known causes', async (t) => {
  t.test('an image built against a newer system part, refused or not applied', async (t) => {
    const needs = [{ func: 'systemPart' as const, index: 2, version: 1600 }];
    const e: Evidence = { trace: [], events: [], flash: { via: 'serial', firmware: 'app', refused: true, needs }, modules: PHOTON, mode: 'normal', expectedApp: SENT, runningApp: { hash: OLD } };
    t.match(diagnose(e)?.text, /^the board refused app \(serial\): .* needs system part 2 version 1600, board has 1512$/);
    t.match(diagnose({ ...e, flash: { ...e.flash!, via: 'ota', refused: false } })?.text, /^app \(ota\) was not applied: /);
    t.equal(diagnose({ ...e, flash: { ...e.flash!, needs: [{ func: 'systemPart', index: 2, version: 1512 }] }, runningApp: { hash: SENT } }), undefined,
      'negative: dependencies met and the app runs: nothing to say');
  });
  t.test('a full file system behind a success that did not apply', async (t) => {
    const e: Evidence = {
      trace: ['0000007520 [fs] ERROR: write failed: no space left on the file system; the firmware update is not applied'],
      events: [STARTED, SUCCESS, ev('spark/device/last_reset', 'update')], flash: { via: 'ota', firmware: 'c', appBefore: OLD },
      expectedApp: SENT, runningApp: { hash: OLD },
    };
    t.match(diagnose(e)?.text, /^OTA reported success but the running app is still bbbbbbbb: the update was not applied; the flash file system is full/);
    t.notMatch(diagnose({ ...e, trace: [] })?.text, /file system/, 'negative: no trace of it, no claim of it');
  });
  t.test('update_timeout: a starved board versus a transfer that did exchange chunks', async (t) => {
    const base: Evidence = { trace: ['0000315119 [comm] WARN: update timed out at chunk 0 of 16'], events: [STARTED, FAILED, ev('spark/device/last_reset', 'update_timeout')] };
    t.match(diagnose(base)?.text, /not one chunk was taken in/);
    const exchanged = { ...base, trace: ['0000100000 [comm] TRACE: update done - missing chunks starting at 0', ...base.trace] };
    t.notMatch(diagnose(exchanged)?.text, /not one chunk/, 'negative: chunk 0 missing is not nothing received');
    t.match(diagnose(exchanged)?.text, /^update_timeout: the transfer stalled at chunk 0 of 16/);
  });
  t.test('a healthy update: no rule fires', async (t) => {
    const healthy: Evidence = {
      trace: ['0000001000 [comm] TRACE: update done - all done!'], flash: { via: 'ota', firmware: 'c', appBefore: OLD },
      events: [STARTED, SUCCESS, ev('spark/status', 'offline'), ev('spark/status', 'online'), ev('spark/device/last_reset', 'update'), ev('spark/device/app-hash', SENT)],
      mode: 'normal', modules: PHOTON, expectedApp: SENT, runningApp: { hash: SENT },
    };
    t.equal(diagnose(healthy), undefined);
  });
});

t.test('repeat attempts: per attempt what was claimed and what runs, counted by verdict', async (t) => {
  const attempt = (status: StepResult['status'], verdict: string, running: string): StepResult => ({
    status, name: 'attempt', durationMs: 10,
    children: [{ status, name: 'flash', durationMs: 5, details: { update: { flashId: '1:1', firmware: 'c', via: 'ota', verdict, sent: SENT, running, claims: ['spark/flash/status started'] } } }],
  });
  const rows = attemptUpdates([attempt('fail', 'timed-out', OLD), attempt('fail', 'timed-out', OLD), attempt('pass', 'applied', SENT)]);
  t.same(rows.map((r) => [r.attempt, r.verdict, r.running]), [[1, 'timed-out', 'bbbbbbbb'], [2, 'timed-out', 'bbbbbbbb'], [3, 'applied', 'aaaaaaaa']]);
  t.same(verdictCounts(rows), { 'timed-out': 2, applied: 1 });
  t.same(attemptUpdates([{ status: 'pass', name: 'attempt', durationMs: 1, children: [] }]), [], 'an attempt without an update adds no row');
});
