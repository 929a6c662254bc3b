// A run is jobs, one per (plan, board) (issue 13): each board runs its own
// jobs in plan order, boards run in parallel, and no job waits for another
// board. Before, a plan started only when every board of the plan before it
// was done, so a short plan on one board waited for a long one on another.
import t from 'tap';
import type { StepEvent } from '../../src/runner/run-board.js';
import { ownLockDir, runPlans } from './fixtures/run.js';

ownLockDir();

t.test('a board\'s job never waits for another board; each board runs its jobs in plan order', async (t) => {
  const events: StepEvent[] = [];
  const run = await runPlans(t, {
    // 60 s of board time: 1.2 s of wall time at the bench's x50.
    'long.yaml': 'plan: long\nboards: { names: [photon-1] }\nsteps:\n  - wait: 60s\n',
    'short.yaml': 'plan: short\nboards: { names: [argon-1] }\nsteps:\n  - expect-mode: normal\n',
    'after.yaml': 'plan: after\nboards: { names: [photon-1] }\nsteps:\n  - expect-mode: normal\n',
  }, { history: false, watch: { step: (e) => void (e.result && events.push(e)) } });
  t.equal(run.exitCode, 0);
  t.same(run.report.boards.map((b) => [b.plan, b.name]), [['long', 'photon-1'], ['short', 'argon-1'], ['after', 'photon-1']], 'the report lists jobs in plan order');
  const at = (plan: string) => {
    const b = run.report.boards.find((x) => x.plan === plan)!;
    const start = Date.parse(b.startedAt!);
    return { start, end: start + b.durationMs };
  };
  t.ok(at('short').start < at('long').end, `argon-1's job began while photon-1's long job ran (began ${at('short').start - at('long').start} ms after it, which ended ${at('long').end - at('long').start} ms after it)`);
  t.ok(at('after').start >= at('long').end, 'photon-1 ran its second job after its first');
  t.same(events.filter((e) => e.board === 'photon-1').map((e) => [e.plan, e.job.index, e.job.total]), [['long', 0, 2], ['after', 1, 2]], 'steps say which job of the board they belong to');
  t.same(events.filter((e) => e.board === 'argon-1').map((e) => [e.plan, e.job.index, e.job.total]), [['short', 0, 1]]);
});
