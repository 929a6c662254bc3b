// The hardware path's speed: plans/smoke.yaml on the kernel bench (the rig
// in a Linux guest under QEMU, its boards attached over USB/IP through the
// kernel's vhci-hcd, cdc-acm and usbfs; scripts/kernel-bench.sh) beside the
// same plan on the same bench file through the socket bus on this host,
// which sets the limit: the same boards at the same time scale, without a
// kernel in the way or an emulated CPU. Also the guest's boot (userland up,
// boards attached) and the re-attach latency after each re-enumeration (the
// simulator's log: a board's new device enumerated -> imported by the
// guest). No target: issue 12 asks for the figures. The guest boots once and
// runs the plan `rounds` times; the host runs it `rounds` times. A round
// that did not pass on every board counts for neither (it measured
// something else). NOT MEASURED where QEMU or Debian's kernel is missing.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { parse } from 'yaml';
import { ROOT, SMOKE_PLAN, type WorkDir } from './lib/paths.js';
import { passedBoards, runRig } from './lib/rig-run.js';
import { median } from './lib/stats.js';
import { KERNEL_SIM_BENCH, kernelBenchMissing, reattachTimes } from './lib/kernel-bench.js';

export interface KernelOptions {
  rounds: number;
  log(line: string): void;
}

export interface KernelResult {
  boards: number;
  /** Wall ms of each passing round: on the host's socket bus, and in the guest. */
  socketMs: number[];
  kernelMs: number[];
  /** Seconds after boot: the guest's userland up, and its boards attached. */
  guestUpS: number;
  attachedS: number;
  /** Enumerated -> imported by the guest, ms, each re-enumeration (each board's first device, before the boot, left out). */
  reattachMs: number[];
  /** Rounds that did not pass, and why. */
  failures: string[];
  notMeasured?: string;
}

const empty = (boards: number, notMeasured?: string): KernelResult => ({
  boards, socketMs: [], kernelMs: [], guestUpS: Number.NaN, attachedS: Number.NaN, reattachMs: [], failures: [], ...(notMeasured ? { notMeasured } : {}),
});

export async function benchKernel(work: WorkDir, o: KernelOptions): Promise<KernelResult> {
  const boards = (parse(await readFile(KERNEL_SIM_BENCH, 'utf8')) as { boards: unknown[] }).boards.length;
  const why = kernelBenchMissing();
  if (why) return empty(boards, why);
  const r = empty(boards);

  for (let i = 0; i < o.rounds; i++) {
    const run = await runRig({ plan: SMOKE_PLAN, bench: KERNEL_SIM_BENCH, reportDir: work.path(`kernel-socket-${i}`), limitMs: 120_000 });
    const passed = passedBoards(run).length;
    if (passed === boards) r.socketMs.push(Math.round(run.wallMs));
    else r.failures.push(`socket round ${i + 1}: ${boards - passed} of ${boards} boards did not pass`);
    o.log(`kernel: socket bench round ${i + 1}: ${Math.round(run.wallMs)} ms`);
  }

  // In the guest: the plan `rounds` times in one boot, each timed there from spawn to exit, as on the host.
  const script = [
    `for i in $(seq 1 ${o.rounds}); do`,
    '  s=$(date +%s%N)',
    '  node bin/rig.js run plans/smoke.yaml --bench "$RIG_BENCH" --no-history --report-dir /tmp/kernel-smoke-$i > /tmp/kernel-smoke-$i.out 2>&1; rc=$?',
    '  e=$(date +%s%N)',
    '  echo "KERNEL-SMOKE $i $rc $(( (e - s) / 1000000 ))"',
    '  [ $rc = 0 ] || tail -n 5 /tmp/kernel-smoke-$i.out | sed "s/^/KERNEL-SMOKE-OUT /"',
    'done',
  ].join('\n');
  o.log('kernel: booting the guest (QEMU TCG) and running the smoke plan in it');
  const guest = await execa('bash', ['scripts/kernel-bench.sh', 'bash', '-c', script], {
    cwd: ROOT, reject: false, all: false, timeout: 900_000, forceKillAfterDelay: 5000, env: { RIG_GUEST_TIMEOUT: '840' },
  });
  const out = String(guest.stdout ?? '');
  const err = String(guest.stderr ?? '');
  if (guest.timedOut) return { ...r, notMeasured: 'the guest did not finish within 15 minutes' };
  r.guestUpS = Number(/RIG-GUEST ([\d.]+)s up/.exec(out)?.[1] ?? Number.NaN);
  r.attachedS = Number(/RIG-GUEST ([\d.]+)s boards attached/.exec(out)?.[1] ?? Number.NaN);
  for (const m of out.matchAll(/^KERNEL-SMOKE (\d+) (\d+) (\d+)$/gm)) {
    if (m[2] === '0') r.kernelMs.push(Number(m[3]));
    else r.failures.push(`guest round ${m[1]}: exit ${m[2]}: ${[...out.matchAll(/^KERNEL-SMOKE-OUT (.*)$/gm)].map((x) => x[1]).join(' | ').slice(0, 300)}`);
  }
  r.reattachMs = reattachTimes(err);
  if (r.kernelMs.length === 0 && r.failures.length === 0) {
    return { ...r, notMeasured: `the guest ran no round (exit ${guest.exitCode}): ${out.trim().split('\n').slice(-3).join(' | ')}` };
  }
  o.log(`kernel: guest rounds ${r.kernelMs.join(' ')} ms; re-attach median ${median(r.reattachMs)} ms over ${r.reattachMs.length}`);
  return r;
}
