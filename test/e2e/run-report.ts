// Reads what `rig run` left in its report folder, with the same parser a CI
// system would use for the TAP.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from 'tap-parser';
import type { RunReport } from '../../src/report/model.js';

export interface ParsedTap {
  ok: boolean;
  bailout: string | false;
  failures: string[];
  text: string;
}

export function readTap(dir: string): ParsedTap {
  const text = readFileSync(join(dir, 'report.tap'), 'utf8');
  let final: { ok: boolean; bailout: string | boolean; failures: { name: string }[] } | undefined;
  const parser = new Parser((r) => (final = r as typeof final));
  parser.end(text);
  if (!final) throw new Error('tap-parser gave no result');
  const f = final as { ok: boolean; bailout: string | boolean; failures: { name: string }[] };
  return { ok: f.ok, bailout: typeof f.bailout === 'string' ? f.bailout : false, failures: f.failures.map((x) => x.name), text };
}

export function readJson(dir: string): RunReport {
  return JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RunReport;
}
