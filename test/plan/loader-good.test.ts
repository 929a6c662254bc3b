// Good plans load into the normalised, typed form the runner consumes.
import t from 'tap';
import { fileURLToPath } from 'node:url';
import { loadPlan } from '../../src/plan/loader.js';
import type { Step } from '../../src/plan/schema.js';
import { STEP_KINDS } from '../../src/plan/schema.js';
import { walkSteps } from '../../src/plan/walk.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/plans-good/${name}`, import.meta.url));

t.test('the example plan of DESIGN.md loads verbatim', async (t) => {
  const file = fixture('design-example.yaml');
  const loaded = await loadPlan(file, { env: { CANDIDATE_DIR: '/builds/candidate' } });
  const { plan } = loaded;
  t.equal(plan.name, 'ota-applies');
  t.same(plan.boards.platforms, ['photon', 'argon', 'electron', 'p2']);
  t.equal(plan.timeoutMs, 10 * 60_000, 'timeout: 10m in board milliseconds');
  t.same(plan.steps.map((s) => s.kind), ['flash', 'expect-app', 'flash', 'expect-event', 'expect-app', 'expect-log']);
  t.match(plan.steps[0], { kind: 'flash', firmware: 'baseline', via: 'dfu', continueOnFailure: false });
  t.match(plan.steps[2], { kind: 'flash', firmware: 'candidate', via: 'ota' });
  t.match(plan.steps[3], { kind: 'expect-event', event: 'spark/flash/status', data: 'success', absent: false, withinMs: 120_000 });
  t.match(plan.steps[4], { kind: 'expect-app', firmware: 'candidate', withinMs: 120_000 });
  t.match(plan.steps[5], { kind: 'expect-log', pattern: 'missing chunks|aborting transfer', absent: true });

  t.test('steps know where they were written', async (t) => {
    t.same(loaded.stepPlace(plan.steps[3]!), { file, line: 14, column: 5 });
    t.same(loaded.placeAt(['steps', 3, 'expect-event', 'within']), { file, line: 14, column: 70 });
    t.same(loaded.placeAt(['firmware', 'candidate'], 'key'), { file, line: 7, column: 3 });
  });
});

t.test('a plan without the environment variable its firmware needs is refused', async (t) => {
  await t.rejects(loadPlan(fixture('design-example.yaml'), { env: {} }), { message: 'candidate: ${CANDIDATE_DIR} is not set' });
});

t.test('every step kind, in every form, normalises', async (t) => {
  const loaded = await loadPlan(fixture('all-steps.yaml'), { env: {} });
  const { plan } = loaded;
  const kinds = new Set<string>();
  walkSteps(plan.steps, (s) => kinds.add(s.kind));
  t.same([...kinds].sort(), [...STEP_KINDS].sort(), 'the fixture uses every step kind');
  t.same(plan.boards, { platforms: ['argon'], tags: ['nightly', 'wifi'], names: undefined }, 'a single platform becomes a list');
  t.equal(plan.timeoutMs, 30 * 60_000, 'the plan timeout defaults to 30m');
  t.same(plan.env, { BUILD: 'build/out', APP_VERSION: '7' }, 'env values are strings');
  t.same(plan.firmware.blocker, {
    kind: 'make', version: 3, depends: [{ index: undefined, version: 1406 }], size: 8192, behaviour: { blocksCloudInSetup: true },
  });
  t.same(plan.firmware.baseline, { kind: 'file', template: '${BUILD}/${platform}/baseline-${board}.bin' });

  const byIndex = (i: number): Step => plan.steps[i]!;
  t.match(byIndex(1), { kind: 'flash', via: 'serial', name: 'serial flash', timeoutMs: 300_000, continueOnFailure: true });
  t.match(byIndex(3), { kind: 'reset', how: 'pin', expectReason: undefined, withinMs: undefined });
  t.match(byIndex(4), { kind: 'reset', how: 'power', expectReason: 'power_down', withinMs: 45_000 });
  t.match(byIndex(5), { kind: 'power', action: 'cycle', withinMs: 60_000 });
  t.match(byIndex(7), { kind: 'expect-mode', mode: 'safe', withinMs: 30_000 });
  t.same((byIndex(8) as Step & { kind: 'expect-modules' }).modules.map((m) => m.version), [
    { op: '>=', value: 1406 }, { op: '=', value: 3 }, { op: '<', value: 1000 },
  ]);
  t.match(byIndex(9), { kind: 'expect-event', data: '^update$', absent: true, withinMs: 60_000 }, 'within beside the map form');
  t.match(byIndex(10), { kind: 'expect-log', pattern: 'update done - all done!', absent: false, withinMs: 45_000, afterPrevious: false });
  t.match(byIndex(11), { kind: 'expect-log', pattern: 'Received UpdateStart', withinMs: 90_000, afterPrevious: true }, 'after: previous');
  t.match(byIndex(12), { kind: 'expect-reset', reason: 'update_timeout', afterPrevious: true });
  t.match(byIndex(13), { kind: 'expect-reset', reason: 'panic, hard_fault', withinMs: 10_000, afterPrevious: false });
  t.match(byIndex(14), { kind: 'wait', durationMs: 500 });
  t.match(byIndex(15), { kind: 'inspect', label: undefined });
  t.match(byIndex(16), { kind: 'inspect', label: 'after the fault' });

  const untilFailure = byIndex(17) as Step & { kind: 'repeat' };
  t.match(untilFailure, { kind: 'repeat', until: 'failure', count: 20 }, 'until without max tries 20 times');
  t.match(untilFailure.steps[0], { kind: 'fault', fault: 'usb-unplug', at: { transfer: 'ota', percent: 40 }, forMs: undefined, withinMs: undefined });
  t.match(untilFailure.steps[1], { kind: 'fault', fault: 'usb-unplug', at: undefined, forMs: 2000, withinMs: 60_000 });
  t.match(untilFailure.steps[2], { kind: 'repeat', until: undefined, count: 2 });
  t.same(loaded.stepPath(untilFailure.steps[2]!), ['steps', 17, 'repeat', 'steps', 2], 'nested steps keep their path');
  t.match(byIndex(18), { kind: 'repeat', count: 3 });
  t.match(byIndex(19), { kind: 'fault', fault: 'link', bandwidthBps: 2000, latencyMs: 300, lossPercent: 5, forMs: 3_600_000 });
  t.match(byIndex(20), { kind: 'fault', fault: 'link-restore' });
  t.match(byIndex(21), { kind: 'fault', fault: 'fs-fill', fillPercent: 95 });
  t.match(byIndex(22), { kind: 'fault', fault: 'fs-fill', fillPercent: 100 }, 'fs-fill fills completely by default');
  t.same(byIndex(23), { kind: 'call', function: 'allowUpdate', arg: '', expectValue: undefined, withinMs: undefined, name: undefined, timeoutMs: undefined, continueOnFailure: false });
  t.match(byIndex(24), { kind: 'call', function: 'setMode', arg: '3', expectValue: 1, withinMs: 60_000 }, 'a YAML number as argument is its text');
});
