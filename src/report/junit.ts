// JUnit XML (the Ant/Jenkins dialect CI systems read, with properties on a
// testcase): a <testsuite> per board, a <testcase> per step. Firmware
// failures are <failure>, the rig's own failures are <error>, so a CI page
// never shows one as the other. Each testcase carries <properties> (the
// board, its Device OS, the firmware SHA-256s, the step's verdict and what
// changed since the previous run), so one test read alone says where it ran
// and with what. A testcase's classname and name hold nothing that differs
// between runs of the same plan on the same board (no time, run ID, attempt
// or path): CI tools key a test's history on them.
import type { BoardChanges, BoardReport, ReportStep, RunReport } from './model.js';
import { boardVerdict, countRun, reportedSteps } from './verdict.js';
import { boardChangesLine, changesSummary } from './changes.js';
import { stepKeys, updateVerdictOf } from './step-keys.js';
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

type Property = [string, string | number | undefined];

function propertiesElement(props: Property[], indent: string): string {
  const lines = props
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([name, value]) => `${indent}  ${openTag('property', { name, value })}/>\n`);
  return lines.length > 0 ? `${indent}<properties>\n${lines.join('')}${indent}</properties>\n` : `${indent}<properties/>\n`;
}

/** The board facts every testcase and the testsuite repeat, so one testcase read alone says where it ran and with what. */
function boardProperties(board: BoardReport): Property[] {
  return [
    ['board', board.name],
    ['device_id', board.id],
    ['platform', board.platform],
    ['device_os', board.deviceOs],
    // By name, as report.json lists them.
    ...Object.entries(board.firmware ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, sha]): Property => [`firmware.${name}.sha256`, sha]),
  ];
}

/**
 * What changed for this step since the previous run, as the history found
 * it: new-failure, fixed, still-failing, flaky (a step can be still failing
 * and flaky; a repeat is flaky when one of its steps is).
 */
function stepChange(step: ReportStep, key: string, changes: BoardChanges): Property[] {
  const labels: string[] = [];
  if (changes.newFailures.includes(key)) labels.push('new-failure');
  if (changes.fixed.includes(key)) labels.push('fixed');
  if (changes.stillFailing.includes(key)) labels.push('still-failing');
  // The history names a flaky step by its key, one inside a repeat by the repeat's title and its own.
  const flaky = changes.flaky.filter((f) => (f.seen === 'history' ? f.step === key : f.step.startsWith(`${step.name} / `)));
  if (flaky.length > 0) labels.push('flaky');
  const words = flaky.map((f) => `${f.seen === 'repeat' ? `${f.step.slice(step.name.length + 3)}: ` : ''}passed ${f.passed}, failed ${f.failed} ${f.seen === 'repeat' ? 'in this repeat' : 'in the history'}`);
  return [['change', labels.length > 0 ? labels.join(',') : undefined], ['flaky', words.length > 0 ? words.join('; ') : undefined]];
}

/** A repeat's update verdicts over its attempts: "timed-out: 2, applied: 1". */
function verdictCounts(step: ReportStep): string | undefined {
  const counts = step.details?.updateVerdicts;
  if (typeof counts !== 'object' || counts === null) return undefined;
  const parts = Object.entries(counts as Record<string, unknown>).filter(([, n]) => typeof n === 'number').map(([v, n]) => `${v}: ${String(n)}`);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function testcaseProperties(step: ReportStep, key: string, board: BoardReport): Property[] {
  return [
    ...boardProperties(board),
    ['status', step.status],
    ['verdict', updateVerdictOf(step) ?? undefined],
    ['verdicts', verdictCounts(step)],
    ...(board.changes ? stepChange(step, key, board.changes) : []),
  ];
}

/** `name` is the step's key: its title, numbered when the plan repeats a title, as the history keys it. */
function testcase(step: ReportStep, key: string, board: BoardReport, indent: string): string {
  const head = openTag('testcase', { classname: `${board.plan}.${board.name}`, name: key, time: seconds(step.durationMs) });
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
  const props = propertiesElement(testcaseProperties(step, key, board), `${indent}  `);
  return `${indent}${head}>\n${props}${inner.map((l) => `${indent}  ${l}\n`).join('')}${indent}</testcase>\n`;
}

function boardChanges(report: RunReport, board: BoardReport): Property[] {
  const c = board.changes;
  if (!c) return [];
  return [
    ['changes', boardChangesLine(c) ?? 'nothing to compare with: first recorded run'],
    ['changes.previous_run', c.previousRun],
    ['changes.new_failures', c.newFailures.length],
    ['changes.fixed', c.fixed.length],
    ['changes.still_failing', c.stillFailing.length],
    ['changes.flaky', c.flaky.length],
    ['run_changes', report.changes ? changesSummary(report.changes) : undefined],
  ];
}

function suiteProperties(report: RunReport, board: BoardReport): string {
  return propertiesElement([
    ['run_id', report.runId],
    ['bench', report.bench],
    ['rig_version', report.rigVersion],
    ['plan', board.plan],
    ...boardProperties(board),
    ['status', boardVerdict(board)],
    ['started_at', board.startedAt ?? report.startedAt],
    ['diagnosis', board.diagnosis],
    ['trace', board.artifacts.trace],
    ['events', board.artifacts.events],
    ...boardChanges(report, board),
  ], '    ');
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
  const keys = stepKeys(steps);
  return `  ${head}>\n${suiteProperties(report, board)}${steps.map((s, i) => testcase(s, keys[i]!, board, '    ')).join('')}  </testsuite>\n`;
}

/** A run cut short is one <error>: nothing after the cut was tested. */
function bailOutSuite(report: RunReport, index: number, reason: string): string {
  const head = openTag('testsuite', {
    name: 'run', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000',
    timestamp: timestamp(report.endedAt, report.startedAt), hostname: report.host, id: index, package: 'particle-rig',
  });
  const error = `${openTag('error', { message: `run cut short: ${reason}`, type: 'bail-out' })}>${xmlText(reason)}</error>`;
  const suiteProps = propertiesElement([['run_id', report.runId], ['bench', report.bench], ['rig_version', report.rigVersion]], '    ');
  const caseProps = propertiesElement([['status', 'infra']], '      ');
  return `  ${head}>\n${suiteProps}    ${openTag('testcase', { classname: 'particle-rig.run', name: 'run to completion', time: '0.000' })}>\n${caseProps}      ${error}\n    </testcase>\n  </testsuite>\n`;
}

export function formatJunit(report: RunReport): string {
  const { steps } = countRun(report);
  const bail = report.bailOut ? 1 : 0;
  const runMs = new Date(report.endedAt).getTime() - new Date(report.startedAt).getTime();
  const head = openTag('testsuites', {
    // No run ID: a reader that keys on the suite name would see every night as a new one (run_id is a property).
    name: `particle-rig on ${report.bench}`,
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
