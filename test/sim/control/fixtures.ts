// Helpers for tests of the assembled simulated bench: a run directory short
// enough for Unix sockets, the bench started and closed with the test, and a
// bounded poll.
import type { Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimBench, type RunningSimBench, type StartSimBenchOptions } from '../../../src/sim/bench.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const SIM_YAML = join(ROOT, 'rig', 'sim.yaml');

/** tap's fixture folders can exceed the 108-byte socket path limit: a short one under the OS temp dir. */
export async function shortRunDir(t: Test): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'rig-simb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export async function startBench(t: Test, o: Omit<StartSimBenchOptions, 'runDir'> = {}): Promise<RunningSimBench> {
  const runDir = await shortRunDir(t);
  const bench = await startSimBench({ benchFile: SIM_YAML, timeScale: 50, ...o, runDir });
  t.teardown(() => bench.close());
  return bench;
}

/** Polls `check` every few ms; rejects naming `what` after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}
