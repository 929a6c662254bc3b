// Each board's health over the recorded runs, for `rig boards`: a board that
// failed its health check in several runs in a row is the one to take off
// the bench and look at (LAVA would take it offline), not one bad night.
import { existsSync } from 'node:fs';
import { openHistoryForReading, rows } from './database.js';

export interface BoardHealthRecord {
  deviceId: string;
  board: string;
  /** Runs in a row, counted back from the latest, whose health check found the board unhealthy; 0 when the latest found it healthy. */
  unhealthyRuns: number;
  /** The latest check's reason, when it found the board unhealthy. */
  reason?: string;
  /** When the latest recorded check ran (the run's start, ISO 8601). */
  lastCheckedAt: string;
  /** When a check last found it healthy; absent when none ever did. */
  lastHealthyAt?: string;
}

/** How far back a streak is counted: more than this many bad runs in a row is shown as "N+". */
export const HEALTH_LOOKBACK = 50;

/** The health record of every board the history has checked, by device ID; empty without a history file or one from before health checks. */
export function readBoardHealth(path: string): Map<string, BoardHealthRecord> {
  const out = new Map<string, BoardHealthRecord>();
  if (!existsSync(path)) return out;
  const db = openHistoryForReading(path);
  try {
    const hasTable = rows<{ n: number }>(db, "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'health'")[0]?.n;
    if (!hasTable) return out;
    for (const { device_id } of rows<{ device_id: string }>(db, 'SELECT DISTINCT device_id FROM health')) {
      const recent = rows<{ board: string; healthy: number; reason: string | null; checked_at: string }>(db,
        'SELECT board, healthy, reason, checked_at FROM health WHERE device_id = ? ORDER BY id DESC LIMIT ?', device_id, HEALTH_LOOKBACK);
      const latest = recent[0];
      if (!latest) continue;
      const streak = recent.findIndex((r) => r.healthy === 1);
      const lastHealthy = rows<{ checked_at: string }>(db, 'SELECT checked_at FROM health WHERE device_id = ? AND healthy = 1 ORDER BY id DESC LIMIT 1', device_id)[0];
      out.set(device_id, {
        deviceId: device_id,
        board: latest.board,
        unhealthyRuns: streak === -1 ? recent.length : streak,
        ...(latest.healthy ? {} : { reason: latest.reason ?? 'health check failed' }),
        lastCheckedAt: latest.checked_at,
        ...(lastHealthy ? { lastHealthyAt: lastHealthy.checked_at } : {}),
      });
    }
    return out;
  } finally {
    db.close();
  }
}
