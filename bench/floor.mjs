// The floor: what any tool must at least do for a policy repository, in one process — read
// every file, parse it with `yaml` and validate it with the precompiled ajv schema. With
// `js-yaml` as the second argument it parses with js-yaml instead (its core schema), as
// succession reads most policies (see src/policy/plain-data.ts): a second, lower floor for reference.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { validators } from '../dist/policy/schema.js';

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

const parse = process.argv[3] === 'js-yaml' ? (text) => load(text, { schema: CORE_SCHEMA }) : (text) => parseDocument(text, { lineCounter: new LineCounter() }).toJS();
const v = validators();
let valid = 0;
for (const file of walk(process.argv[2])) {
  const data = parse(readFileSync(file, 'utf8'));
  if ((data.kind === 'fleet' ? v.fleet : v.cluster)(data)) valid++;
}
process.stdout.write(`${valid}\n`);
