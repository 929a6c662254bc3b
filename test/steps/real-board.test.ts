// The key steps against the real Board on the simulated bench: every flash
// path proven by app hash, modes, resets, the trace; and the field failures
// diagnosed from what the real board layer captured.
import t from 'tap';
import type { StepResult } from '../../src/core/domain.js';
import { runStep } from '../../src/steps/index.js';
import { context, step } from './fixtures/context.js';
import { appFor, simBoard } from './fixtures/sim-bench.js';
import type { StepInput } from '../../src/plan/steps.js';

function summary(results: StepResult[]): string[] {
  return results.map((r) => `${r.name}: ${r.status}${r.status === 'pass' ? '' : ` (${r.diagnosis ?? r.skipReason})`}`);
}

async function runAll(inputs: StepInput[], ctx: ReturnType<typeof context>): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const input of inputs) results.push(await runStep(step(input), ctx));
  return results;
}

t.test('a smoke plan passes on a simulated Photon', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const viaDfu = appFor('via-dfu', { platform: 'photon', version: 11 });
  const viaSerial = appFor('via-serial', { platform: 'photon', version: 12 });
  const viaOta = appFor('via-ota', { platform: 'photon', version: 13 });
  const ctx = context(board, { firmware: [viaDfu, viaSerial, viaOta], timeScale: 50 });
  const results = await runAll([
    { flash: 'via-dfu', via: 'dfu' },
    { 'expect-app': 'via-dfu' },
    { flash: 'via-serial', via: 'serial' },
    { 'expect-app': 'via-serial' },
    { flash: 'via-ota', via: 'ota' },
    { 'expect-event': { name: 'spark/flash/status', data: '^success', within: '2m' } },
    { 'expect-app': 'via-ota', within: '2m' },
    { mode: 'safe' },
    { 'expect-mode': 'safe' },
    { reset: 'soft' },
    { 'expect-mode': 'normal' },
    { 'expect-log': { absent: '\\] (ERROR|PANIC):' } },
    { inspect: 'end' },
  ], ctx);
  t.strictSame(summary(results.filter((r) => r.status !== 'pass')), [], 'every step passes');
  t.equal(results.length, 13);
  t.match(results[12]?.details, {
    label: 'end', mode: 'normal', app: { hash: viaOta.info.sha256 }, modules: [/bootloader/, /system-part 1/, /system-part 2/, /user-part 1 in main, version 13/],
  }, 'inspect: a snapshot with the running app and the module table');
  t.match(results[1]?.details, { source: /usb|serial|cloud/ }, 'expect-app says where it read the hash');
  t.match(results[5]?.actual, { name: 'spark/flash/status', data: 'success ' });
  t.equal(ctx.lastFlash?.firmware, 'via-ota');
});

