// JUnit XML (the Ant/Jenkins dialect CI systems read): a <testsuite> per
// board, a <testcase> per step. Firmware failures are <failure>, the rig's
// own failures are <error>, so a CI page never shows one as the other.
import type { BoardReport, ReportStep, RunReport } from './model.js';
import { boardVerdict, countRun, reportedSteps } from './verdict.js';
import { logText, stepDiagnostics, toYaml } from './diagnostics.js';
import type { Plain } from './plain.js';

/** Seconds with millisecond precision, as JUnit readers expect. */
function seconds(ms: number): string {
  return (Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0).toFixed(3);
}

/** Ant's schema takes no zone designator: the time is written in UTC. */
function timestamp(iso: string | undefined, fallback: string): string {
  const d = new Date(iso ?? fallback);
  const t = Number.isNaN(d.getTime()) ? new Date(fallback) : d;
  return Number.isNaN(t.getTime()) ? '1970-01-01T00:00:00' : t.toISOString().slice(0, 19);
}

/** The failure/error body: what was expected and seen, and failing children. */
function problemBody(step: ReportStep, board: BoardReport): string {
  const diag: Record<string, Plain> = { ...stepDiagnostics(step, board) };
  delete diag.log; // the log excerpt goes to <system-out>
  delete diag.severity; // said by the element: <failure> or <error>
  const failing = (step.children ?? []).filter((c) => c.status === 'fail' || c.status === 'infra');
  if (failing.length > 0) {
    diag.failing_children = failing.map((c) => ({ name: c.name, status: c.status, ...(c.diagnosis ? { diagnosis: c.diagnosis } : {}) }));
  }
  return Object.keys(diag).length > 0 ? toYaml(diag) : '';
}

function testcase(step: ReportStep, board: BoardReport, indent: string): string {
  const head = openTag('testcase', { classname: `${board.plan}.${board.name}`, name: step.name, time: seconds(step.durationMs) });
  const inner: string[] = [];
  if (step.status === 'skip') {
    inner.push(`${openTag('skipped', { message: step.skipReason ?? 'skipped' })}/>`);
  } else if (step.status === 'fail' || step.status === 'infra') {
    const tag = step.status === 'fail' ? 'failure' : 'error';
    const type = step.status === 'fail' ? 'failure' : 'infrastructure';
    const message = step.diagnosis ?? `${step.name} ${step.status === 'fail' ? 'failed' : 'could not be run'}`;
    inner.push(`${openTag(tag, { message, type })}>${xmlText(problemBody(step, board))}</${tag}>`);
  }
  const log = logText(step);
  if (log) inner.push(`<system-out>${xmlText(log)}</system-out>`);
  if (inner.length === 0) return `${indent}${head}/>\n`;
  return `${indent}${head}>\n${inner.map((l) => `${indent}  ${l}\n`).join('')}${indent}</testcase>\n`;
}

function properties(report: RunReport, board: BoardReport): string {
  const props: [string, string | undefined][] = [
    ['run_id', report.runId],
    ['bench', report.bench],
    ['rig_version', report.rigVersion],
    ['plan', board.plan],
    ['platform', board.platform],
    ['device_id', board.id],
    ['status', boardVerdict(board)],
    ['started_at', board.startedAt ?? report.startedAt],
    ['diagnosis', board.diagnosis],
    ['trace', board.artifacts.trace],
    ['events', board.artifacts.events],
  ];
  const lines = props.filter((p): p is [string, string] => p[1] !== undefined).map(([name, value]) => `      ${openTag('property', { name, value })}/>\n`);
  return `    <properties>\n${lines.join('')}    </properties>\n`;
}

function testsuite(report: RunReport, board: BoardReport, index: number): string {
  const steps = reportedSteps(board);
  const count = (s: ReportStep['status']) => steps.filter((x) => x.status === s).length;
  const head = openTag('testsuite', {
    name: `${board.name} (${board.platform} ${board.id})`,
    tests: steps.length, failures: count('fail'), errors: count('infra'), skipped: count('skip'),
    time: seconds(board.durationMs), timestamp: timestamp(board.startedAt, report.startedAt),
    hostname: board.host ?? report.host, id: index, package: board.plan,
  });
  return `  ${head}>\n${properties(report, board)}${steps.map((s) => testcase(s, board, '    ')).join('')}  </testsuite>\n`;
}

/** A run cut short is one <error>: nothing after the cut was tested. */
function bailOutSuite(report: RunReport, index: number, reason: string): string {
  const head = openTag('testsuite', {
    name: 'run', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000',
    timestamp: timestamp(report.endedAt, report.startedAt), hostname: report.host, id: index, package: 'particle-rig',
  });
  const error = `${openTag('error', { message: `run cut short: ${reason}`, type: 'bail-out' })}>${xmlText(reason)}</error>`;
  return `  ${head}>\n    <properties/>\n    ${openTag('testcase', { classname: 'particle-rig.run', name: 'run to completion', time: '0.000' })}>\n      ${error}\n    </testcase>\n  </testsuite>\n`;
}

export function formatJunit(report: RunReport): string {
  const { steps } = countRun(report);
  const bail = report.bailOut ? 1 : 0;
  const runMs = new Date(report.endedAt).getTime() - new Date(report.startedAt).getTime();
  const head = openTag('testsuites', {
    name: `particle-rig ${report.runId} on ${report.bench}`,
    tests: steps.total + bail, failures: steps.fail, errors: steps.infra + bail, skipped: steps.skip,
    time: seconds(runMs), timestamp: timestamp(report.startedAt, report.startedAt),
  });
  const suites = report.boards.map((b, i) => testsuite(report, b, i));
  if (report.bailOut) suites.push(bailOutSuite(report, report.boards.length, report.bailOut.reason));
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}>\n${suites.join('')}</testsuites>\n`;
}

// XML 1.0 escaping for text and attribute values. Board logs carry bytes
// XML 1.0 cannot hold at all, not even as character references (ESC, NUL,
// BEL...): those are written as visible `\xNN` text so a reader still sees
// them, and lone surrogates become U+FFFD.
// Characters outside XML 1.0's Char production, except lone surrogates.
const ILLEGAL = /[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0').toUpperCase()}` : `\\u${code.toString(16).toUpperCase()}`;
}

/** Escapes character data. `>` is always escaped, so `]]>` cannot occur. */
export function xmlText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(ILLEGAL, visible)
    .replace(LONE_SURROGATE, '\ufffd')
    // A parser turns CR LF into LF; a reference keeps the byte the board sent.
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value (double-quoted); whitespace kept as references
 * because attribute normalisation would turn it into spaces. */
export function xmlAttr(text: string): string {
  return xmlText(text).replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

/** `<name a="v"...` with escaped values; undefined attributes are left out. */
export function openTag(name: string, attrs: Record<string, string | number | undefined>): string {
  const parts = Object.entries(attrs)
    .filter((e): e is [string, string | number] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`);
  return `<${name}${parts.join('')}`;
}
