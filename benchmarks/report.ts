// What `npm run bench` prints: a table per benchmark with MET / MISSED next
// to each target, the method in a sentence, and one JSON line at the end
// for programs (a trend over nights).
import { DFU_TARGET_RATIO, type DfuRow } from './dfu.js';
import { CAPTURE_RATIO_TARGET, type CaptureRow } from './log-capture.js';
import type { OtaRow } from './ota.js';
import { OVERHEAD_TARGET_MS, type OverheadResult } from './overhead.js';
import { PARALLEL_TARGET_RATIO, type ParallelResult } from './parallel.js';
import { SUITE_TARGET_RATIO, type SuiteResult } from './suite.js';
import { LAB_DISPATCH_TARGET_MS, type LabResult } from './lab.js';
import { SOAK_INFRA_TARGET, SOAK_MIN_RUNS, type SoakResult } from './soak.js';
import { HTML_TARGET_MS, type HtmlResult } from './html.js';
import type { KernelResult } from './kernel.js';
import { median } from './lib/stats.js';
import { formatTable, judged, ratio, type Verdict } from './lib/table.js';

export function overheadText(r: OverheadResult, ownScale: number, scales: [number, number]): string {
  const rows = r.rows.map((x) => [x.kind, x.method, x.boardMs, x.samples, x.wallMedianMs, x.wallHighMedianMs ?? '', x.medianMs, x.p95Ms, judged(x.medianMs < OVERHEAD_TARGET_MS, x.samples === 0 ? 'no sample' : undefined)]);
  for (const m of ['known', 'fitted', 'fitted-alone'] as const) {
    const o = r.overall[m];
    rows.push([`ALL (${m})`, m, '', o.samples, '', '', o.medianMs, o.p95Ms, judged(o.medianMs < OVERHEAD_TARGET_MS, o.samples === 0 ? 'no sample' : undefined)]);
  }
  return [
    `RIG OVERHEAD PER STEP: wall - board time / time scale (target: median < ${OVERHEAD_TARGET_MS} ms)`,
    formatTable(['step kind', 'method', 'board ms', 'n', `wall ms x${ownScale}`, `wall ms x${scales[1]}`, 'overhead median ms', 'p95 ms', 'target'], rows),
    'known:  steps whose board time is fixed (wait 1s = 1000 board ms; expect-* on a board already so = 0); overhead = wall - B/scale.',
    `fitted: smoke plan at x${scales[0]} and x${scales[1]}; wall = overhead + B/scale gives B per step from the medians (clamped >= 0,`,
    `        noisy: B/scale is small beside the overhead); overhead = wall - B/x${scales[1]} on the x${scales[1]} samples, i.e. what remains`,
    '        with an infinitely fast board (runner, step machinery, dfu-util, USB round trips, port reopening, polls).',
    'fitted-alone: the same fit with each board on a bench of its own, one run at a time: what one step of one board costs the rig,',
    '        without the four boards of the bench queueing for 2 CPUs at the same step (which the whole-bench fit books as overhead).',
    `load (1-min average, 2 CPUs) ${r.load[0].toFixed(1)} at the start, ${r.load[1].toFixed(1)} at the end: the boards of a run share the machine, so load weighs on both figures.`,
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
    `ratio ${r.many.boards} / slowest alone: ${r.ratioWall} (rig run wall)  ${judged(r.ratioWall < PARALLEL_TARGET_RATIO, r.many.passed < r.many.boards || r.singles.some((x) => x.passed < x.boards) ? 'a board failed' : undefined)};  ${r.ratioRun} (report span)`,
    '',
    'where it goes (median step wall ms):',
    formatTable(['step kind', 'alone', `${r.many.boards} at once`, 'x'], kinds),
    'rig run wall = spawn to exit of `node bin/rig.js run` (simulator start, firmware, boards, reports); report span = report startedAt..endedAt;',
    'best of the rounds (interleaved), since other work on a shared machine only adds time; passed = boards that passed in every round.',
  ].join('\n');
}

