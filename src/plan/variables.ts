// ${VARS} in firmware path templates. ${platform}, ${board} and ${id} come
// from the board a run is for; any other name from `--set NAME=FILE`, else
// the environment, else the plan's `env` defaults. Relative results resolve
// against the folder of the plan file (a --set value arrives absolute: the
// CLI resolved it against the folder the user typed it in).
import { isAbsolute, resolve } from 'node:path';
import type { PlatformName } from '../core/platform.js';

export const BOARD_VARIABLES = ['platform', 'board', 'id'] as const;
export type BoardVariable = (typeof BOARD_VARIABLES)[number];

/** The board a template is expanded for. */
export interface BoardVars {
  platform: PlatformName;
  board: string;
  id: string;
}

const VAR_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type TemplatePart = { text: string } | { variable: string };

/** Splits a template into text and ${NAME} parts; a malformed ${...} is returned as an error message. */
export function parseTemplate(template: string): { parts: TemplatePart[] } | { error: string } {
  const parts: TemplatePart[] = [];
  let at = 0;
  while (at < template.length) {
    const open = template.indexOf('${', at);
    if (open < 0) {
      parts.push({ text: template.slice(at) });
      break;
    }
    if (open > at) parts.push({ text: template.slice(at, open) });
    const close = template.indexOf('}', open);
    if (close < 0) return { error: `'${template}' has a \${ without its closing }` };
    const name = template.slice(open + 2, close);
    if (!VAR_NAME_RE.test(name)) return { error: `'\${${name}}' is not a variable: names are letters, digits and _` };
    parts.push({ variable: name });
    at = close + 1;
  }
  return { parts };
}

export function isVariableName(name: string): boolean {
  return VAR_NAME_RE.test(name);
}

export function isBoardVariable(name: string): name is BoardVariable {
  return (BOARD_VARIABLES as readonly string[]).includes(name);
}

/** Where non-board variables come from: --set first, then the environment, then the plan's defaults. */
export function variableLookup(
  planEnv: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = process.env,
  set: Readonly<Record<string, string>> = {},
) {
  return (name: string): string | undefined => (Object.hasOwn(set, name) ? set[name] : undefined) ?? env[name] ?? planEnv[name];
}

/** How to give a variable a template needs. */
export function unsetFix(name: string): string {
  return `set it with --set ${name}=FILE or in the environment, or give a default under env: in the plan`;
}

/** Expands a parsed template; returns the first undefined variable instead of guessing. */
export function expandParts(
  parts: readonly TemplatePart[],
  board: BoardVars | undefined,
  lookup: (name: string) => string | undefined,
): { value: string } | { undefinedVariable: string } {
  let value = '';
  for (const part of parts) {
    if ('text' in part) {
      value += part.text;
      continue;
    }
    const v = isBoardVariable(part.variable) ? board?.[part.variable] : lookup(part.variable);
    if (v === undefined) return { undefinedVariable: part.variable };
    value += v;
  }
  return { value };
}

/** An expanded path made absolute against the plan's folder. */
export function resolveFrom(planDir: string, path: string): string {
  return isAbsolute(path) ? path : resolve(planDir, path);
}
