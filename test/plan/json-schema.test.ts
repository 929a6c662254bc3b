// The committed JSON Schemas equal a fresh export of the zod schemas, so
// editors never check plans against a stale format.
import t from 'tap';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { z } from 'zod';
import { fileURLToPath } from 'node:url';
import { JSON_SCHEMA_FILES, jsonSchemaTexts, planJsonSchema } from '../../src/json-schema/export.js';
import { DURATION_PATTERN } from '../../src/plan/duration.js';
import { STEP_KINDS } from '../../src/plan/schema.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

t.test('schema/*.schema.json are up to date', async (t) => {
  const fresh = jsonSchemaTexts();
  for (const [which, rel] of Object.entries(JSON_SCHEMA_FILES) as [keyof typeof fresh, string][]) {
    const committed = await readFile(root + rel, 'utf8');
    t.equal(committed, fresh[which], `${rel} matches the zod schema (regenerate: npx tsx src/json-schema/write.ts)`);
  }
});

t.test('the plan schema describes what editors need', async (t) => {
  const schema = planJsonSchema() as {
    $schema: string; required: string[]; additionalProperties: boolean;
    definitions: { Step: { anyOf: { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean }[] } };
  };
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  t.same(schema.required.sort(), ['plan', 'steps']);
  t.equal(schema.additionalProperties, false, 'unknown top-level keys are flagged');
  const branches = schema.definitions.Step.anyOf;
  t.same(branches.map((b) => b.required[0]).sort(), [...STEP_KINDS].sort(), 'one branch per step kind, keyed by its kind');
  t.ok(branches.every((b) => b.additionalProperties === false), 'unknown step keys are flagged');
  const wait = branches.find((b) => b.required[0] === 'wait')!;
  t.same(wait.properties.wait, { type: 'string', pattern: DURATION_PATTERN, description: 'board time, e.g. 500ms, 30s, 2m, 1h30m' });
});

// What an editor does: check the YAML value against the committed JSON Schema.
// zod's own JSON Schema reader stands in for yaml-language-server here.
t.test('editors accept the good fixtures and flag the bad ones', async (t) => {
  const load = async (rel: string) => parse(await readFile(root + rel, 'utf8')) as unknown;
  const plan = z.fromJSONSchema(JSON.parse(await readFile(root + JSON_SCHEMA_FILES.plan, 'utf8')));
  const bench = z.fromJSONSchema(JSON.parse(await readFile(root + JSON_SCHEMA_FILES.bench, 'utf8')));
  for (const f of ['plans-good/design-example.yaml', 'plans-good/all-steps.yaml']) {
    t.ok(plan.safeParse(await load(`test/fixtures/${f}`)).success, f);
  }
  for (const f of ['benches-good/lab.yaml', 'benches-good/sim.yaml']) {
    t.ok(bench.safeParse(await load(`test/fixtures/${f}`)).success, f);
  }
  for (const f of ['unknown-step', 'bad-duration', 'bad-enum', 'unknown-key', 'unknown-platform', 'nested-repeat', 'wrong-type']) {
    t.notOk(plan.safeParse(await load(`test/fixtures/plans-bad/${f}.yaml`)).success, `plans-bad/${f}.yaml`);
  }
  for (const f of ['inline-token', 'bad-device-id', 'unknown-key', 'time-scale']) {
    t.notOk(bench.safeParse(await load(`test/fixtures/benches-bad/${f}.yaml`)).success, `benches-bad/${f}.yaml`);
  }
});