export function suiteText(r: SuiteResult): string {
  const rows = [
    ...r.alone.map((a) => [`${a.plan} alone${a.plan === r.longest ? ' (longest)' : ''}`, a.passedRounds, a.wallMs, a.roundsMs.join(' ')]),
    [`rig run plans/field (${r.suite.jobs} jobs)`, r.suite.passedRounds, r.suite.wallMs, r.suite.roundsMs.join(' ')],
  ];
  return [
    `SUITE: the five field plans as one run (a job per plan and board, boards in parallel) vs each plan alone (target: <= ${SUITE_TARGET_RATIO} x the longest alone)`,
    formatTable(['run', 'rounds passed', 'rig run wall ms (best)', 'every passed round wall ms'], rows),
    `ratio suite / longest alone: ${r.ratio}  ${judged(r.ratio <= SUITE_TARGET_RATIO, r.notMeasured)}${r.notMeasured ? ` (${r.notMeasured})` : ''}`,
    'rig run wall = spawn to exit of `node bin/rig.js run` on the default bench (rig/sim.yaml); best of the interleaved rounds; a round counts only when every board passed.',
  ].join('\n');
}

export function captureText(rows: CaptureRow[]): string {
  const table = rows.map((r) => [
    `x${r.scale}`, r.linesPerSecond.toLocaleString('en'),
    `${r.rig.boardLinesPerSecond.toLocaleString('en')} / ${r.plain.boardLinesPerSecond.toLocaleString('en')}`,
    r.rig.read, r.rig.lost, r.rig.readKBps,
    r.plain.read, r.plain.lost, r.plain.readKBps,
    r.ratio, r.rig.missingLines, r.load, r.verdict,
  ]);
  const notes = rows.filter((r) => r.why).map((r) => `  x${r.scale} ${r.verdict}: ${r.why}`);
  const windows = rows[0] ? `${rows[0].rig.windows} windows of each reader per scale, alternating` : '';
  return [
    `LOG CAPTURE: the rig's SerialLogCapture vs a plain reader (stty raw + cat) of the same PTY, same board, same rate`,
    `(target: 0 bytes lost and throughput >= ${CAPTURE_RATIO_TARGET} x the plain reader's, at rates where the plain reader loses nothing)`,
    formatTable(['scale', 'lines/s asked', 'lines/s written rig/cat', 'rig got B', 'rig lost B', 'rig KB/s', 'cat got B', 'cat lost B', 'cat KB/s', 'ratio', 'rig missing lines', 'load', 'target'], table),
    ...notes,
    `lost = what the board wrote (counted board side, bench control GET /v1/boards) minus what the reader got; KB/s = got / window wall time;`,
    `ratio = rig KB/s / cat KB/s. ${windows}; each window bounded at both ends by listening mode (log silent, port untouched),`,
    'settled before each count. lines/s written = what the simulated board managed (one process; past ~x50 it cannot write what its app',
    'asks). It writes a batch per 4 ms tick; whatever the PTY (~16 KB) cannot hold when the reader is not scheduled in time is dropped board',
    'side, so load on the machine (load = 1-min load average, 2 CPUs) costs bytes whoever reads. missing lines = app lines absent from the',
    'rig\'s capture by their 1 ms board-time stamps. A row where no bytes flowed, or where the plain reader itself lost bytes, is NOT MEASURED.',
    'Readers open the port as soon as the simulator is up: a simulated port serves whoever opens it, whenever, as a board\'s USB serial does.',
  ].join('\n');
}

