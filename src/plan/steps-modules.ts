// expect-modules: what the board's module table must show (as `s` or the
// GET_MODULE_INFO request report it): versions, dependency and integrity
// checks, locations.
import { z } from 'zod';
import { withFix } from '../yaml/describe.js';
import { common, commonShape } from './step-common.js';
import { CHECK_RESULTS, MODULE_FUNCTIONS, MODULE_LOCATIONS } from './vocabulary.js';

export const VERSION_OPS = ['=', '!=', '>=', '>', '<=', '<'] as const;
export type VersionOp = (typeof VERSION_OPS)[number];
export interface VersionCheck { op: VersionOp; value: number }

const VERSION_RE = /^\s*(==|=|!=|>=|>|<=|<)?\s*(\d+)\s*$/;

/** "1406", ">=1406", "<3000"; `==` is accepted for `=`. */
export function parseVersionCheck(text: string): VersionCheck | undefined {
  const m = VERSION_RE.exec(text);
  if (!m) return undefined;
  const op = (m[1] === '==' || m[1] === undefined ? '=' : m[1]) as VersionOp;
  return { op, value: Number(m[2]) };
}

export function versionSatisfies(check: VersionCheck, version: number): boolean {
  switch (check.op) {
    case '=': return version === check.value;
    case '!=': return version !== check.value;
    case '>=': return version >= check.value;
    case '>': return version > check.value;
    case '<=': return version <= check.value;
    case '<': return version < check.value;
  }
}

const badVersion = (iss: { input?: unknown }) =>
  withFix(`${typeof iss.input === 'string' ? `'${iss.input}'` : String(iss.input)} is not a module version like 1406 or >=1406`,
    'a whole number, optionally after one of = != >= > <= <');

const Version = z
  .union([
    z.number({ error: badVersion }).int({ error: badVersion }).min(0),
    z.string({ error: badVersion }).regex(VERSION_RE, { error: badVersion }),
  ])
  .transform((v): VersionCheck => (typeof v === 'number' ? { op: '=', value: v } : parseVersionCheck(v)!))
  .meta({ description: 'module version: 1406, or a comparison such as >=1406 or <3000' });

export const ModuleExpectationSchema = z.strictObject({
  function: z.enum(MODULE_FUNCTIONS),
  index: z.number().int().min(0).optional().meta({ description: 'module index (system part 1, 2...)' }),
  version: Version.optional(),
  dependencies: z.enum(CHECK_RESULTS).optional().meta({ description: 'result of the dependency check' }),
  integrity: z.enum(CHECK_RESULTS).optional().meta({ description: 'result of the integrity (CRC) check' }),
  location: z.enum(MODULE_LOCATIONS).optional(),
});

export const ExpectModulesStepSchema = z
  .strictObject({
    'expect-modules': z.array(ModuleExpectationSchema).min(1).meta({ description: 'modules the board must have; each entry must match one module' }),
    ...commonShape,
  })
  .transform((v) => ({ kind: 'expect-modules' as const, modules: v['expect-modules'], ...common(v) }));

export type ModuleExpectation = z.output<typeof ModuleExpectationSchema>;
export type ExpectModulesStep = z.output<typeof ExpectModulesStepSchema>;
