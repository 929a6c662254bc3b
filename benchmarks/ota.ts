// `flash via ota` until its verdict against the least any tool could do.
// One simulator process per board (lib/sim-session.ts), reached alike:
// - the rig: `rig run` of `flash: a, via: ota, expect: applied` then the same
//   with b, repeated (two apps, so every update changes what runs); the
//   step's wall time from report.json: the cloud request, then the wait for
//   the update to settle, judged by the running app's SHA-256;
// - bare: `curl -X PUT -F file=@app.bin` to /v1/devices/:id (multipart, as
//   particle-cli and particle-api-js send it), then, on an event stream
//   opened beforehand (a minimal node:http SSE client, lib/sse.ts), the
//   `spark/flash/status success` event and after it the board's
//   `spark/device/app-hash` with the new app's hash (published when it is
//   back online). Timed from curl's spawn to that event's arrival.
// Rig runs and bare runs alternate in blocks; medians are compared.
import { execa } from 'execa';
import { writeFile } from 'node:fs/promises';
import { onlyBoard, readSimBench } from './lib/bench-files.js';
import { makeApp, type AppFile } from './lib/firmware.js';
import type { WorkDir } from './lib/paths.js';
import { writeStepsPlan } from './lib/plan-files.js';
import { runRig } from './lib/rig-run.js';
import { startSimSession, type SimSession } from './lib/sim-session.js';
import { listenToDevice, type EventListener } from './lib/sse.js';
import { median, percentile, round1 } from './lib/stats.js';
import { judged, ratio, type Verdict } from './lib/table.js';

export interface OtaOptions {
  boards: string[];
  blocks: number;
  /** Updates per block and side (even: a, b, a, b...). */
  updatesPerBlock: number;
  log(line: string): void;
}

export interface OtaRow {
  board: string;
  platform: string;
  imageBytes: number;
  rig: { samples: number; medianMs: number; p95Ms: number };
  bare: { samples: number; medianMs: number; p95Ms: number; putMedianMs: number; successMedianMs: number };
  /** rig median / bare median. */
  ratio: number;
  /** No target is set for OTA: NOT MEASURED when nothing was timed, else the figures only. */
  verdict: Verdict | 'no target';
  why?: string;
}

const LIMIT_MS = 180_000;
const EVENT_LIMIT_MS = 60_000;

interface BareUpdate {
  /** curl spawn to exit; to the success event; to the new app-hash event (wall ms). */
  putMs: number;
  successMs: number;
  totalMs: number;
}

async function bareUpdate(s: SimSession, events: EventListener, headerFile: string, app: AppFile): Promise<BareUpdate> {
  const id = s.board.id;
  const from = events.events.length;
  const t0 = performance.now();
  const r = await execa('curl', ['-sS', '-X', 'PUT', '-H', `@${headerFile}`, '-F', `file=@${app.path};type=application/octet-stream`, '-w', '\n%{http_code}', `${s.sim.cloud.api}/v1/devices/${id}`], { reject: false, timeout: LIMIT_MS });
  const putMs = performance.now() - t0;
  const code = String(r.stdout).trim().split('\n').pop();
  if (r.exitCode !== 0 || code !== '200') throw new Error(`curl PUT /v1/devices/${id} (exit ${r.exitCode}, HTTP ${code}): ${String(r.stdout).trim()} ${String(r.stderr).trim()}`);
  const success = await events.waitFor((e) => e.name === 'spark/flash/status' && e.data.trim().startsWith('success'), from, EVENT_LIMIT_MS);
  const hash = await events.waitFor((e) => e.name === 'spark/device/app-hash' && e.data.trim().toLowerCase() === app.sha256, success.index + 1, EVENT_LIMIT_MS);
  return { putMs, successMs: success.event.at - t0, totalMs: hash.event.at - t0 };
}

async function measureBoard(work: WorkDir, name: string, o: OtaOptions): Promise<OtaRow> {
  const doc = onlyBoard(await readSimBench(), name);
  const s = await startSimSession(work.path(`ota-sim-${name}.yaml`), work.path(`ota-bench-${name}.yaml`), doc);
  let events: EventListener | undefined;
  try {
    const a = await makeApp(work.path(`ota-${name}-a.bin`), s.board.platform, 31);
    const b = await makeApp(work.path(`ota-${name}-b.bin`), s.board.platform, 32);
    const apps = [a, b];
    const steps = Array.from({ length: o.updatesPerBlock }, (_, i) => ({ flash: i % 2 === 0 ? 'a' : 'b', via: 'ota', expect: 'applied' }));
    const plan = await writeStepsPlan(work.path(`ota-${name}.plan.yaml`), 'bench-ota', { a: a.path, b: b.path }, steps);
    const headerFile = work.path(`ota-${name}.header`);
    await writeFile(headerFile, `Authorization: Bearer ${s.sim.cloud.token}\n`, { mode: 0o600 });
    events = await listenToDevice(s.sim.cloud.api, s.sim.cloud.token, s.board.id);
    const rig: number[] = [];
    const bare: BareUpdate[] = [];
    for (let k = 1; k <= o.blocks; k++) {
      o.log(`ota: ${name}: rig run of ${o.updatesPerBlock} x flash via ota, expect applied, block ${k} of ${o.blocks}`);
      const run = await runRig({ plan: plan.path, bench: s.benchFile, env: s.env, reportDir: work.path(`ota-${name}-${k}`), limitMs: LIMIT_MS });
      const board = run.report.boards[0];
      const bad = board?.steps.find((st) => st.status !== 'pass');
      if (!board || bad) throw new Error(`the rig's OTA plan did not pass on ${name}: ${bad ? `${bad.name}: ${bad.diagnosis ?? bad.status}` : 'no board in the report'}`);
      rig.push(...board.steps.map((st) => st.durationMs));
      o.log(`ota: ${name}: ${o.updatesPerBlock} x curl PUT + event stream, block ${k} of ${o.blocks}`);
      for (let i = 0; i < o.updatesPerBlock; i++) bare.push(await bareUpdate(s, events, headerFile, apps[i % 2]!));
    }
    const total = bare.map((x) => x.totalMs);
    const why = rig.length === 0 || bare.length === 0 ? 'no update was timed' : undefined;
    return {
      board: name,
      platform: s.board.platform,
      imageBytes: a.bytes,
      rig: { samples: rig.length, medianMs: round1(median(rig)), p95Ms: round1(percentile(rig, 95)) },
      bare: {
        samples: bare.length, medianMs: round1(median(total)), p95Ms: round1(percentile(total, 95)),
        putMedianMs: round1(median(bare.map((x) => x.putMs))), successMedianMs: round1(median(bare.map((x) => x.successMs))),
      },
      ratio: ratio(median(rig), median(total)),
      verdict: why ? judged(false, why) : 'no target',
      ...(why ? { why } : {}),
    };
  } finally {
    events?.close();
    await s.stop();
  }
}

export async function benchOta(work: WorkDir, o: OtaOptions): Promise<OtaRow[]> {
  const rows: OtaRow[] = [];
  for (const name of o.boards) rows.push(await measureBoard(work, name, o));
  return rows;
}
