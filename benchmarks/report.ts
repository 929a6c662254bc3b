// What `npm run bench` prints: a table per benchmark with MET / MISSED next
// to each target, the method in a sentence, and one JSON line at the end
// for programs (a trend over nights).
import type { CaptureRow } from './log-capture.js';
import { OVERHEAD_TARGET_MS, type OverheadResult } from './overhead.js';
import { PARALLEL_TARGET_RATIO, type ParallelResult } from './parallel.js';
import { formatTable, verdict } from './lib/table.js';

export function overheadText(r: OverheadResult, ownScale: number, scales: [number, number]): string {
  const rows = r.rows.map((x) => [x.kind, x.method, x.boardMs, x.samples, x.wallMedianMs, x.wallHighMedianMs ?? '', x.medianMs, x.p95Ms, verdict(x.medianMs < OVERHEAD_TARGET_MS)]);
  for (const m of ['known', 'fitted'] as const) {
    const o = r.overall[m];
    rows.push([`ALL (${m})`, m, '', o.samples, '', '', o.medianMs, o.p95Ms, verdict(o.medianMs < OVERHEAD_TARGET_MS)]);
  }
  return [
    `RIG OVERHEAD PER STEP: wall - board time / time scale (target: median < ${OVERHEAD_TARGET_MS} ms)`,
    formatTable(['step kind', 'method', 'board ms', 'n', `wall ms x${ownScale}`, `wall ms x${scales[1]}`, 'overhead median ms', 'p95 ms', 'target'], rows),
    'known:  steps whose board time is fixed (wait 1s = 1000 board ms; expect-* on a board already so = 0); overhead = wall - B/scale.',
    `fitted: smoke plan at x${scales[0]} and x${scales[1]}; wall = overhead + B/scale gives B per step from the medians (clamped >= 0,`,
    `        noisy: B/scale is small beside the overhead); overhead = wall - B/x${scales[1]} on the x${scales[1]} samples, i.e. what remains`,
    '        with an infinitely fast board (runner, step machinery, dfu-util, USB round trips, port reopening, polls).',
    ...(r.skippedBoards.length ? [`not counted (a step did not pass): ${r.skippedBoards.join(', ')}`] : []),
  ].join('\n');
}

export function parallelText(r: ParallelResult): string {
  const runs = [
    ...r.singles.map((s) => [`${s.board} alone${s.board === r.slowestSingle ? ' (slowest)' : ''}`, s.boards, s.passed, s.wallMs, s.runMs, s.roundsMs.join(' ')]),
    [`${r.many.boards} boards at once`, r.many.boards, r.many.passed, r.many.wallMs, r.many.runMs, r.many.roundsMs.join(' ')],
  ];
  const kinds = r.byKind.map((k) => [k.kind, k.aloneMs, k.togetherMs, k.aloneMs > 0 ? Math.round((k.togetherMs / k.aloneMs) * 10) / 10 : '-']);
  return [
    `PARALLELISM: smoke plan on ${r.many.boards} boards vs 1 (target: wall-time ratio < ${PARALLEL_TARGET_RATIO})`,
    formatTable(['run', 'boards', 'passed', 'rig run wall ms (best)', 'report span ms (best)', 'every round wall ms'], runs),
    `ratio ${r.many.boards} / slowest alone: ${r.ratioWall} (rig run wall)  ${verdict(r.ratioWall < PARALLEL_TARGET_RATIO)};  ${r.ratioRun} (report span)`,
    '',
    'where it goes (median step wall ms):',
    formatTable(['step kind', 'alone', `${r.many.boards} at once`, 'x'], kinds),
    'rig run wall = spawn to exit of `node bin/rig.js run` (simulator start, firmware, boards, reports); report span = report startedAt..endedAt;',
    'best of the rounds (interleaved), since other work on a shared machine only adds time; passed = boards that passed in every round.',
  ].join('\n');
}

export function captureText(rows: CaptureRow[]): string {
  const table = rows.map((r) => [
    `x${r.scale}`, (r.scale * 1000).toLocaleString('en'), r.offered, r.sent, r.dropped, r.captured, r.equal ? 'yes' : 'NO', r.throughputKBps, r.appLines, r.appLineGaps, verdict(r.equal),
  ]);
  return [
    'LOG CAPTURE: an app logging 1000 lines/s of board time, captured by SerialLogCapture (target: bytes captured = bytes sent)',
    formatTable(['scale', 'lines/s offered', 'offered B', 'sent B', 'dropped B', 'captured B', 'equal', 'KB/s', 'app lines', 'missing', 'target'], table),
    'offered = what the board wrote while its port existed; sent = what the port (PTY) took for the host; dropped = refused because',
    'the port buffer was full (the reader was behind; the board writes a batch per 4 ms tick); captured = what the rig recorded.',
    'Counted board side (bench control GET /v1/boards) and rig side over a window bounded at both ends by listening mode (log silent,',
    'port untouched), settled before each count. missing = app lines absent by their 1 ms board-time stamps (all from dropped bytes).',
  ].join('\n');
}

export interface Summary {
  overhead?: OverheadResult;
  parallel?: ParallelResult;
  logCapture?: CaptureRow[];
  errors: Record<string, string>;
}

export function summaryJson(s: Summary): string {
  const targets: Record<string, { value: number | boolean; target: string; met: boolean }> = {};
  if (s.overhead) {
    const v = s.overhead.overall.fitted.medianMs;
    targets.overheadMedianMs = { value: v, target: `< ${OVERHEAD_TARGET_MS}`, met: v < OVERHEAD_TARGET_MS };
  }
  if (s.parallel) targets.parallelRatio = { value: s.parallel.ratioWall, target: `< ${PARALLEL_TARGET_RATIO}`, met: s.parallel.ratioWall < PARALLEL_TARGET_RATIO };
  if (s.logCapture) {
    const equal = s.logCapture.every((r) => r.equal);
    targets.captureEqual = { value: equal, target: 'captured = sent', met: equal };
  }
  return JSON.stringify({ bench: 'particle-rig', at: new Date().toISOString(), targets, ...s });
}
