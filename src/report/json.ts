// report.json: the RunReport with summary counts, keys in a fixed order so
// two identical runs write identical files (diffable across nights).
import type { BoardReport, ReportStep, RunReport } from './model.js';
import { boardVerdict, countRun, exitStatus } from './verdict.js';
import { toPlain, type Plain } from './plain.js';
import { updateRows } from './updates.js';
import { changesSummary } from './changes.js';
import type { BoardChanges, BoardHealth, RunChanges } from './model.js';

export const REPORT_FORMAT = 'particle-rig.report/1';

type Fields = [string, Plain | undefined][];

function ordered(fields: Fields): { [key: string]: Plain } {
  const out: { [key: string]: Plain } = {};
  for (const [k, v] of fields) if (v !== undefined) out[k] = v;
  return out;
}

function stepJson(s: ReportStep): Plain {
  return ordered([
    ['status', s.status],
    ['name', s.name],
    ['startedAt', s.startedAt],
    ['durationMs', s.durationMs],
    ['expected', toPlain(s.expected)],
    ['actual', toPlain(s.actual)],
    ['diagnosis', s.diagnosis],
    ['skipReason', s.skipReason],
    ['logExcerpt', s.logExcerpt ? [...s.logExcerpt] : undefined],
    ['artifacts', s.artifacts ? [...s.artifacts] : undefined],
    ['matched', s.matched ? ordered([['stream', s.matched.stream], ['seq', s.matched.seq], ['at', s.matched.at]]) : undefined],
    ['details', toPlain(s.details)],
    ['children', s.children ? s.children.map(stepJson) : undefined],
  ]);
}

function boardJson(b: BoardReport): Plain {
  return ordered([
    ['name', b.name],
    ['platform', b.platform],
    ['id', b.id],
    ['plan', b.plan],
    ['deviceOs', b.deviceOs],
    ['firmware', toPlain(b.firmware)],
    // The verdict, never better than the steps show (see verdict.ts).
    ['status', boardVerdict(b)],
    ['diagnosis', b.diagnosis],
    ['startedAt', b.startedAt],
    ['durationMs', b.durationMs],
    ['host', b.host],
    ['artifacts', ordered([['trace', b.artifacts.trace], ['events', b.artifacts.events], ['cut', b.artifacts.cut]])],
    ['steps', b.steps.map(stepJson)],
    ['boots', b.boots?.map((x) => ordered([
      ['number', x.number], ['why', x.why], ['startedAt', x.startedAt], ['seenAt', x.seenAt], ['logSeq', x.logSeq], ['eventSeq', x.eventSeq],
    ]))],
    ['modes', b.modes?.map((m) => ordered([['at', m.at], ['mode', m.mode]]))],
    ['updates', updatesJson(b)],
    ['restored', b.restored ? ordered([['done', [...b.restored.done]], ['problem', b.restored.problem]]) : undefined],
    ['changes', b.changes ? boardChangesJson(b.changes) : undefined],
  ]);
}

function boardChangesJson(c: BoardChanges): Plain {
  return ordered([
    ['previousRun', c.previousRun], ['newFailures', [...c.newFailures]], ['fixed', [...c.fixed]], ['stillFailing', [...c.stillFailing]],
    ['flaky', c.flaky.map((f) => ordered([['step', f.step], ['passed', f.passed], ['failed', f.failed], ['seen', f.seen]]))],
  ]);
}

function runChangesJson(c: RunChanges): Plain {
  return ordered([
    ['summary', changesSummary(c)], ['history', c.history], ['compared', c.compared],
    ['newFailures', c.newFailures], ['fixed', c.fixed], ['stillFailing', c.stillFailing], ['flaky', c.flaky],
  ]);
}

/** The board's updates side by side (absent when it had none). */
function updatesJson(b: BoardReport): Plain | undefined {
  const rows = updateRows(b);
  if (rows.length === 0) return undefined;
  return rows.map((r) => ordered([
    ['step', r.step], ['firmware', r.firmware], ['via', r.via], ['verdict', r.verdict], ['claims', [...r.claims]],
    ['running', r.running], ['from', r.from], ['mode', r.mode], ['transferMs', r.transferMs],
  ]));
}

function healthJson(h: BoardHealth): Plain {
  return ordered([
    ['name', h.name], ['platform', h.platform], ['id', h.id], ['healthy', h.healthy], ['reason', h.reason],
    ['checks', h.checks.map((c) => ordered([['name', c.name], ['ok', c.ok], ['detail', c.detail]]))],
    ['plan', h.plan ? ordered([['name', h.plan.name], ['status', h.plan.status], ['steps', h.plan.steps.map(stepJson)]]) : undefined],
    ['durationMs', h.durationMs],
  ]);
}

/** The report as plain data, ready for JSON.stringify. */
export function reportJson(report: RunReport): Plain {
  const counts = countRun(report);
  return ordered([
    ['format', REPORT_FORMAT],
    ['runId', report.runId],
    ['startedAt', report.startedAt],
    ['endedAt', report.endedAt],
    ['rigVersion', report.rigVersion],
    ['bench', report.bench],
    ['host', report.host],
    ['plans', report.plans.map((p) => ordered([['name', p.name], ['file', p.file]]))],
    ['bailOut', report.bailOut ? ordered([['reason', report.bailOut.reason]]) : undefined],
    ['summary', ordered([['exitCode', exitStatus(report)], ['boards', { ...counts.boards }], ['steps', { ...counts.steps }]])],
    ['changes', report.changes ? runChangesJson(report.changes) : undefined],
    ['health', report.health?.map(healthJson)],
    ['boards', report.boards.map(boardJson)],
  ]);
}

export function formatJson(report: RunReport): string {
  return JSON.stringify(reportJson(report), null, 2) + '\n';
}
