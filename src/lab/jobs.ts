// What travels between a lab's coordinator and its agents: the names of the
// BullMQ queues (one per board, so a job reaches the one host holding it),
// a job's data (the plan's text and every firmware it needs, content and
// SHA-256: an agent reads no file of the coordinator's), what a job sends
// back (the board's report row and its captures, capped and gzipped), and
// the live progress it publishes (the step it is in, so a host that dies is
// reported at its step). Redis credentials never enter any of these.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { StepResult } from '../core/domain.js';
import type { PlatformName } from '../core/platform.js';
import type { BoardHealth, BoardReport } from '../report/model.js';

/** BullMQ's keys for the lab sit beside the registry's (rig:lab:). */
export const QUEUE_PREFIX = 'rig:lab:bull';
/** The flows' parents (a parent per run); nobody processes them, they only tie a run's jobs together. */
export const RUNS_QUEUE = 'rig-runs';
export const boardQueue = (boardId: string): string => `rig-board-${boardId}`;

/**
 * A job's lease: BullMQ's lock on it and the board's lease are both this
 * long and renewed every LEASE_RENEW_MS while the job runs, whatever its
 * steps do (a long OTA included). A host that dies loses both within it.
 */
export const LEASE_MS = 15_000;
export const LEASE_RENEW_MS = 5_000;

/** Set by a coordinator while its run is alive (renewed); an agent runs no job of a run whose coordinator is gone. */
export const runAliveKey = (runId: string): string => `rig:lab:run:${runId}`;
export const RUN_ALIVE_MS = 15_000;
/** Set when a run was cancelled, so an agent that missed the message still runs none of its jobs. */
export const runCancelledKey = (runId: string): string => `rig:lab:cancelled:${runId}`;
/** A coordinator publishes `{ runId, reason }` here to abort the run's running jobs. */
export const CANCEL_CHANNEL = 'rig:lab:cancel';
/** The board lease: who runs a job on it now. */
export const boardLeaseKey = (boardId: string): string => `rig:lab:lease:${boardId}`;

export interface CarriedFirmware {
  /** The plan's name for it. */
  name: string;
  /** Where the coordinator took it from (a file, or `make`), for the report. */
  source: string;
  sha256: string;
  /** The module's bytes, base64. */
  content: string;
}

export interface LabJobData {
  runId: string;
  plan: {
    name: string;
    /** The plan file's base name, for messages. */
    file: string;
    /** The YAML as the coordinator loaded it (after --repeat, the agent wraps it the same way). */
    text: string;
    repeat: number;
    /** ${NAME}s the firmware paths use: the agent needs only that they are set, the files come with the job. */
    pathVariables: string[];
  };
  board: { name: string; id: string; platform: PlatformName; host: string };
  /** This job's place among the board's jobs of the run. */
  job: { index: number; total: number };
  firmware: CarriedFirmware[];
}

export type ArtifactName = 'trace.log' | 'events.ndjson' | 'timeline.ndjson';

export interface PackedArtifact {
  name: ArtifactName;
  /** gzip, base64. */
  gzip: string;
  bytes: number;
  /** Present when the capture was larger than the cap: how large it was (only the first `bytes` travel). */
  cutFrom?: number;
}

export interface LabJobResult {
  /** The board's row, as a local run reports it, with the host that ran it. */
  report: BoardReport;
  artifacts: PackedArtifact[];
  agent: string;
  /** The board's health check before the job, when it had one (the run's first job on the board). */
  health?: BoardHealth;
}

/** What an agent publishes as the job's progress: each step's start and end, and notes. */
export interface LabJobProgress {
  host: string;
  agent: string;
  step?: { index: number; total: number; title: string };
  /** Present when the step ended. */
  result?: Pick<StepResult, 'status' | 'name' | 'durationMs' | 'diagnosis' | 'skipReason'>;
  note?: string;
}

/** Each capture travels at most this large; a longer one is cut and says so. */
export const ARTIFACT_CAP_BYTES = 8 * 1024 * 1024;

export function sha256(buf: Buffer): string {
  return createHash('sha256').update(buf).digest('hex');
}

export function carry(name: string, source: string, image: Buffer): CarriedFirmware {
  return { name, source, sha256: sha256(image), content: image.toString('base64') };
}

export function packArtifact(name: ArtifactName, content: Buffer, cap = ARTIFACT_CAP_BYTES): PackedArtifact {
  const kept = content.length > cap ? content.subarray(0, cap) : content;
  return { name, gzip: gzipSync(kept).toString('base64'), bytes: kept.length, ...(kept.length < content.length ? { cutFrom: content.length } : {}) };
}

export function unpackArtifact(a: PackedArtifact): Buffer {
  return gunzipSync(Buffer.from(a.gzip, 'base64'));
}
