// Quantities of faults and simulated links: bandwidth ("2kbps", "1Mbps"),
// percentages ("40%" or 40), sizes ("64KB", "2MB" or a byte count).
import { z } from 'zod';
import { withFix, quote } from '../yaml/describe.js';

// No regex flags: the pattern also goes into the JSON Schema, which has none.
const BANDWIDTH_RE = /^(\d+(?:\.\d+)?)\s?([kKmMgG]?)bps$/;
const BANDWIDTH_SCALE: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** Bits per second, or undefined. Decimal prefixes, as links are rated. */
export function parseBandwidth(text: string): number | undefined {
  const m = BANDWIDTH_RE.exec(text.trim());
  return m ? Math.round(Number(m[1]) * BANDWIDTH_SCALE[m[2]!.toLowerCase()]!) : undefined;
}

const PERCENT_RE = /^(\d+(?:\.\d+)?)\s?%$/;

export function parsePercent(text: string): number | undefined {
  const m = PERCENT_RE.exec(text.trim());
  return m ? Number(m[1]) : undefined;
}

const SIZE_RE = /^(\d+(?:\.\d+)?)\s?(B|[kK]B|KiB|MB|MiB|GB|GiB)$/;
const SIZE_SCALE: Record<string, number> = { b: 1, kb: 1024, kib: 1024, mb: 1024 ** 2, mib: 1024 ** 2, gb: 1024 ** 3, gib: 1024 ** 3 };

/** Bytes, or undefined. Binary prefixes, as flash and file systems are sized. */
export function parseSize(text: string): number | undefined {
  const m = SIZE_RE.exec(text.trim());
  return m ? Math.round(Number(m[1]) * SIZE_SCALE[m[2]!.toLowerCase()]!) : undefined;
}

function notA(what: string, example: string, fix?: string) {
  return (iss: { input?: unknown }) => {
    const given = typeof iss.input === 'string' ? quote(iss.input) : typeof iss.input === 'number' ? String(iss.input) : 'nothing';
    return withFix(`${given} is not ${what} like ${example}`, fix);
  };
}

/** Link bandwidth in bits per second. */
export const Bandwidth = z
  .string({ error: notA('a bandwidth', '2kbps or 1Mbps', 'write a number with bps, kbps, Mbps or Gbps') })
  .regex(BANDWIDTH_RE, { error: notA('a bandwidth', '2kbps or 1Mbps', 'units: bps, kbps, Mbps, Gbps') })
  .transform((t) => parseBandwidth(t) ?? 0)
  .meta({ description: 'bits per second, e.g. 2kbps, 1Mbps' });

const percentRange = z.number().min(0).max(100);

/** A percentage 0..100, written "40%" or 40. */
export const Percent = z
  .union([
    percentRange,
    z.string().regex(PERCENT_RE, { error: notA('a percentage', '40%') }).transform((t) => parsePercent(t) ?? 0).pipe(percentRange),
  ])
  .meta({ description: 'a percentage, e.g. 40% or 40' });

/** A size in bytes, written as a byte count or "64KB", "2MB". */
export const Size = z
  .union([
    z.number().int().min(0),
    z.string().regex(SIZE_RE, { error: notA('a size', '64KB or 2MB', 'units: B, KB, MB, GB (1 KB = 1024 bytes)') }).transform((t) => parseSize(t) ?? 0),
  ])
  .meta({ description: 'bytes, or a size like 64KB, 2MB' });
