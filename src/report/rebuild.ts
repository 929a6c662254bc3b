// `rig report RUN_DIR`: index.html and each board's timeline.ndjson made
// again from a run folder's report.json and artifacts, e.g. for a run from
// before the page existed or after the page got better. report.json is the
// RunReport with summary fields added (json.ts); those are derived again.
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { RunReport } from './model.js';
import { REPORT_FORMAT } from './json.js';
import { formatHtml } from './html.js';
import { formatTimelineNdjson } from './timeline.js';
import { REPORT_FILES, boardTimelines, writeFileAtomic } from './write.js';

/** Reads a run folder's report.json back as the run model. */
export async function readRunReport(runDir: string): Promise<RunReport> {
  const file = join(runDir, REPORT_FILES.json);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new InputError(`${file}: cannot read it (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`, undefined, 'give the run folder, e.g. reports/<run-id>');
  }
  let json: { format?: unknown; boards?: unknown };
  try {
    json = JSON.parse(text) as typeof json;
  } catch (cause) {
    throw new InputError(`${file}: not JSON (${(cause as Error).message})`);
  }
  if (json.format !== REPORT_FORMAT || !Array.isArray(json.boards)) throw new InputError(`${file}: not a rig report (format ${JSON.stringify(json.format)}, want ${REPORT_FORMAT})`);
  return json as unknown as RunReport;
}

/** Writes index.html (and a copy into `htmlDir`) and the boards' timeline.ndjson; returns the pages written. */
export async function rebuildHtml(runDir: string, o: { htmlDir?: string } = {}): Promise<string[]> {
  const dir = resolve(runDir);
  const report = await readRunReport(dir);
  const timelines = await boardTimelines(report, dir);
  const page = formatHtml(report, timelines.items);
  const pages = [join(dir, REPORT_FILES.html), ...(o.htmlDir ? [resolve(o.htmlDir, REPORT_FILES.html)] : [])];
  for (const p of pages) await writeFileAtomic(p, page);
  for (const [path, items] of timelines.files) await writeFileAtomic(path, formatTimelineNdjson(items));
  return pages;
}
