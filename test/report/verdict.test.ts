import t from 'tap';
import type { DeviceId, StepStatus } from '../../src/core/domain.js';
import type { BoardReport, BoardStatus, RunReport } from '../../src/report/model.js';
import { boardVerdict, countRun, exitStatus, reportedSteps } from '../../src/report/verdict.js';

function board(status: BoardStatus, steps: StepStatus[], diagnosis?: string): BoardReport {
  return {
    name: `b-${status}`, platform: 'boron', id: 'e00fce68f2a3b5c1d9e04a11' as DeviceId, plan: 'p', status, durationMs: 1, artifacts: {},
    steps: steps.map((s, i) => ({ status: s, name: `step ${i + 1}`, durationMs: 1 })),
    ...(diagnosis ? { diagnosis } : {}),
  };
}

function run(boards: BoardReport[], bailOut?: string): RunReport {
  return {
    runId: 'r', startedAt: '2024-05-01T00:00:00.000Z', endedAt: '2024-05-01T00:00:01.000Z', rigVersion: '0', bench: 'sim', host: 'h',
    plans: [], boards, ...(bailOut ? { bailOut: { reason: bailOut } } : {}),
  };
}

t.test('exit status', async (t) => {
  t.equal(exitStatus(run([board('pass', ['pass', 'pass'])])), 0, 'all passed');
  t.equal(exitStatus(run([board('pass', ['pass', 'skip']), board('skip', [])])), 0, 'skips are not failures');
  t.equal(exitStatus(run([board('fail', ['pass', 'fail'])])), 1, 'a firmware failure');
  t.equal(exitStatus(run([board('infra', ['infra'])])), 3, 'infrastructure');
  t.equal(exitStatus(run([board('infra', ['infra']), board('skip', ['skip'])])), 3, 'infra wins over skip');
  t.equal(exitStatus(run([board('infra', ['infra']), board('fail', ['fail'])])), 1, 'a firmware failure is never hidden by infra');
  t.equal(exitStatus(run([board('fail', ['fail'])], 'SIGINT')), 1, '...nor by a bail-out');
  t.equal(exitStatus(run([board('pass', ['pass'])], 'SIGINT')), 3, 'a cut-short run did not pass');
  t.equal(exitStatus(run([])), 3, 'a run that reached no board did not pass');
});

t.test('a board is never better than its steps', async (t) => {
  t.equal(boardVerdict(board('pass', ['pass', 'fail'])), 'fail');
  t.equal(boardVerdict(board('pass', ['infra'])), 'infra');
  t.equal(boardVerdict(board('skip', ['pass', 'skip'])), 'pass');
  t.equal(boardVerdict(board('infra', ['pass'])), 'infra', 'the runner may know worse than the steps');
  t.equal(boardVerdict(board('infra', ['fail'])), 'fail', 'a failure seen before the rig lost the board still counts');
});

t.test('reported steps explain every verdict', async (t) => {
  const missing = reportedSteps(board('infra', [], 'board not on USB'));
  t.same(missing, [{ status: 'infra', name: 'reach the board', durationMs: 0, diagnosis: 'board not on USB' }]);
  t.same(reportedSteps(board('skip', [], 'needs cellular')).map((s) => [s.status, s.skipReason]), [['skip', 'needs cellular']]);
  t.equal(reportedSteps(board('infra', ['pass', 'infra'])).length, 2, 'no extra step when one explains it');
  const lost = reportedSteps(board('infra', ['pass']));
  t.same(lost.map((s) => s.status), ['pass', 'infra'], 'a board lost after passing steps gets an infra step');
  t.match(lost[1]?.diagnosis, /status infra/, 'with a cause even when the runner gave none');
  t.equal(reportedSteps(board('pass', [])).length, 0);
});

t.test('counts keep failures and infrastructure apart', async (t) => {
  const counts = countRun(run([board('fail', ['pass', 'fail', 'skip']), board('infra', []), board('pass', ['pass'])]));
  t.strictSame(counts.boards, { total: 3, pass: 1, fail: 1, infra: 1, skip: 0 });
  t.strictSame(counts.steps, { total: 5, pass: 2, fail: 1, infra: 1, skip: 1 });
});
