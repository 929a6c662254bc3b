// The part of a run's report.json (src/report/json.ts) the benchmarks read:
// per board, its steps with status and wall duration.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const StepJson = z.looseObject({ status: z.string(), name: z.string(), durationMs: z.number(), diagnosis: z.string().optional() });
const BoardJson = z.looseObject({
  name: z.string(),
  platform: z.string(),
  status: z.string(),
  durationMs: z.number(),
  steps: z.array(StepJson),
});
const ReportJson = z.looseObject({
  startedAt: z.string(),
  endedAt: z.string(),
  summary: z.looseObject({ exitCode: z.number() }),
  boards: z.array(BoardJson),
});

export type StepJson = z.output<typeof StepJson>;
export type BoardJson = z.output<typeof BoardJson>;
export type ReportJson = z.output<typeof ReportJson>;

export async function readReport(file: string): Promise<ReportJson> {
  const parsed = ReportJson.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file} is not a report.json the benchmarks understand: ${parsed.error.message}`);
  return parsed.data;
}

/** Wall ms from the run's start to its end, as the report says. */
export function runSpanMs(report: ReportJson): number {
  return Date.parse(report.endedAt) - Date.parse(report.startedAt);
}