export function dfuText(rows: DfuRow[]): string {
  const table = rows.map((r) => [
    r.board, r.imageBytes, r.rig.samples, r.rig.medianMs, r.rig.p95Ms, r.rig.dfuUtilMedianMs,
    r.bare.samples, r.bare.medianMs, r.bare.p95Ms, r.bare.backMedianMs, r.ratio, r.ratioWithBack, r.floorRatio, `${r.load[0].toFixed(1)}-${r.load[1].toFixed(1)}`, r.verdict,
  ]);
  return [
    `FLASH VIA DFU: the rig's flash step vs a bare dfu-util -D of the same image on the same bus (target: step median <= ${DFU_TARGET_RATIO} x dfu-util median)`,
    formatTable(['board', 'image B', 'n', 'rig step ms', 'p95', "rig's dfu-util ms", 'n', 'bare dfu-util ms', 'p95', 'board back ms', 'ratio', 'ratio vs dfu-util+back', 'floor', 'load', 'target'], table),
    ...rows.filter((r) => r.why).map((r) => `  ${r.board} ${r.verdict}: ${r.why}`),
    "rig step = report.json durationMs of `flash: app, via: dfu` run right after `mode: dfu` (image check, dfu-util, the wait until the board",
    "runs again); rig's dfu-util = the part of the step spent writing the image and running dfu-util (the step's flashMs). bare = spawn to exit of",
    '`dfu-util -d 2b04:PID -a 0 -s ADDR:leave -D app.bin -S ID` with the environment the rig gives it (LD_PRELOAD libusb stand-in, RIG_USB_SOCKET),',
    'the board sent to DFU mode beforehand by a particle-usb request (not timed); board back = from its exit until the board is on the bus in',
    'serial mode again (board time: its reboot), which the step waits for and dfu-util does not. Rig and bare alternate in blocks; medians.',
    `ratio = rig step / bare dfu-util (the target); ratio vs dfu-util+back = rig step / (bare dfu-util + board back); floor = (bare dfu-util +`,
    `board back) / bare dfu-util: what a step that proves the board runs again and adds nothing would score. load = 1-min load average, 2 CPUs.`,
  ].join('\n');
}

export function otaText(rows: OtaRow[]): string {
  const table = rows.map((r) => [
    r.board, r.imageBytes, r.rig.samples, r.rig.medianMs, r.rig.p95Ms, r.bare.samples, r.bare.putMedianMs, r.bare.successMedianMs, r.bare.medianMs, r.bare.p95Ms, r.ratio, r.verdict,
  ]);
  return [
    'FLASH VIA OTA: the rig\'s flash step with expect: applied vs curl PUT + the event stream (no target set: figures side by side)',
    formatTable(['board', 'image B', 'n', 'rig step ms', 'p95', 'n', 'curl PUT ms', 'to success ms', 'to new app-hash ms', 'p95', 'ratio', 'target'], table),
    ...rows.filter((r) => r.why).map((r) => `  ${r.board} ${r.verdict}: ${r.why}`),
    'rig step = report.json durationMs of `flash: a|b, via: ota, expect: applied` (the cloud request, then the wait for the verdict from the',
    'running app\'s SHA-256). bare = from the spawn of `curl -X PUT -F file=@app.bin .../v1/devices/ID` until, on an SSE stream opened',
    'beforehand (node:http), `spark/flash/status success` and then `spark/device/app-hash` with the new hash have arrived. Two apps',
    'alternate so every update changes what runs; rig and bare alternate in blocks; medians.',
  ].join('\n');
}

export function soakText(r: SoakResult): string {
  const table = r.runs.map((x) => [x.run, round1s(x.wallMs), x.boards, x.passed, x.failed, x.infra, x.exitCode, x.error ? 'NO REPORT' : '']);
  const problems = r.runs.flatMap((x) => [
    ...(x.error ? [`  run ${x.run}: the run could not finish: ${x.error}`] : []),
    ...x.problems.map((p) => `  run ${x.run}: ${p.board} ${p.status.toUpperCase()} at ${p.step}: ${p.why}`),
  ]);
  return [
    `SOAK: the smoke plan (as shipped) on ${r.boards} simulated boards, ${r.runs.length} runs (target: ${SOAK_INFRA_TARGET} boards ending as infrastructure, over at least ${SOAK_MIN_RUNS} runs)`,
    r.hostLoad
      ? `host load: the rig's event loop held ${r.hostLoad.heldMs} ms every ${r.hostLoad.everyMs} ms (BENCH_SOAK_HOST_LOAD), as on a busy bench computer`
      : 'host load: none added (BENCH_SOAK_HOST_LOAD=60/200 holds the rig\'s event loop 60 ms every 200 ms, as a busy bench computer does)',
    formatTable(['run', 'wall s', 'boards', 'passed', 'failed', 'infra', 'exit', ''], table),
    ...(problems.length ? ['boards that did not pass, and why:', ...problems] : ['every board of every run passed']),
    `infra over all runs: ${r.infraTotal}  ${r.verdict}${r.why ? ` (${r.why})` : ''};  failed: ${r.failedTotal};  wall per run: median ${round1s(r.wallMedianMs)} s, max ${round1s(r.wallMaxMs)} s`,
    'wall = spawn to exit of `node bin/rig.js run plans/smoke.yaml --bench B` (the simulator started by the run, 8 copies of each board of',
    'rig/sim.yaml, DFU, serial YMODEM and OTA flashes, safe mode and back); pass / fail / infra per board from its report.json. A failed',
    "board is the plan's verdict on the firmware (or a limit of the plan's that ran out); infra is the rig losing its reach to a board.",
  ].join('\n');
}

