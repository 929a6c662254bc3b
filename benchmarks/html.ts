// The HTML report's time to interactive, measured in the browser: a real
// run of a failing field plan (test/fixtures/html/, plan 002 expecting the
// OTA to apply) on the simulated bench, its page opened in headless
// Chromium; then the same run multiplied to 16 boards and 100,000 trace
// lines (benchmarks/lib/html-page.ts: each board a copy of the real one,
// its captures repeated), the page written by `rig report` and opened
// `opens` times. Interactive = the page's ready mark (summary, failures and
// the timelines in view drawn, every control wired), as performance.now()
// from navigation start.
import { join } from 'node:path';
import { statSync } from 'node:fs';
import { execa } from 'execa';
import { multiplyRun, openReport } from './lib/html-page.js';
import { RIG_BIN, ROOT, SIM_BENCH, type WorkDir } from './lib/paths.js';
import { runRig } from './lib/rig-run.js';
import { median } from './lib/stats.js';

export const HTML_TARGET_MS = 2000;
export const HTML_PLAN = join(ROOT, 'test', 'fixtures', 'html', 'field-002-expects-ota-applied.yaml');

export interface HtmlPageRow {
  page: string;
  boards: number;
  traceLines: number;
  bytes: number;
  /** Time to interactive of each opening, ms. */
  readyMs: number[];
  medianMs: number;
  /** Console errors of the openings; a page with any is not measured. */
  errors: string[];
}

export interface HtmlResult {
  rows: HtmlPageRow[];
  /** `rig report` on the big run, wall ms (spawn to exit). */
  rebuildMs: number;
  /** Why the target could not be judged, if so. */
  notMeasured?: string;
}

async function measure(file: string, page: string, opens: number): Promise<HtmlPageRow> {
  const readyMs: number[] = [];
  const errors: string[] = [];
  let boards = 0;
  let traceLines = 0;
  for (let i = 0; i < opens; i++) {
    const r = await openReport(file);
    try {
      readyMs.push(Math.round(r.readyMs));
      errors.push(...r.errors);
      const counts = await r.page.$$eval('section.board', (els) => els.map((e) => Number(e.getAttribute('data-trace'))));
      boards = counts.length;
      traceLines = counts.reduce((a, b) => a + b, 0);
    } finally {
      await r.browser.close();
    }
  }
  return { page, boards, traceLines, bytes: statSync(file).size, readyMs, medianMs: median(readyMs), errors };
}

export async function benchHtml(work: WorkDir, o: { opens: number; boards: number; traceLines: number; log: (line: string) => void }): Promise<HtmlResult> {
  const runDir = work.path('html-run');
  o.log(`rig run ${HTML_PLAN} (a failing field plan)`);
  const run = await runRig({ plan: HTML_PLAN, bench: SIM_BENCH, reportDir: runDir, limitMs: 180_000 });
  if (run.exitCode !== 1) return { rows: [], rebuildMs: Number.NaN, notMeasured: `the field run ended with exit ${run.exitCode}, not 1 (its OTA step failing)` };
  const rows = [await measure(join(runDir, 'index.html'), 'the real run', o.opens)];
  const big = multiplyRun(runDir, work.path('html-big'), { boards: o.boards, traceLines: o.traceLines });
  o.log(`rig report on ${o.boards} boards, ${o.traceLines} trace lines`);
  const started = performance.now();
  await execa(process.execPath, [RIG_BIN, 'report', big], { cwd: ROOT });
  const rebuildMs = Math.round(performance.now() - started);
  rows.push(await measure(join(big, 'index.html'), `${o.boards} boards (synthetic)`, o.opens));
  const broken = rows.find((r) => r.errors.length > 0);
  return { rows, rebuildMs, ...(broken ? { notMeasured: `console errors on ${broken.page}: ${broken.errors[0]}` } : {}) };
}
