// inspect: a snapshot of the board into the report: where it is on USB, its
// module table, the running app and the last reset reason. A part that
// cannot be read is recorded as such; only a board the rig cannot ask at
// all (presence fails) makes the step infra.
import type { InspectStep } from '../../plan/steps-board.js';
import { describeModule } from '../judging/modules.js';
import { pass, type KindRunner } from '../result.js';

async function attempt<T>(read: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await read();
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

export const runInspect: KindRunner<InspectStep> = async (step, ctx) => {
  const { board } = ctx;
  ctx.note('inspecting the board');
  const mode = await board.presence(ctx.signal);
  const snapshot: Record<string, unknown> = {
    ...(step.label ? { label: step.label } : {}),
    id: board.id, platform: board.platform.name, mode, resetReason: board.lastResetReason() ?? null,
  };
  if (mode !== 'absent' && mode !== 'dfu') {
    const app = await attempt(() => board.runningApp(ctx.signal));
    snapshot.app = 'error' in app ? app : { hash: app.hash?.toLowerCase() ?? null, source: app.source };
    const modules = await attempt(() => board.modules(ctx.signal));
    snapshot.modules = Array.isArray(modules) ? modules.map(describeModule) : modules;
  }
  snapshot.logLines = board.log.lines().length;
  if (board.events) snapshot.events = board.events.events().length;
  return pass({ details: snapshot });
};
