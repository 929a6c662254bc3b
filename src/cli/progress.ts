// What a person watching a run sees: on a terminal, one live line per board
// (step, what it is doing); elsewhere (CI, pipes), one plain line per step
// result. Written to stderr so stdout stays for machine output.
import type { StepResult } from '../core/domain.js';

export interface Progress {
  step(e: { board: string; index: number; total: number; title: string; result?: StepResult }): void;
  note(board: string, text: string): void;
  close(): void;
}

const MARK: Record<StepResult['status'], string> = { pass: 'ok', fail: 'FAIL', skip: 'skip', infra: 'INFRA' };

function resultLine(board: string, index: number, total: number, title: string, r: StepResult): string {
  const why = r.status === 'skip' ? r.skipReason : r.diagnosis;
  return `${board}: [${index + 1}/${total}] ${title}: ${MARK[r.status]} (${(r.durationMs / 1000).toFixed(2)} s)${why ? ` - ${why}` : ''}`;
}

export function plainProgress(out: NodeJS.WritableStream = process.stderr): Progress {
  return {
    step(e) {
      if (e.result) out.write(`${resultLine(e.board, e.index, e.total, e.title, e.result)}\n`);
    },
    note() {},
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
      if (e.result) {
        above(resultLine(e.board, e.index, e.total, e.title, e.result));
        status.set(e.board, e.index + 1 === e.total ? 'done' : `${MARK[e.result.status]} ${e.title}`);
      } else {
        status.set(e.board, `[${e.index + 1}/${e.total}] ${e.title}`);
      }
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
