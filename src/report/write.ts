// Writes a run's reports into its run folder (report.tap, report.xml,
// report.json) and copies wherever --tap/--junit/--json asked.
import { join, resolve, basename, dirname } from 'node:path';
import type { RunReport } from './model.js';
import { formatTap } from './tap.js';
import { formatJunit } from './junit.js';
import { formatJson } from './json.js';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { InfraError } from '../core/errors.js';

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
