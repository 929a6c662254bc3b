// index.html: the run as a person reads it. Failures first (the summary,
// then each failed job with its diagnosis, evidence and updates), then one
// timeline per board on one clock (boardTimeline in timeline.ts). One
// self-contained file: the data is a JSON block, the style and script are
// inlined (html-page.ts), nothing is fetched, so it opens from disk or as a
// CI artifact.
import type { BoardReport, ReportStep, RunReport } from './model.js';
import { boardVerdict, countRun } from './verdict.js';
import { updateRows, type UpdateRow } from './updates.js';
import { boardChangesLine, changesSummary } from './changes.js';
import { boardTimeline, type TimelineItem } from './timeline.js';
import { PAGE_SCRIPT, PAGE_STYLE } from './html-page.js';

/** The report's jobs grouped by board, in the order the boards first appear. */
export function jobsByBoard(report: RunReport): Map<string, BoardReport[]> {
  const out = new Map<string, BoardReport[]>();
  for (const b of report.boards) {
    const jobs = out.get(b.name) ?? [];
    jobs.push(b);
    out.set(b.name, jobs);
  }
  return out;
}

interface FailedStep {
  name: string;
  status: string;
  diagnosis?: string;
  expected?: unknown;
  actual?: unknown;
  logExcerpt?: readonly string[];
  /** The step's id on its board's timeline. */
  stepId: number;
}

/** What the page shows first: every job that did not pass (skips that say nothing left out). */
function failures(report: RunReport, stepIds: Map<ReportStep, number>): unknown[] {
  const out: unknown[] = [];
  for (const b of report.boards) {
    const status = boardVerdict(b);
    if (status !== 'fail' && status !== 'infra') continue;
    const steps: FailedStep[] = [];
    const visit = (list: readonly ReportStep[], prefix: string): void => {
      list.forEach((s, i) => {
        const name = prefix ? `${prefix} / ${i + 1}. ${s.name}` : s.name;
        // A repeat that failed is told by its failed attempts.
        if (s.children?.some((c) => c.status === 'fail' || c.status === 'infra')) return visit(s.children, name);
        if (s.status !== 'fail' && s.status !== 'infra') return;
        steps.push({
          name, status: s.status, stepId: stepIds.get(s) ?? -1,
          ...(s.diagnosis ? { diagnosis: s.diagnosis } : {}), ...(s.expected !== undefined ? { expected: s.expected } : {}),
          ...(s.actual !== undefined ? { actual: s.actual } : {}), ...(s.logExcerpt ? { logExcerpt: s.logExcerpt } : {}),
        });
      });
    };
    visit(b.steps, '');
    const changes = b.changes ? boardChangesLine(b.changes) : undefined;
    const updates: UpdateRow[] = updateRows(b);
    out.push({ board: b.name, plan: b.plan, status, ...(b.diagnosis ? { diagnosis: b.diagnosis } : {}), ...(changes ? { changes } : {}), steps, updates });
  }
  // Failures of the firmware before the rig's own.
  return out.sort((a, b) => Number((a as { status: string }).status === 'infra') - Number((b as { status: string }).status === 'infra'));
}

/** The steps of a board's jobs in timeline order (as boardTimeline numbers them). */
function stepsInOrder(jobs: readonly BoardReport[]): ReportStep[] {
  const out: ReportStep[] = [];
  const walk = (list: readonly ReportStep[]): void => list.forEach((s) => { out.push(s); if (s.children) walk(s.children); });
  for (const j of jobs) walk(j.steps);
  return out;
}

