// JSON Schemas for editors, exported from the zod schemas (the one source of
// truth). They describe what a user writes (the input side of transforms).
// schema/*.schema.json are committed; a test keeps them equal to a fresh export.
import { z } from 'zod';
import { BenchSchema } from '../bench/schema.js';
import { PlanSchema } from './schema.js';

export const JSON_SCHEMA_FILES = {
  plan: 'schema/plan.schema.json',
  bench: 'schema/bench.schema.json',
} as const;

function exportSchema(schema: z.ZodType, id: string): Record<string, unknown> {
  // draft-07: the draft YAML editors (yaml-language-server) support best.
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-07', unrepresentable: 'throw' }) as Record<string, unknown>;
  return { ...json, $id: id };
}

export function planJsonSchema(): Record<string, unknown> {
  return exportSchema(PlanSchema, 'https://particle-rig.local/schema/plan.schema.json');
}

export function benchJsonSchema(): Record<string, unknown> {
  return exportSchema(BenchSchema, 'https://particle-rig.local/schema/bench.schema.json');
}

/** The file text: stable key order as produced, two-space indent, final newline. */
export function renderJsonSchema(schema: Record<string, unknown>): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

export function jsonSchemaTexts(): Record<keyof typeof JSON_SCHEMA_FILES, string> {
  return { plan: renderJsonSchema(planJsonSchema()), bench: renderJsonSchema(benchJsonSchema()) };
}
