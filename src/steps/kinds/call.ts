// call: a cloud function of the board's running app, through the bench's
// cloud. A board that just booted may not be online yet, or its app may not
// have registered the function yet: the call is repeated until `within`
// (board time, default 30 s) runs out. A refusal then is the firmware's
// (the board is offline, its app has no such function), said from the
// device as the cloud lists it; not reaching the cloud is infrastructure
// (InfraError, thrown). No cloud on the bench: SKIP.
import type { BoardPresence, FunctionCall } from '../../core/board-contract.js';
import { formatDuration } from '../../plan/duration.js';
import type { CallStep } from '../../plan/steps-board.js';
import { DEFAULT_WITHIN_MS, type StepContext } from '../context.js';
import { sleep } from '../../core/clock.js';
import { fail, pass, skip, type KindRunner } from '../result.js';

type Refusal = Extract<FunctionCall, { kind: 'refused' }>;

async function modeOf(ctx: StepContext): Promise<BoardPresence | undefined> {
  try {
    return await ctx.board.presence(ctx.signal);
  } catch {
    return undefined;
  }
}

function inMode(mode: BoardPresence | undefined): string {
  if (mode === undefined || mode === 'normal') return '';
  return mode === 'absent' ? '; the board is not on USB either' : `; the board is in ${mode} mode`;
}

/** Why the call was refused, from the device as the cloud lists it. */
async function refusalDiagnosis(step: CallStep, what: string, r: Refusal, ctx: StepContext, withinMs: number): Promise<string> {
  const mode = await modeOf(ctx);
  if (!r.connected) return `the board was not connected to the cloud for ${formatDuration(withinMs)}, so ${what} could not be called (cloud: ${r.text})${inMode(mode)}`;
  if (!r.functions.includes(step.function)) {
    const registered = r.functions.length ? `it registers ${r.functions.join(', ')}` : 'it registers none';
    const why = mode === 'safe' ? ' (in safe mode the app does not run)' : '';
    return `the board's app has no cloud function ${step.function}: ${registered}${why} (cloud: ${r.text})`;
  }
  return `the cloud refused ${what}: ${r.text}`;
}

export const runCall: KindRunner<CallStep> = async (step, ctx) => {
  const functions = ctx.board.functions;
  if (!functions) return skip('the bench names no cloud, so cloud functions cannot be called');
  const withinMs = step.withinMs ?? DEFAULT_WITHIN_MS;
  const deadline = Date.now() + ctx.clock.wallMs(withinMs);
  const what = `${step.function}(${JSON.stringify(step.arg)})`;
  ctx.note(`calling ${what}`);
  let reply = await functions.call(step.function, step.arg, ctx.signal);
  while (reply.kind === 'refused' && Date.now() < deadline) {
    ctx.note(`calling ${what}: ${reply.connected ? 'not registered yet' : 'the board is offline'}, trying again`);
    await sleep(ctx.clock.pollMs(), ctx.signal);
    reply = await functions.call(step.function, step.arg, ctx.signal);
  }
  const details = { function: step.function, arg: step.arg };
  if (reply.kind === 'refused') {
    const expected = step.expectValue === undefined ? `${what} answers` : `${what} returns ${step.expectValue}`;
    return fail(expected, `refused: ${reply.text}`, { diagnosis: await refusalDiagnosis(step, what, reply, ctx, withinMs), details: { ...details, connected: reply.connected, registered: reply.functions } });
  }
  if (step.expectValue === undefined || reply.value === step.expectValue) return pass({ actual: reply.value, details });
  return fail(step.expectValue, reply.value, { diagnosis: `${what} returned ${reply.value}, not ${step.expectValue}`, details });
};
