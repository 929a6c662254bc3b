// Run IDs sort by time and stay unique across concurrent runs on one host:
// 2026-11-22T10-31-05-123Z-4f2a
import { randomBytes } from 'node:crypto';

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[:.]/g, '-')}-${randomBytes(2).toString('hex')}`;
}