function round1s(ms: number): number {
  return Math.round(ms / 100) / 10;
}

export interface Summary {
  overhead?: OverheadResult;
  parallel?: ParallelResult;
  suite?: SuiteResult;
  dfu?: DfuRow[];
  ota?: OtaRow[];
  logCapture?: CaptureRow[];
  soak?: SoakResult;
  html?: HtmlResult;
  lab?: LabResult;
  kernel?: KernelResult;
  errors: Record<string, string>;
}

export function kernelText(r: KernelResult): string {
  const best = (xs: number[]) => (xs.length ? Math.min(...xs) : Number.NaN);
  const s = (ms: number) => (Number.isFinite(ms) ? round1s(ms) : Number.NaN);
  return [
    `KERNEL BENCH: plans/smoke.yaml on rig/kernel-sim.yaml (${r.boards} boards): the rig in a Linux guest (QEMU TCG; USB/IP, vhci-hcd, cdc-acm, usbfs) beside the same bench file on this host's socket bus, which sets the limit${r.notMeasured ? `  NOT MEASURED (${r.notMeasured})` : ''}`,
    formatTable(['bench', 'rounds ms', 'best s', '/ socket bus'], [
      ['socket bus (host)', r.socketMs.join(' '), s(best(r.socketMs)), ratio(best(r.socketMs), best(r.socketMs))],
      ['kernel (guest)', r.kernelMs.join(' '), s(best(r.kernelMs)), ratio(best(r.kernelMs), best(r.socketMs))],
    ]),
    `guest: userland up ${r.guestUpS} s, boards attached ${r.attachedS} s after boot; re-attach after a re-enumeration (enumerated -> imported): median ${median(r.reattachMs)} ms, max ${r.reattachMs.length ? Math.max(...r.reattachMs) : Number.NaN} ms over ${r.reattachMs.length}`,
    ...r.failures.map((f) => `  not counted: ${f}`),
    'No target (issue 12 asks for the figures). Wall time is spawn to exit of `rig run`, timed where it runs: the guest\'s CPU is emulated, so node itself loads several times slower there.',
  ].join('\n');
}

export function labText(r: LabResult): string {
  const status = judged(r.dispatchMedianMs < LAB_DISPATCH_TARGET_MS, r.notMeasured);
  const s = (ms: number) => (Number.isFinite(ms) ? round1s(ms) : Number.NaN);
  return [
    `LAB: 12 boards on one host against 3 agents x 4 boards (rig run --queue, a real redis-server); dispatch target: median < ${LAB_DISPATCH_TARGET_MS} ms per job`,
    formatTable(['plans', 'jobs', 'one host s (best)', 'lab s (best)', 'lab / one host', 'one host rounds ms', 'lab rounds ms'],
      r.rows.map((x) => [x.what, x.jobs, s(x.oneHostBestMs), s(x.labBestMs), ratio(x.labBestMs, x.oneHostBestMs), x.oneHostMs.join(' '), x.labMs.join(' ')])),
    `dispatch (ready to taken by its host): median ${r.dispatchMedianMs} ms, p95 ${r.dispatchP95Ms} ms over ${r.dispatchMs.length} jobs  ${status}${r.notMeasured ? ` (${r.notMeasured})` : ''}`,
    `  each board's first job of a run only (the queue woke the host): median ${r.firstJobsMedianMs} ms over ${r.firstJobsMs.length}; a later job is taken as its board's previous one finishes`,
    ...r.failures.map((f) => `  not counted: ${f}`),
    'Wall time is spawn to exit of the command. One host starts its simulated bench of 12 boards inside the run; the lab\'s agents started theirs before the rounds, as hosts of a lab do.',
  ].join('\n');
}

