// The floor: what any tool must at least do for a policy repository, in one process — read
// every file, parse it with `yaml` and validate it with the precompiled ajv schema.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { validators } from '../dist/policy/schema.js';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const v = validators();
let valid = 0;
for (const file of walk(process.argv[2])) {
  const lineCounter = new LineCounter();
  const data = parseDocument(readFileSync(file, 'utf8'), { lineCounter }).toJS();
  if ((data.kind === 'fleet' ? v.fleet : v.cluster)(data)) valid++;
}
process.stdout.write(`${valid}\n`);
