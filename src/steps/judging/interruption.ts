// A fault the plan armed at a transfer is part of the experiment. When it
// fires during a flash, the flash's verdict is `interrupted`, and its
// diagnosis says which fault, where it fired (percent and bytes of the
// transfer) and what the board did next: off, off USB, or back on USB in a
// new boot (the old app, safe mode because no valid app is left, DFU mode).
// One that never fired dies with its transfer: it is disarmed when the flash
// ends, and said. The bench tells when a fault fired (Board.armedFaults);
// only evidence from the board's boot after it counts for what it did next.
import { armedFaultWords, percentWords, reachWords } from '../../core/armed-fault.js';
import type { ArmableTransfer, ArmedFaultStatus, Board, BoardPresence } from '../../core/board-contract.js';
import { formatDuration } from '../../core/duration.js';
import type { StepContext } from '../context.js';
import { pollUntil } from '../poll.js';
import { hash8 } from './evidence.js';

const sameFault = (a: ArmedFaultStatus, b: ArmedFaultStatus): boolean =>
  a.fault.kind === b.fault.kind && a.at.transfer === b.at.transfer && a.at.percent === b.at.percent;

/** The fault armed at this transfer and still waiting, if any (a bench without a control service arms none). */
export async function armedAt(board: Board, transfer: ArmableTransfer, signal: AbortSignal): Promise<ArmedFaultStatus | undefined> {
  return (await board.armedFaults(signal)).find((a) => a.at.transfer === transfer && !a.fired);
}

/** That fault as the bench tells it now, if it has fired. */
export async function firedNow(board: Board, armed: ArmedFaultStatus, signal: AbortSignal): Promise<ArmedFaultStatus | undefined> {
  return (await board.armedFaults(signal)).find((a) => sameFault(a, armed) && a.fired);
}

/** Disarms a fault whose transfer ended first; the words that say so ("... never fired: the transfer got to 12%"). */
export async function disarmUnfired(board: Board, armed: ArmedFaultStatus, signal: AbortSignal): Promise<string> {
  const was = (await board.disarm(armed.at.transfer, signal)).find((a) => sameFault(a, armed)) ?? armed;
  return `${armedFaultWords(was)} never fired: ${reachWords(was)} and the flash ended; it is disarmed`;
}

/** Where the board went after the fault, as read from its boot after it. */
export interface AfterFault {
  /** Its mode then ('absent': off, or off USB). */
  mode: BoardPresence;
  /** The app it runs then (lower-case SHA-256), when it came back in normal mode and said. */
  running?: string;
  words: string;
}

/**
 * What the board did after the fault fired: a power cut leaves it off and an
 * unplug off USB until the plan undoes them; after a reset it comes back of
 * itself, and the first boot the rig sees after the fault (seen on USB after
 * it fired) says where it went, within `withinWallMs`.
 */
export async function afterFault(
  ctx: StepContext,
  fired: ArmedFaultStatus,
  o: { withinWallMs: number; sent: string; appBefore: string | undefined },
): Promise<AfterFault> {
  const { board } = ctx;
  if (fired.fault.kind === 'power-cut') return { mode: 'absent', words: 'the board is off, and stays off until the plan powers it on (power: on)' };
  if (fired.fault.kind === 'usb-unplug') {
    const goesOn = fired.at.transfer === 'ota' ? '; an OTA needs no USB and may go on' : '';
    return { mode: 'absent', words: `the board is off USB until the plan plugs it back in (fault: usb-replug)${goesOn}` };
  }
  const firedAt = fired.fired?.atMs ?? 0;
  // Seen on USB after the fault fired: a boot the reset began, never the one it ended.
  const backAfter = async (): Promise<BoardPresence> => {
    const mode = await board.presence(ctx.signal);
    const seen = board.boots.current?.seenAt ?? 0;
    return mode !== 'absent' && seen >= firedAt ? mode : 'absent';
  };
  const r = await pollUntil(backAfter, (m) => m !== 'absent', { withinMs: o.withinWallMs, intervalMs: Math.max(20, ctx.clock.pollMs()), signal: ctx.signal, pace: board.pace?.() })
    .catch((err: unknown) => {
      // The step's own limit or the run's stop ends the wait as it would any other; a board never reached is "not back".
      if (ctx.signal.aborted) throw err;
      return { value: 'absent' as BoardPresence, satisfied: false };
    });
  if (!r.satisfied) return { mode: 'absent', words: `the board was not back on USB within ${formatDuration(ctx.clock.boardMs(o.withinWallMs))} (board time) after the reset` };
  if (r.value !== 'normal') {
    const why: Partial<Record<BoardPresence, string>> = { safe: 'safe mode: no valid app runs', dfu: 'DFU mode', listening: 'listening mode' };
    return { mode: r.value, words: `it came back in ${why[r.value] ?? `${r.value} mode`}` };
  }
  const app = await board.runningApp(ctx.signal).catch(() => undefined);
  const running = app?.hash?.toLowerCase();
  if (!running) return { mode: 'normal', words: 'it came back in normal mode; which app runs it did not say' };
  const which = running === o.sent ? 'the new app' : running === o.appBefore ? 'the old app' : 'an app';
  return { mode: 'normal', running, words: `it came back running ${which} (${hash8(running)})` };
}

/** "the power cut armed at 40% of the OTA fired at 40.2% (52,224 of 129,904 bytes)" */
export function firedWords(fired: ArmedFaultStatus, imageBytes: number): string {
  const at = fired.fired?.percent ?? fired.at.percent;
  const bytes = Math.round((at / 100) * imageBytes);
  return `${armedFaultWords(fired)} fired at ${percentWords(Math.round(at * 10) / 10)} (${bytes.toLocaleString('en-US')} of ${imageBytes.toLocaleString('en-US')} bytes)`;
}