/** The 16-board page's row, the one the target judges; undefined when it was not measured. */
function bigPage(r: HtmlResult): HtmlResult['rows'][number] | undefined {
  return r.rows.find((x) => x.boards >= 16 && x.traceLines >= 100_000 && x.readyMs.length > 0);
}

export function htmlText(r: HtmlResult): string {
  const big = bigPage(r);
  const status = judged(big !== undefined && big.medianMs < HTML_TARGET_MS, r.notMeasured ?? (big ? undefined : 'no 16-board page opened'));
  return [
    `HTML REPORT: time to interactive in headless Chromium (target: 16 boards, >= 100,000 trace lines, median < ${HTML_TARGET_MS} ms)`,
    formatTable(['page', 'boards', 'trace lines', 'bytes', 'ready ms (each opening)', 'median ms'], r.rows.map((x) => [x.page, x.boards, x.traceLines, x.bytes, x.readyMs.join(' '), x.medianMs])),
    `16-board page: ${big ? `${big.medianMs} ms` : 'not measured'}  ${status}${r.notMeasured ? ` (${r.notMeasured})` : ''};  rig report on it: ${r.rebuildMs} ms`,
    'ready = performance.now() at the page\'s ready mark, from navigation start: summary, failures and the timelines in view drawn.',
    'The 16-board run is the real run\'s report.json and captures multiplied (benchmarks/lib/html-page.ts).',
  ].join('\n');
}

export interface TargetStatus {
  value: number;
  target: string;
  status: Verdict;
  /** What was not measured, or what missed, in a few words. */
  note?: string;
}

/** One status over rows: NOT MEASURED when none could be judged; MISSED when any judged row missed. */
function overRows(verdicts: Verdict[]): Verdict {
  const judgedRows = verdicts.filter((v) => v !== 'NOT MEASURED');
  if (judgedRows.length === 0) return 'NOT MEASURED';
  return judgedRows.every((v) => v === 'MET') ? 'MET' : 'MISSED';
}

