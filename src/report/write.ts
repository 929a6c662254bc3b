// Writes a run's reports into its run folder (report.tap, report.xml,
// report.json) and copies wherever --tap/--junit/--json asked.
import { join, resolve } from 'node:path';
import type { RunReport } from './model.js';
import { formatTap } from './tap.js';
import { formatJunit } from './junit.js';
import { formatJson } from './json.js';
import { writeFileAtomic } from './atomic-write.js';

export interface ReportTargets {
  /** The run folder. */
  dir: string;
  /** Extra copies, e.g. for a CI system that looks in a fixed place. */
  tap?: string;
  junit?: string;
  json?: string;
}

export interface WrittenReport {
  kind: 'tap' | 'junit' | 'json';
  path: string;
}

export const REPORT_FILES = { tap: 'report.tap', junit: 'report.xml', json: 'report.json' } as const;

/** Writes every report atomically; returns the files written, run folder first. */
export async function writeReports(report: RunReport, targets: ReportTargets): Promise<WrittenReport[]> {
  const texts = { tap: formatTap(report), junit: formatJunit(report), json: formatJson(report) };
  const kinds = ['tap', 'junit', 'json'] as const;
  const mains = kinds.map((kind) => ({ kind, path: resolve(join(targets.dir, REPORT_FILES[kind])) }));
  const copies = kinds.flatMap((kind): WrittenReport[] => {
    const copy = targets[kind];
    return copy !== undefined && resolve(copy) !== mains.find((m) => m.kind === kind)?.path ? [{ kind, path: resolve(copy) }] : [];
  });
  const plan: WrittenReport[] = [...mains, ...copies];
  // One after the other: a failure names the first file it could not write.
  for (const w of plan) await writeFileAtomic(w.path, texts[w.kind]);
  return plan;
}
