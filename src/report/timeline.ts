// One board's run on one clock: the steps of its jobs, the modes and boots
// (USB enumerations) the rig saw, transfers with their progress, resets with
// their reasons, faults, cloud events and trace lines, each dated in wall ms
// (the host's arrival clock every capture shares), with the item each
// symptom expectation matched. The HTML report draws it; timeline.ndjson
// keeps it for tools. Pure: the artifacts come in as text.
import type { BoardReport, ReportStep } from './model.js';

interface At {
  /** Wall ms (Date.now() on the bench computer). */
  t: number;
}

export type TimelineItem = At & (
  /** `id`: the step's number on the board's timeline (jobs in order, a repeat's attempts after it); `index` its place in its job or repeat. */
  | { kind: 'step'; id: number; end: number; job: number; plan: string; index: number; name: string; status: string; diagnosis?: string; depth: number }
  | { kind: 'mode'; mode: string }
  | { kind: 'boot'; number: number; why: string; seenAt: number }
  | { kind: 'transfer'; end: number; via: string; firmware: string; progress: [number, number][]; verdict?: string }
  | { kind: 'reset'; reason: string; from: 'cloud' | 'trace' }
  | { kind: 'fault'; what: string }
  | ({ kind: 'event'; seq: number; name: string; data: string } & InCapture)
  | ({ kind: 'log'; seq: number; boardMs: number | null; text: string } & InCapture)
  | ({ kind: 'match'; stream: 'log' | 'events'; seq: number; step: string; stepId: number } & InCapture)
);

/**
 * Which of the board's captures a line is in, where it has several (a lab
 * run's board with several jobs: one capture a job); `seq` counts within
 * that capture. Absent: the board's only capture.
 */
interface InCapture {
  capture?: number;
}

export type TimelineKind = TimelineItem['kind'];

/** A trace line of trace.log: `ISO-time boardms text`. */
export interface TraceLine {
  seq: number;
  t: number;
  boardMs: number | null;
  text: string;
}

const TRACE_LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\d+) ?(.*)$/;

/** trace.log's lines, seq = line number from 0 (as the capture numbered them). A line without a date takes its predecessor's. */
export function parseTrace(text: string): TraceLine[] {
  const out: TraceLine[] = [];
  let t = 0;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const [seq, raw] of lines.entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const m = TRACE_LINE.exec(line);
    if (m) {
      t = Date.parse(m[1]!);
      out.push({ seq, t, boardMs: Number(m[2]), text: m[3]! });
    } else {
      out.push({ seq, t, boardMs: null, text: line });
    }
  }
  return out;
}

export interface EventLine {
  seq: number;
  t: number;
  name: string;
  data: string;
}

/** events.ndjson's events; a line that is not an event is left out. */
export function parseEvents(text: string): EventLine[] {
  const out: EventLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const e = JSON.parse(line) as { name?: unknown; data?: unknown; at?: unknown; seq?: unknown };
      if (typeof e.name === 'string' && typeof e.at === 'number') {
        out.push({ seq: typeof e.seq === 'number' ? e.seq : out.length, t: e.at, name: e.name, data: typeof e.data === 'string' ? e.data : '' });
      }
    } catch {
      // A line cut short by a crash: the rest still counts.
    }
  }
  return out;
}

/** One capture of a board: its trace lines and its cloud events. */
export interface BoardCapture {
  trace: readonly TraceLine[];
  events: readonly EventLine[];
}

/**
 * The jobs of one board, in run order, and its captures: one for a local
 * run (across its jobs), one a job in a lab run. `captureOfJob[j]`: the
 * capture job j's lines are in (0 when absent).
 */
export interface BoardTimelineInput {
  jobs: readonly BoardReport[];
  captures: readonly BoardCapture[];
  captureOfJob?: readonly number[];
}

const RESET_IN_TRACE = /reset reason:\s*([\w-]+)/i;

function ms(iso: string | undefined): number | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
}

// A repeat's children are its attempts: "repeat 3 times / 2. flash ...".
function walkSteps(steps: readonly ReportStep[], visit: (s: ReportStep, index: number, depth: number, title: string) => void, depth = 0, prefix = ''): void {
  steps.forEach((s, i) => {
    const title = prefix ? `${prefix} / ${i + 1}. ${s.name}` : s.name;
    visit(s, i, depth, title);
    if (s.children) walkSteps(s.children, visit, depth + 1, title);
  });
}