export function targetStatuses(s: Summary): Record<string, TargetStatus> {
  const t: Record<string, TargetStatus> = {};
  if (s.overhead) {
    const names = { known: 'overheadKnownMedianMs', fitted: 'overheadFittedMedianMs', 'fitted-alone': 'overheadFittedAloneMedianMs' } as const;
    for (const m of ['known', 'fitted', 'fitted-alone'] as const) {
      const o = s.overhead.overall[m];
      t[names[m]] = {
        value: o.medianMs, target: `< ${OVERHEAD_TARGET_MS} ms`, status: judged(o.medianMs < OVERHEAD_TARGET_MS, o.samples === 0 ? 'no step passed' : undefined),
        ...(o.samples === 0 ? { note: 'no step passed' } : {}),
      };
    }
  }
  if (s.parallel) {
    const p = s.parallel;
    const short = p.many.passed < p.many.boards || p.singles.some((x) => x.passed < x.boards);
    t.parallelRatio = { value: p.ratioWall, target: `< ${PARALLEL_TARGET_RATIO}`, status: judged(p.ratioWall < PARALLEL_TARGET_RATIO, short ? 'a board failed' : undefined), ...(short ? { note: 'a board failed a round: its time is not a full run' } : {}) };
  }
  if (s.suite) {
    const u = s.suite;
    t.suiteRatio = {
      value: u.ratio, target: `<= ${SUITE_TARGET_RATIO} x the longest plan alone`, status: judged(u.ratio <= SUITE_TARGET_RATIO, u.notMeasured),
      note: u.notMeasured ?? `rig run plans/field ${round1s(u.suite.wallMs)} s, longest alone ${u.longest} ${round1s(u.alone.find((a) => a.plan === u.longest)?.wallMs ?? Number.NaN)} s`,
    };
  }
  if (s.dfu) {
    const measured = s.dfu.filter((r) => r.verdict !== 'NOT MEASURED');
    const worst = measured.length ? Math.max(...measured.map((r) => r.ratio)) : Number.NaN;
    const missed = s.dfu.filter((r) => r.verdict === 'MISSED').map((r) => r.board);
    const withBack = measured.length ? Math.max(...measured.map((r) => r.ratioWithBack)) : Number.NaN;
    const floor = measured.length ? Math.min(...measured.map((r) => r.floorRatio)) : Number.NaN;
    const beside = measured.length ? `; vs dfu-util + board back: worst ${withBack}; floor (dfu-util + back) / dfu-util: ${floor} at best` : '';
    t.dfuRatio = {
      value: worst, target: `<= ${DFU_TARGET_RATIO} x bare dfu-util`, status: overRows(s.dfu.map((r) => r.verdict)),
      ...(missed.length || beside ? { note: `${missed.length ? `missed on ${missed.join(', ')}` : ''}${beside}` } : {}),
    };
  }
  if (s.logCapture) {
    const rows = s.logCapture;
    const judgedRows = rows.filter((r) => r.verdict !== 'NOT MEASURED');
    const notMeasured = rows.filter((r) => r.verdict === 'NOT MEASURED').map((r) => `x${r.scale}`);
    const missed = rows.filter((r) => r.verdict === 'MISSED').map((r) => `x${r.scale} (${r.rig.lost !== 0 ? `${r.rig.lost} B lost` : `ratio ${r.ratio}`})`);
    t.captureRatio = {
      value: judgedRows.length ? Math.min(...judgedRows.map((r) => r.ratio)) : Number.NaN,
      target: `>= ${CAPTURE_RATIO_TARGET} x plain reader and 0 B lost, where the plain reader loses none`,
      status: overRows(rows.map((r) => r.verdict)),
      ...(notMeasured.length || missed.length ? { note: [missed.length ? `missed at ${missed.join(', ')}` : '', notMeasured.length ? `not measured at ${notMeasured.join(', ')}` : ''].filter(Boolean).join('; ') } : {}),
    };
  }
  if (s.soak) {
    const k = s.soak;
    t.soakInfra = {
      value: k.infraTotal,
      target: `${SOAK_INFRA_TARGET} infra boards in >= ${SOAK_MIN_RUNS} runs of ${k.boards}`,
      status: k.verdict,
      note: `${k.runs.length} runs, ${k.failedTotal} failed boards, median ${round1s(k.wallMedianMs)} s per run${k.hostLoad ? `, rig held ${k.hostLoad.heldMs}/${k.hostLoad.everyMs} ms` : ''}${k.why ? `; ${k.why}` : ''}`,
    };
  }
  if (s.html) {
    const big = bigPage(s.html);
    const why = s.html.notMeasured ?? (big ? undefined : 'no 16-board page opened');
    t.htmlInteractiveMs = {
      value: big?.medianMs ?? Number.NaN, target: `< ${HTML_TARGET_MS} ms (16 boards, >= 100,000 trace lines)`,
      status: judged(big !== undefined && big.medianMs < HTML_TARGET_MS, why),
      ...(why ? { note: why } : big ? { note: `${big.traceLines} trace lines, ${Math.round(big.bytes / 1e6)} MB page, median of ${big.readyMs.length}` } : {}),
    };
  }
  if (s.lab) {
    t.labDispatchMedianMs = {
      value: s.lab.dispatchMedianMs, target: `< ${LAB_DISPATCH_TARGET_MS} ms`, status: judged(s.lab.dispatchMedianMs < LAB_DISPATCH_TARGET_MS, s.lab.notMeasured),
      note: s.lab.notMeasured ?? `${s.lab.dispatchMs.length} jobs; ${s.lab.rows.map((x) => `${x.what} ${round1s(x.oneHostBestMs)} s one host, ${round1s(x.labBestMs)} s lab`).join('; ')}`,
    };
  }
  return t;
}

export function summaryText(s: Summary): string {
  const rows = Object.entries(targetStatuses(s)).map(([name, x]) => [name, x.value, x.target, x.status, x.note ?? '']);
  for (const [name, err] of Object.entries(s.errors)) rows.push([name, Number.NaN, '', 'NOT MEASURED', `could not be measured: ${err.split('\n')[0]}`]);
  return ['SUMMARY', formatTable(['target', 'value', 'target', 'status', 'note'], rows)].join('\n');
}

export function summaryJson(s: Summary): string {
  return JSON.stringify({ bench: 'particle-rig', at: new Date().toISOString(), targets: targetStatuses(s), ...s });
}
