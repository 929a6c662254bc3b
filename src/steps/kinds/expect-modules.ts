// expect-modules: every expectation is met by a module the board reports
// (versions, dependency and integrity checks, location). A miss is diagnosed
// from the same table (e.g. the unmet dependency behind safe mode).
import type { ExpectModulesStep } from '../../plan/steps-modules.js';
import { diagnoseFailure, diagnosisFields } from '../judging/evidence.js';
import { describeExpectation, describeModule, unmetExpectation } from '../judging/modules.js';
import { fail, pass, type KindRunner } from '../result.js';

export const runExpectModules: KindRunner<ExpectModulesStep> = async (step, ctx) => {
  ctx.note('reading the module table');
  const modules = await ctx.board.modules(ctx.signal);
  const actual = modules.map(describeModule);
  const misses = step.modules.flatMap((x) => {
    const why = unmetExpectation(x, modules);
    return why ? [why] : [];
  });
  if (misses.length === 0) return pass({ actual });
  const d = await diagnoseFailure(ctx, { modules });
  const fields = diagnosisFields(d, misses.join('; '));
  return fail(step.modules.map(describeExpectation), actual, { ...fields, details: { ...fields.details, misses } });
};
