// Writes a run's reports into its run folder (report.tap, report.xml,
// report.json, index.html, and per board timeline.ndjson beside its trace)
// and copies wherever --tap/--junit/--json/--html asked.
import { join, resolve, basename, dirname } from 'node:path';
import type { RunReport } from './model.js';
import { formatTap } from './tap.js';
import { formatJunit } from './junit.js';
import { formatJson } from './json.js';
import { formatHtml, jobsByBoard } from './html.js';
import { boardTimeline, formatTimelineNdjson, parseEvents, parseTrace, type BoardCapture, type TimelineItem } from './timeline.js';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { InfraError } from '../core/errors.js';

export interface ReportTargets {
  /** The run folder. */
  dir: string;
  /** Extra copies, e.g. for a CI system that looks in a fixed place. */
  tap?: string;
  junit?: string;
  json?: string;
  /** A folder for a copy of index.html (--html DIR). */
  html?: string;
}

export interface WrittenReport {
  kind: 'tap' | 'junit' | 'json' | 'html';
  path: string;
}

export const REPORT_FILES = { tap: 'report.tap', junit: 'report.xml', json: 'report.json', html: 'index.html' } as const;
export const TIMELINE_FILE = 'timeline.ndjson';

/**
 * Writes every report atomically; returns the files written, run folder
 * first. Each board's timeline.ndjson goes beside its trace (not listed).
 */
export async function writeReports(report: RunReport, targets: ReportTargets): Promise<WrittenReport[]> {
  // The page is the one report built from the captures too: whatever goes wrong there, the
  // run still gets its TAP, JUnit and JSON, and the page says why it is missing.
  let timelines: Awaited<ReturnType<typeof boardTimelines>> = { items: new Map(), files: new Map() };
  let html: string;
  try {
    timelines = await boardTimelines(report, targets.dir);
    html = formatHtml(report, timelines.items);
  } catch (err) {
    html = failedPage(err);
  }
  const texts = { tap: formatTap(report), junit: formatJunit(report), json: formatJson(report), html };
  const kinds = ['tap', 'junit', 'json', 'html'] as const;
  const mains = kinds.map((kind) => ({ kind, path: resolve(join(targets.dir, REPORT_FILES[kind])) }));
  const copies = kinds.flatMap((kind): WrittenReport[] => {
    const copy = kind === 'html' && targets.html !== undefined ? join(targets.html, REPORT_FILES.html) : kind === 'html' ? undefined : targets[kind];
    return copy !== undefined && resolve(copy) !== mains.find((m) => m.kind === kind)?.path ? [{ kind, path: resolve(copy) }] : [];
  });
  const plan: WrittenReport[] = [...mains, ...copies];
  // One after the other: a failure names the first file it could not write.
  for (const w of plan) await writeFileAtomic(w.path, texts[w.kind]);
  for (const [path, items] of timelines.files) await writeFileAtomic(path, formatTimelineNdjson(items));
  return plan;
}

/**
 * Each board's merged timeline from its jobs and its captures (trace.log,
 * events.ndjson), and where its timeline.ndjson goes: beside its trace, or
 * in the board's folder when it has several captures (a lab run's board
 * with several jobs has one a job, in `BOARD/N-PLAN/`). A capture is looked
 * for in the run folder (where a run writes it, and where a moved or copied
 * run folder has it), else where the report says; none is an empty one.
 */
export async function boardTimelines(report: RunReport, dir: string): Promise<{ items: Map<string, TimelineItem[]>; files: Map<string, TimelineItem[]> }> {
  const items = new Map<string, TimelineItem[]>();
  const files = new Map<string, TimelineItem[]>();
  for (const [name, jobs] of jobsByBoard(report)) {
    // Where each job's captures are (none for a job that never ran: its lines are in the board's first).
    const folderOf = (j: (typeof jobs)[number]): string | undefined => {
      const at = j.artifacts.trace ?? j.artifacts.events;
      return at === undefined ? undefined : dirname(at);
    };
    const located = [...new Set(jobs.map(folderOf).filter((f): f is string => f !== undefined))];
    const captures: BoardCapture[] = [];
    const read: (string | undefined)[] = [];
    for (const folder of located.length ? located : [undefined]) {
      const artifacts = jobs.find((j) => folderOf(j) === folder)?.artifacts;
      const inRun = join(dir, name, ...(folder && basename(folder) !== name ? [basename(folder)] : []));
      const trace = await readCapture([join(inRun, 'trace.log'), artifacts?.trace]);
      const events = await readCapture([join(inRun, 'events.ndjson'), artifacts?.events]);
      captures.push({ trace: parseTrace(trace?.text ?? ''), events: parseEvents(events?.text ?? '') });
      read.push(trace ? dirname(trace.path) : events ? dirname(events.path) : undefined);
    }
    const captureOfJob = jobs.map((j) => Math.max(0, located.indexOf(folderOf(j) ?? '')));
    const timeline = boardTimeline({ jobs, captures, captureOfJob });
    items.set(name, timeline);
    const folder = captures.length > 1 ? join(dir, name) : read[0];
    if (folder) files.set(join(folder, TIMELINE_FILE), timeline);
  }
  return { items, files };
}

function failedPage(err: unknown): string {
  const why = (err instanceof Error ? err.stack ?? err.message : String(err)).replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!);
  return `<!doctype html>\n<meta charset="utf-8">\n<title>rig report: no page</title>\n<p>The HTML report could not be built; report.tap and report.json beside it hold the run. <code>rig report</code> on this folder tries again.</p>\n<pre>${why}</pre>\n`;
}

async function readCapture(paths: (string | undefined)[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    if (!path) continue;
    try {
      return { path, text: await readFile(path, 'utf8') };
    } catch {
      // Not there (the board never opened, the folder moved): the next place, else none.
    }
  }
  return undefined;
}

// Write a file so that readers see the old content or the whole new one,
// never half a report: temp file in the same folder, flushed, renamed.
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  const dir = dirname(path);
  // Same folder as the target: rename is atomic only within one file system.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(dir, { recursive: true });
    const file = await open(temp, 'wx');
    try {
      await file.writeFile(data, 'utf8');
      await file.datasync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (cause) {
    await rm(temp, { force: true }).catch(() => undefined);
    const code = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new InfraError(`cannot write report ${path}: ${code}`, 'check that the folder exists and is writable', { cause });
  }
}
