// The history database: one SQLite file (libsql, better-sqlite3's API, its
// native binary an npm optional dependency). WAL lets readers and one writer
// work at once, and the busy timeout makes a second writer wait its turn
// instead of failing: two runs ending together are both recorded. A run is
// written in one transaction, so a run killed while writing leaves the
// database as it was before it, never half a run.
import Database from 'libsql';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { InputError } from '../core/errors.js';

export type HistoryDb = InstanceType<typeof Database>;

/** How long a writer waits for another one before giving up (a run's whole record takes milliseconds). */
export const BUSY_TIMEOUT_MS = 15_000;

const SCHEMA_VERSION = 2;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  bench TEXT NOT NULL,
  host TEXT NOT NULL,
  rig_version TEXT NOT NULL,
  started_at TEXT NOT NULL,
  ended_at TEXT NOT NULL,
  bailed_out INTEGER NOT NULL,
  bail_reason TEXT,
  exit_code INTEGER NOT NULL,
  recorded_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  seq INTEGER NOT NULL,
  plan TEXT NOT NULL,
  plan_file TEXT,
  board TEXT NOT NULL,
  device_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  device_os TEXT,
  firmware TEXT NOT NULL,
  firmware_key TEXT NOT NULL,
  status TEXT NOT NULL,
  diagnosis TEXT,
  started_at TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_by_plan_board ON jobs (plan, device_id, id);
CREATE TABLE IF NOT EXISTS steps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id INTEGER NOT NULL REFERENCES jobs(id),
  idx INTEGER NOT NULL,
  step_key TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  verdict TEXT,
  firmware_sha TEXT,
  diagnosis TEXT,
  duration_ms INTEGER NOT NULL,
  attempts TEXT
);
CREATE INDEX IF NOT EXISTS steps_by_job ON steps (job_id);
CREATE INDEX IF NOT EXISTS steps_by_key ON steps (step_key, status);
CREATE TABLE IF NOT EXISTS health (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL REFERENCES runs(id),
  board TEXT NOT NULL,
  device_id TEXT NOT NULL,
  platform TEXT NOT NULL,
  healthy INTEGER NOT NULL,
  reason TEXT,
  checks TEXT NOT NULL,
  checked_at TEXT NOT NULL,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS health_by_board ON health (device_id, id);
`;

/** Opens (and creates, with its folder) the history for writing. */
export function openHistoryForWriting(path: string): HistoryDb {
  mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    db.exec('PRAGMA foreign_keys = ON');
    db.transaction(() => {
      db.exec(SCHEMA);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    }).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Opens an existing history to read it; a missing file or one that is not a rig history is bad input. */
export function openHistoryForReading(path: string): HistoryDb {
  if (!existsSync(path)) {
    throw new InputError(`no history at ${path}`, undefined, 'run `rig run` first, or point to it with --history PATH or RIG_HISTORY');
  }
  let db: HistoryDb | undefined;
  try {
    db = new Database(path, { readonly: true });
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const tables = rows<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => r.name);
    if (!['runs', 'jobs', 'steps'].every((t) => tables.includes(t))) throw new Error('no runs, jobs and steps tables');
    return db;
  } catch (err) {
    db?.close();
    throw new InputError(`${path} is not a rig history database (${err instanceof Error ? err.message : String(err)})`, undefined, 'point --history at the history.db a run wrote');
  }
}

/** Rows of a query as plain objects (libsql adds a `_metadata` field to each row; it is dropped here). */
export function rows<T>(db: HistoryDb, sql: string, ...params: unknown[]): T[] {
  return (db.prepare(sql).all(...params) as Record<string, unknown>[]).map((r) => {
    const { _metadata: _, ...rest } = r;
    return rest as T;
  });
}
