// Writes schema/plan.schema.json and schema/bench.schema.json from the zod
// schemas. Run after changing a schema: npx tsx src/json-schema/write.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RIG_ROOT } from '../core/rig-root.js';
import { JSON_SCHEMA_FILES, jsonSchemaTexts } from './export.js';

const texts = jsonSchemaTexts();
for (const [which, rel] of Object.entries(JSON_SCHEMA_FILES) as [keyof typeof JSON_SCHEMA_FILES, string][]) {
  const file = join(RIG_ROOT, rel);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, texts[which]);
  process.stdout.write(`wrote ${rel}\n`);
}
