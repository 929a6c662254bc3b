// expect-app: the running user part's SHA-256 is the firmware's (compared
// case-insensitively: Device OS prints it upper-case). Polled until `within`,
// or 30 s of board time when the plan gives none, so a board still booting
// after a flash is not judged early; a match ends the wait at once. Only the
// board's current boot counts, once it is on USB: a board that is off or
// unplugged runs nothing the rig can vouch for (what the cloud heard before
// it went away is no evidence), and stays so to the end: infrastructure.
import type { RunningApp } from '../../core/board-contract.js';
import { InfraError } from '../../core/errors.js';
import type { ExpectAppStep } from '../../plan/steps-expect.js';
import { DEFAULT_WITHIN_MS, type StepContext } from '../context.js';
import { hash8, diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { pollUntil } from '../poll.js';
import { fail, pass, type KindRunner } from '../result.js';
import { judgeLastFlash, updateSummary, type UpdateSummary } from '../judging/update-check.js';

/** Board time to wait for the cloud's app-hash before asking over serial: a Wi-Fi board connects within seconds. */
const CLOUD_APP_HASH_WAIT_MS = 10_000;

/** The truth check of the last flash, told beside any app expectation after it (from the read just made). */
async function lastUpdate(ctx: StepContext, app: RunningApp | undefined): Promise<UpdateSummary | undefined> {
  if (!ctx.lastFlash) return undefined;
  return updateSummary(ctx, ctx.lastFlash, await judgeLastFlash(ctx, ctx.lastFlash, app ? { app } : {}));
}

export const runExpectApp: KindRunner<ExpectAppStep> = async (step, ctx) => {
  const want = ctx.firmware(step.firmware).info.sha256.toLowerCase();
  ctx.note(`waiting for app ${step.firmware} (${hash8(want)})`);
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  // A board that booted and is connecting says its app to the cloud: hear it before knocking it off the cloud to ask.
  const cloudWaitMs = ctx.clock.wallMs(Math.min(withinMs, CLOUD_APP_HASH_WAIT_MS));
  const r = await pollUntil(
    async () => {
      const app = await ctx.board.runningApp(ctx.signal, { cloudWaitMs });
      return { ...app, hash: app.hash?.toLowerCase() };
    },
    (app) => app.hash === want,
    // Read again when the board does something (restarts, says its app to the cloud), not a poll interval later.
    { withinMs: ctx.clock.wallMs(withinMs), intervalMs: ctx.clock.pollMs(), signal: ctx.signal, pace: ctx.board.pace?.() },
  );
  const update = await lastUpdate(ctx, r.value);
  // The reading's boot: evidence counts only from the board's current boot, and the report says which.
  const boot = r.value.boot && { number: r.value.boot.number, why: r.value.boot.why };
  const details = { source: r.value.source, ...(boot ? { boot } : {}), reads: r.reads, ...(update ? { update } : {}) };
  // The update's own diagnosis stays in its summary: a step that passed has nothing to diagnose.
  if (r.satisfied) return pass({ actual: want, details });
  // A board gone from the bench cannot be judged: an old app-hash from the cloud is no verdict on the firmware.
  if ((await ctx.board.presence(ctx.signal)) === 'absent') {
    throw new InfraError(`${ctx.board.name} is not on USB: its running app cannot be checked`, 'is it plugged in and powered?');
  }
  const running = r.value.hash;
  const d = await diagnoseFailure(ctx, { expectedApp: want, runningApp: { hash: running } });
  const fallback = running
    ? `the running app is ${hash8(running)}, not ${step.firmware} (${hash8(want)})`
    : `no valid app runs; expected ${step.firmware} (${hash8(want)})`;
  const fields = diagnosisFields(d, fallback);
  return fail(want, running ?? null, { ...fields, details: { ...details, ...fields.details } });
};
