// A board's health check, the LAVA idea: before a board runs jobs, make sure
// the bench can reach it at all, so a dead cable or a board stuck off the
// bus is reported once as infrastructure instead of failing every test.
// Each look needs the one before it: on USB in a known mode (a board left in
// DFU or listening mode is asked back to normal: the rig's reach, not a
// test), answering a control request, its serial port open, online when the
// bench has a cloud. The first look that fails ends the check with why.
import type { HealthCheck, HealthCheckName, HealthReading } from '../core/board-contract.js';
import type { BoardPresence } from '../core/board-contract.js';
import type { DeviceId } from '../core/domain.js';
import { sleep, untilAborted } from '../core/clock.js';
import { deviceConnected, type CloudAccess } from '../transport/cloud.js';
import type { SerialLogCapture } from './log-capture.js';
import type { ModeMachine } from './modes.js';
import type { BoardOnUsb } from './on-usb.js';

export interface HealthReach {
  id: DeviceId;
  usb: BoardOnUsb;
  modes: ModeMachine;
  log: Pick<SerialLogCapture, 'connected'>;
  cloud: CloudAccess | undefined;
  /** Wall ms between two looks of a wait (the bench clock's poll). */
  pollMs: number;
}

/** How long one question to the cloud may take, at most (wall ms). */
const CLOUD_LOOK_MS = 5000;

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export async function checkHealth(r: HealthReach, o: { withinMs: number; signal?: AbortSignal }): Promise<HealthReading> {
  const deadline = Date.now() + o.withinMs;
  const checks: HealthCheck[] = [];
  const left = () => Math.max(0, deadline - Date.now());
  const pass = (name: HealthCheckName, detail: string) => void checks.push({ name, ok: true, detail });
  const fail = (name: HealthCheckName, detail: string): HealthReading => {
    checks.push({ name, ok: false, detail });
    return { healthy: false, checks, reason: detail };
  };
  /** Asks `look` until it answers true or the check's time is up; the last answer. */
  const until = async <T>(look: () => Promise<T>, done: (v: T) => boolean): Promise<T> => {
    for (;;) {
      const v = await look();
      if (done(v) || left() === 0) return v;
      await sleep(Math.min(r.pollMs, left()), o.signal);
    }
  };

  // On USB: the bus lists it (a board mid-boot gets the check's time to appear).
  let mode: BoardPresence | Error = await until(
    () => r.usb.presence(o.signal).catch((err: unknown) => {
      if (o.signal?.aborted) throw err;
      return err instanceof Error ? err : new Error(String(err));
    }),
    (m) => m !== 'absent' && !(m instanceof Error),
  );
  if (mode === 'absent') return fail('usb', 'not on USB: the bus lists no board with this device ID');
  if (mode instanceof Error) {
    pass('usb', 'listed on the bus');
    return fail('control', `on USB but it does not answer a control request: ${mode.message}`);
  }
  if (mode === 'dfu' || mode === 'listening') {
    const found = mode;
    try {
      await r.modes.enterMode('normal', o.signal);
      mode = await r.usb.presence(o.signal);
    } catch (err) {
      if (o.signal?.aborted) throw err;
      return fail('usb', `found in ${found} mode and it did not come back to normal mode: ${message(err)}`);
    }
    pass('usb', `found in ${found} mode, now in ${mode} mode`);
  } else {
    pass('usb', `on USB in ${mode} mode`);
  }
  // A mode outside DFU is the board's answer to the device-mode control request.
  pass('control', `answers control requests (device mode: ${mode})`);

  const open = await until(async () => r.log.connected, (c) => c);
  if (!open) return fail('serial', 'its serial port did not open');
  pass('serial', 'serial port open');

  if (r.cloud) {
    const cloud = r.cloud;
    const online = await until(
      () => untilAborted(deviceConnected(cloud, r.id, { timeoutMs: Math.max(1, Math.min(CLOUD_LOOK_MS, left())) }), o.signal).catch((err: unknown) => {
        if (o.signal?.aborted) throw err;
        return err instanceof Error ? err : new Error(String(err));
      }),
      (c) => c === true,
    );
    if (online instanceof Error) return fail('cloud', `the cloud could not be asked whether it is online: ${online.message}`);
    if (!online) return fail('cloud', 'not online: the cloud does not list it as connected');
    pass('cloud', 'online');
  }
  return { healthy: true, checks };
}
