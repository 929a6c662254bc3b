// What a person watching a run sees: on a terminal, one live line per board
// (step, what it is doing); elsewhere (CI, pipes), one plain line per step
// result. Written to stderr so stdout stays for machine output.
import type { StepResult } from '../core/domain.js';
import type { BoardHealth } from '../report/model.js';
import type { StepEvent } from '../runner/run-board.js';

export interface Progress {
  step(e: StepEvent): void;
  note(board: string, text: string): void;
  /** A board's health check ended; `jobs` is how many jobs it has in the run. */
  health(h: BoardHealth, jobs: number): void;
  close(): void;
}

const MARK: Record<StepResult['status'], string> = { pass: 'ok', fail: 'FAIL', skip: 'skip', infra: 'INFRA' };

/** The board and the job a step belongs to: `photon-1 · smoke`, or `photon-1 · smoke (job 2/3)` when the board has several. */
function jobLabel(e: Pick<StepEvent, 'board' | 'plan' | 'job'>): string {
  return `${e.board} · ${e.plan}${e.job.total > 1 ? ` (job ${e.job.index + 1}/${e.job.total})` : ''}`;
}

function resultLine(e: StepEvent, r: StepResult): string {
  const why = r.status === 'skip' ? r.skipReason : r.diagnosis;
  return `${jobLabel(e)}: [${e.index + 1}/${e.total}] ${e.title}: ${MARK[r.status]} (${(r.durationMs / 1000).toFixed(2)} s)${why ? ` - ${why}` : ''}`;
}

/** An unhealthy board, once: its jobs are not run. */
function unhealthyLine(h: BoardHealth, jobs: number): string {
  return `${h.name}: unhealthy, ${jobs === 1 ? 'its job is' : `its ${jobs} jobs are`} not run (infrastructure): ${h.reason ?? 'health check failed'}`;
}

export function plainProgress(out: NodeJS.WritableStream = process.stderr): Progress {
  return {
    step(e) {
      if (e.result) out.write(`${resultLine(e, e.result)}\n`);
    },
    note() {},
    health(h, jobs) {
      if (!h.healthy) out.write(`${unhealthyLine(h, jobs)}\n`);
    },
    close() {},
  };
}

/** Redraws one line per board in place; finished step results scroll above. */
export function liveProgress(boards: string[], out: NodeJS.WriteStream = process.stderr): Progress {
  const status = new Map(boards.map((b) => [b, 'waiting']));
  let drawn = 0;
  const width = () => Math.max(20, (out.columns ?? 100) - 1);
  const draw = () => {
    if (drawn) out.write(`\x1b[${drawn}A`);
    for (const b of boards) out.write(`\x1b[2K${`${b}: ${status.get(b) ?? ''}`.slice(0, width())}\n`);
    drawn = boards.length;
  };
  const above = (line: string) => {
    if (drawn) out.write(`\x1b[${drawn}A`);
    out.write(`\x1b[2K${line}\n`);
    drawn = 0;
    draw();
  };
  return {
    step(e) {
      const job = e.job.total > 1 ? `job ${e.job.index + 1}/${e.job.total} ${e.plan} · ` : `${e.plan} · `;
      if (e.result) {
        above(resultLine(e, e.result));
        const last = e.index + 1 === e.total && e.job.index + 1 === e.job.total;
        status.set(e.board, last ? 'done' : `${job}${MARK[e.result.status]} ${e.title}`);
      } else {
        status.set(e.board, `${job}[${e.index + 1}/${e.total}] ${e.title}`);
      }
      draw();
    },
    health(h, jobs) {
      if (!h.healthy) above(unhealthyLine(h, jobs));
      status.set(h.name, h.healthy ? 'healthy' : 'unhealthy: not run');
      draw();
    },
    note(board, text) {
      const current = status.get(board) ?? '';
      status.set(board, `${current.replace(/ · .*$/, '')} · ${text}`);
      draw();
    },
    close() {},
  };
}

export function progressFor(boards: string[]): Progress {
  return process.stderr.isTTY && !process.env.CI ? liveProgress(boards) : plainProgress();
}
