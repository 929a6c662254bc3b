// JSON Schemas for editors, exported from the zod schemas (the one source of
// truth). They describe what a user writes (the input side of transforms).
// schema/*.schema.json are committed; a test keeps them equal to a fresh export.
import { z } from 'zod';
import { BenchSchema } from '../bench/schema.js';
import { PlanSchema } from '../plan/schema.js';

export const JSON_SCHEMA_FILES = {
  plan: 'schema/plan.schema.json',
  bench: 'schema/bench.schema.json',
} as const;

// draft-07: the draft YAML editors (yaml-language-server) support best. No
// $id: editors find the file by the path in the plan's modeline.
function exportSchema(schema: z.ZodType): Record<string, unknown> {
  return z.toJSONSchema(schema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as Record<string, unknown>;
}

export function planJsonSchema(): Record<string, unknown> {
  return exportSchema(PlanSchema);
}

export function benchJsonSchema(): Record<string, unknown> {
  return exportSchema(BenchSchema);
}

/** The file text: stable key order as produced, two-space indent, final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function jsonSchemaTexts(): Record<keyof typeof JSON_SCHEMA_FILES, string> {
  return { plan: renderJsonSchema(planJsonSchema()), bench: renderJsonSchema(benchJsonSchema()) };
}