/** The page's data for one board: times relative to the run's start (ms), trace and events as columns (fast to parse, small). */
function boardData(name: string, jobs: readonly BoardReport[], items: readonly TimelineItem[], t0: number, steps: readonly ReportStep[]): { meta: unknown; data: unknown } {
  const rel = (t: number): number => Math.round(t - t0);
  const log = { t: [] as number[], x: [] as string[], ms: [] as (number | null)[] };
  const events = { t: [] as number[], name: [] as string[], data: [] as string[] };
  // Keyed by capture and seq: a board with several captures numbers each from 0.
  const eventIndex = new Map<string, number>();
  const logIndex = new Map<string, number>();
  const key = (i: { capture?: number; seq?: number }): string => `${i.capture ?? 0}/${i.seq}`;
  const stepItems: unknown[] = [];
  const marks: unknown[] = [];
  let end = 0;
  for (const i of items) {
    end = Math.max(end, i.t, 'end' in i ? i.end : 0);
    switch (i.kind) {
      case 'log':
        logIndex.set(key(i), log.t.length);
        log.t.push(rel(i.t)); log.x.push(i.text); log.ms.push(i.boardMs);
        break;
      case 'event':
        eventIndex.set(key(i), events.t.length);
        events.t.push(rel(i.t)); events.name.push(i.name); events.data.push(i.data);
        break;
      case 'step': {
        const s = steps[i.id];
        stepItems.push({
          id: i.id, t: rel(i.t), end: rel(i.end), status: i.status, name: i.name, depth: i.depth, plan: i.plan,
          startedAt: s?.startedAt ?? null, ...(i.diagnosis ? { diagnosis: i.diagnosis } : {}),
          ...(s?.expected !== undefined ? { expected: s.expected } : {}), ...(s?.actual !== undefined ? { actual: s.actual } : {}),
          ...(s?.details ? { details: s.details } : {}),
        });
        break;
      }
      case 'transfer':
        marks.push({ ...i, t: rel(i.t), end: rel(i.end), progress: i.progress.map(([t, p]) => [rel(t), p]) });
        break;
      case 'boot':
        marks.push({ ...i, t: rel(i.t), seenAt: rel(i.seenAt) });
        break;
      default:
        marks.push({ ...i, t: rel(i.t) });
    }
  }
  // A match points at a row of the trace or events list.
  for (const m of marks as { kind: string; stream?: string; capture?: number; seq?: number; index?: number }[]) {
    if (m.kind === 'match') m.index = (m.stream === 'log' ? logIndex : eventIndex).get(key(m)) ?? -1;
  }
  stepItems.sort((a, b) => (a as { id: number }).id - (b as { id: number }).id);
  const first = jobs[0]!;
  const count = (kind: string): number => (marks as { kind: string }[]).filter((m) => m.kind === kind).length;
  return {
    meta: {
      name, platform: first.platform, id: first.id, status: worst(jobs.map(boardVerdict)), jobs: jobs.map((j) => `${j.plan}: ${boardVerdict(j)}`),
      span: Math.max(1, rel(end)),
      counts: { steps: stepItems.length, modes: count('mode'), boots: count('boot'), events: events.t.length, trace: log.t.length, matches: count('match') },
    },
    data: { span: Math.max(1, rel(end)), steps: stepItems, marks, log, events },
  };
}

const SEVERITY = ['pass', 'skip', 'infra', 'fail'] as const;
function worst(list: readonly string[]): string {
  return list.reduce((w, s) => (SEVERITY.indexOf(s as (typeof SEVERITY)[number]) > SEVERITY.indexOf(w as (typeof SEVERITY)[number]) ? s : w), 'pass');
}

/**
 * Everything the page shows, as plain data: `index` (the run, its failures,
 * each board's name, verdict and counts) and each board's timeline, which
 * the page parses only when it shows the board. `timelines`: each board's
 * merged timeline (boardTimeline).
 */
export function htmlPageData(report: RunReport, timelines: ReadonlyMap<string, readonly TimelineItem[]>): { index: unknown; boards: unknown[] } {
  const t0 = Date.parse(report.startedAt) || 0;
  const byBoard = jobsByBoard(report);
  const stepIds = new Map<ReportStep, number>();
  const boards: { meta: unknown; data: unknown }[] = [];
  for (const [name, jobs] of byBoard) {
    const steps = stepsInOrder(jobs);
    steps.forEach((s, i) => stepIds.set(s, i));
    boards.push(boardData(name, jobs, timelines.get(name) ?? boardTimeline({ jobs, captures: [] }), t0, steps));
  }
  const counts = countRun(report);
  const index = {
    run: {
      runId: report.runId, startedAt: report.startedAt, durationMs: Math.max(0, Date.parse(report.endedAt) - t0) || 0,
      bench: report.bench, host: report.host, plans: report.plans.map((p) => p.name), boards: counts.boards, steps: counts.steps,
      ...(report.bailOut ? { bailOut: report.bailOut.reason } : {}),
      ...(report.changes ? { changes: changesSummary(report.changes) } : {}),
      unhealthy: (report.health ?? []).filter((h) => !h.healthy).map((h) => ({ name: h.name, reason: h.reason ?? 'unhealthy' })),
    },
    failures: failures(report, stepIds),
    boards: boards.map((b) => b.meta),
  };
  return { index, boards: boards.map((b) => b.data) };
}

// `<` escaped so no text in the data (a trace line saying </script>) can end its block.
function jsonBlock(id: string, value: unknown): string {
  const json = JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return `<script type="application/json" id="${id}">${json}</script>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The page. `timelines` as for htmlPageData. */
export function formatHtml(report: RunReport, timelines: ReadonlyMap<string, readonly TimelineItem[]>): string {
  const { index, boards } = htmlPageData(report, timelines);
  const counts = countRun(report).boards;
  const title = `rig ${report.runId}: ${counts.fail} failed, ${counts.infra} infra, ${counts.pass} passed`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<div id="rig"><noscript>This report draws its timelines with JavaScript; report.json and report.tap beside it hold the same run.</noscript></div>
${jsonBlock('rig-data', index)}
${boards.map((b, i) => jsonBlock(`rig-board-${i}`, b)).join('\n')}
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