t.test('repeat until failure on a real board: statistics and the failing attempt kept whole', async (t) => {
  const { board } = await simBoard(t, { platform: 'argon', deviceOs: '4.0.2' });
  const app = appFor('app', { platform: 'argon', version: 5 });
  const ctx = context(board, { firmware: [app], timeScale: 50 });
  // Every attempt expects a line the board never prints: a failure on demand, in the first attempt.
  const r = await runStep(step({ repeat: { until: 'failure', max: 5, steps: [
    { flash: 'app', via: 'dfu' },
    { 'expect-app': 'app' },
    // The app logs once a board second: let each boot print a few lines before moving on.
    { wait: '4s' },
    { reset: 'soft' },
    { 'expect-mode': 'normal' },
    { 'expect-log': 'app v5 running' },
    { wait: '4s' },
    { 'expect-log': { match: 'no such line', within: '2s' } },
  ] } }), ctx);
  t.equal(r.status, 'fail');
  t.match(r.details, { attempts: 1, passes: 0, failures: { fail: 1, infra: 0 }, firstFailure: 1 });
  const attempt = r.children?.[0];
  t.same(attempt?.children?.map((c) => c.status), ['pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'pass', 'fail']);
  t.ok((attempt?.logExcerpt?.length ?? 0) > 5, `the attempt's whole trace (${attempt?.logExcerpt?.length} lines)`);
  // Milliseconds since boot start again after a reset: a smaller one follows a larger one.
  const ms = (attempt?.logExcerpt ?? []).map((l) => Number(/^(\d{10}) /.exec(l)?.[1] ?? NaN)).filter((n) => !Number.isNaN(n));
  t.ok(ms.some((n, i) => i > 0 && n < ms[i - 1]!), 'the trace spans the board\'s resets within the attempt');
  t.ok(Array.isArray((attempt?.details as { events?: unknown[] }).events), 'and its cloud events');
});

t.test('seed 001: OTA success on a full file system, the old app still runs', async (t) => {
  const { board } = await simBoard(t, { platform: 'argon', deviceOs: '4.0.2' });
  const baseline = appFor('baseline', { platform: 'argon', version: 3 });
  const candidate = appFor('candidate', { platform: 'argon', version: 4 });
  const ctx = context(board, { firmware: [baseline, candidate], timeScale: 50 });
  const results = await runAll([
    { flash: 'baseline', via: 'dfu' },
    { 'expect-app': 'baseline' },
    { fault: 'fs-fill' },
    { flash: 'candidate', via: 'ota' },
    { 'expect-event': { name: 'spark/flash/status', data: '^success', within: '2m' } },
    { 'expect-app': 'candidate', within: '1m' },
  ], ctx);
  t.same(results.map((r) => r.status), ['pass', 'pass', 'pass', 'pass', 'pass', 'fail'], summary(results).join('; '));
  const last = results[5]!;
  // "is still" when the rig had read the app before the flash, "is" when the board's first report came after it.
  t.match(last.diagnosis, new RegExp(`^OTA reported success but the running app is (still )?${baseline.info.sha256.slice(0, 8)}: the update was not applied`));
  t.equal(last.actual, baseline.info.sha256, 'the hash the board reports, lower-cased');
  t.ok(last.logExcerpt && last.logExcerpt.length > 0, 'with the last trace lines');
});

t.test('seed 003: a transfer that stalls ends in update_timeout, named with its chunk', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const candidate = appFor('candidate', { platform: 'photon', version: 21 });
  const ctx = context(board, { firmware: [candidate], timeScale: 50 });
  const results = await runAll([
    { fault: { kind: 'link', loss: '100%' } },
    { flash: 'candidate', via: 'ota' },
    { 'expect-event': { name: 'spark/flash/status', data: 'failed', within: '2m' } },
    { 'expect-reset': { reason: 'update_timeout', within: '1m' } },
    { fault: 'link-restore' },
    { 'expect-app': 'candidate', within: '10s' },
  ], ctx);
  t.same(results.map((r) => r.status), ['pass', 'pass', 'pass', 'pass', 'pass', 'fail'], summary(results).join('; '));
  t.comment(results[5]?.diagnosis);
  // The board prints the 'timed out at chunk 0 of N' line just before it resets; a host slow to read (a loaded
  // machine) can lose it with the port, as on a real board, and the 'missing chunks' line still names the chunk.
  t.match(results[5]?.diagnosis, /^update_timeout: the transfer stalled at chunk 0( of \d+)? and the board reset without applying the update/);
});

t.test('safe mode from a module dependency, named with its versions', async (t) => {
  const { board } = await simBoard(t, { platform: 'photon', deviceOs: '1.5.2' });
  const needy = appFor('needy', { platform: 'photon', version: 30, depends: [{ func: 'system-part', index: 2, version: 3000 }] });
  const ctx = context(board, { firmware: [needy], timeScale: 50 });
  const results = await runAll([
    { flash: 'needy', via: 'dfu', 'continue-on-failure': true },
    { 'expect-mode': 'normal', within: '10s' },
    { 'expect-modules': [{ function: 'user-part', dependencies: 'pass' }] },
  ], ctx);
  t.comment(summary(results).join('\n'));
  t.equal(results[1]?.status, 'fail');
  t.match(results[1]?.diagnosis, /^board entered safe mode: user part needs system part 2 version 3000, board has \d+$/);
  t.equal(results[2]?.status, 'fail');
  t.match(results[2]?.diagnosis, /^board entered safe mode: user part needs system part 2 version 3000/);
});
