import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { load, CORE_SCHEMA } from 'js-yaml';
import { plainData } from './dist/policy/plain-data.js';
const dir = '/tmp/bf/fleet/clusters';
const texts = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'));
const mode = process.argv[2];
for (let r = 0; r < 3; r++) {
  const t0 = performance.now();
  for (const text of texts) {
    if (mode === 'core') load(text, { schema: CORE_SCHEMA });
    else plainData(text);
  }
  console.log(mode, (performance.now() - t0).toFixed(0), 'ms');
}
