/**
 * Writes flows/flow.schema.json from the zod flow schema (`pnpm schema`). With `--check` it
 * writes nothing and exits 1 when the committed file differs from what would be generated.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { renderFlowJsonSchema } from '../src/schemas';

const root = resolve(__dirname, '../../..');
const target = resolve(root, 'flows/flow.schema.json');
const generated = renderFlowJsonSchema();

if (process.argv.includes('--check')) {
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current !== generated) {
    console.error(`${relative(root, target)} is out of date; run \`pnpm schema\``);
    process.exit(1);
  }
  console.log(`${relative(root, target)} is up to date`);
} else {
  writeFileSync(target, generated);
  console.log(`wrote ${relative(root, target)}`);
}