/** The merged timeline of one board, ordered by time (steps before what happened in them at the same ms). */
export function boardTimeline(input: BoardTimelineInput): TimelineItem[] {
  const items: TimelineItem[] = [];
  const bootsSeen = new Set<number>();
  // Only a board with several captures says which one a line is in: one capture's timeline stays as it was.
  const inCapture = (capture: number): InCapture => (input.captures.length > 1 ? { capture } : {});
  let stepId = 0;
  input.jobs.forEach((job, jobIndex) => {
    const jobStart = ms(job.startedAt) ?? 0;
    // A step that never ran (skipped after a failure) has no start: it sits at the end of the job, with no length.
    let cursor = jobStart;
    walkSteps(job.steps, (s, index, depth, title) => {
      const t = ms(s.startedAt) ?? cursor;
      const end = t + (s.startedAt ? s.durationMs : 0);
      if (depth === 0) cursor = Math.max(cursor, end);
      const id = stepId++;
      items.push({
        kind: 'step', id, t, end, job: jobIndex, plan: job.plan, index, name: title, status: s.status, depth,
        ...(s.diagnosis ? { diagnosis: s.diagnosis } : s.skipReason ? { diagnosis: s.skipReason } : {}),
      });
      const details = s.details ?? {};
      // A flash step (whatever its title) leaves what it sent in its details.
      if (typeof details.via === 'string' && typeof details.firmware === 'string' && typeof details.bytes === 'number' && s.startedAt) {
        const progress = Array.isArray(details.progress) ? (details.progress as [number, number][]).map(([dt, p]): [number, number] => [t + dt, p]) : [];
        const update = details.update as { verdict?: string } | undefined;
        items.push({
          kind: 'transfer', t, end, via: details.via, firmware: details.firmware, progress,
          ...(update?.verdict ? { verdict: update.verdict } : {}),
        });
      }
      const fault = details.fault as { fault?: { kind?: string }; fired?: { atMs?: number; percent?: number } } | undefined;
      if (fault?.fired?.atMs !== undefined) {
        items.push({ kind: 'fault', t: fault.fired.atMs, what: `${fault.fault?.kind ?? 'fault'} fired at ${fault.fired.percent ?? '?'}%` });
      }
      if ((s.name.startsWith('fault ') && !s.name.includes(' at ')) || s.name.startsWith('power ')) {
        if (s.startedAt) items.push({ kind: 'fault', t, what: s.name });
      }
      if (s.matched) items.push({ kind: 'match', t: s.matched.at, stream: s.matched.stream, seq: s.matched.seq, step: title, stepId: id, ...inCapture(input.captureOfJob?.[jobIndex] ?? 0) });
    });
    for (const b of job.boots ?? []) {
      if (bootsSeen.has(b.number)) continue;
      bootsSeen.add(b.number);
      items.push({ kind: 'boot', t: ms(b.startedAt) ?? jobStart, number: b.number, why: b.why, seenAt: ms(b.seenAt) ?? jobStart });
    }
    for (const m of job.modes ?? []) items.push({ kind: 'mode', t: ms(m.at) ?? jobStart, mode: m.mode });
  });
  input.captures.forEach((c, capture) => {
    for (const e of c.events) {
      items.push({ kind: 'event', t: e.t, seq: e.seq, name: e.name, data: e.data, ...inCapture(capture) });
      if (e.name === 'spark/device/last_reset') items.push({ kind: 'reset', t: e.t, reason: e.data, from: 'cloud' });
    }
    for (const l of c.trace) {
      items.push({ kind: 'log', t: l.t, seq: l.seq, boardMs: l.boardMs, text: l.text, ...inCapture(capture) });
      const reset = RESET_IN_TRACE.exec(l.text);
      if (reset) items.push({ kind: 'reset', t: l.t, reason: reset[1]!, from: 'trace' });
    }
  });
  otaTransfersUntilSettled(items, input.captures.flatMap((c) => c.events).sort((a, b) => a.t - b.t));
  // Modes repeat across jobs (each job lists the one it began in): keep changes only.
  const ordered = items.sort((a, b) => a.t - b.t || KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
  let lastMode: string | undefined;
  return ordered.filter((i) => {
    if (i.kind !== 'mode') return true;
    const keep = i.mode !== lastMode;
    lastMode = i.mode;
    return keep;
  });
}

/**
 * An OTA flash step ends when the cloud took the update; the transfer goes on
 * until the board says how it ended (`spark/flash/status` success or failed,
 * before the next transfer). Its span is stretched to that event; its
 * progress is what the events say (begun; complete on success).
 */
function otaTransfersUntilSettled(items: TimelineItem[], events: readonly EventLine[]): void {
  const transfers = items.filter((i): i is Extract<TimelineItem, { kind: 'transfer' }> => i.kind === 'transfer').sort((a, b) => a.t - b.t);
  transfers.forEach((x, n) => {
    if (x.via !== 'ota' || x.progress.length > 0) return;
    const before = transfers[n + 1]?.t ?? Infinity;
    const status = events.filter((e) => e.name === 'spark/flash/status' && e.t >= x.t && e.t < before);
    const settled = status.find((e) => /^(success|failed)/.test(e.data));
    if (!settled) return;
    const started = status.find((e) => e.data.startsWith('started'));
    x.end = Math.max(x.end, settled.t);
    // Only what the board said: begun, and all of it when it succeeded (a failed one got nobody knows how far).
    x.progress = settled.data.startsWith('success') ? [[started?.t ?? x.t, 0], [settled.t, 100]] : [[started?.t ?? x.t, 0]];
  });
}

const KIND_ORDER: Record<TimelineKind, number> = { step: 0, transfer: 1, fault: 2, boot: 3, mode: 4, reset: 5, event: 6, log: 7, match: 8 };

/** timeline.ndjson: one item a line, with its time also in ISO 8601 for readers. */
export function formatTimelineNdjson(items: readonly TimelineItem[]): string {
  let out = '';
  for (const i of items) out += JSON.stringify({ at: new Date(i.t).toISOString(), ...i }) + '\n';
  return out;
}
