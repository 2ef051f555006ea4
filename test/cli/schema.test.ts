import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.js';

describe('succession schema', () => {
  it.each(['policy', 'fleet', 'topology'])('prints the %s schema as shipped, and its path', (name) => {
    const file = join(ROOT, 'schemas', `${name}.schema.json`);
    const r = run(['schema', name]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    expect((JSON.parse(r.stdout) as { $id: string }).$id).toBe(`https://succession.dev/schemas/${name}.schema.json`);
    expect(run(['schema', name, '--path']).stdout).toBe(`${file}\n`);
  });

  it('knows the config schema by name, and says when this installation lacks it', () => {
    const file = join(ROOT, 'schemas', 'config.schema.json');
    const r = run(['schema', 'config']);
    if (existsSync(file)) {
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(readFileSync(file, 'utf8'));
    } else {
      expect(r.status).toBe(2);
      expect(r.stderr).toBe('succession: the config schema is missing from this installation\n');
    }
  });

  it('rejects an unknown name with the list and a suggestion', () => {
    const r = run(['schema', 'polcy']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('succession: unknown schema "polcy" (schemas: policy, fleet, topology, config). Did you mean "policy"?\n');
    expect(run(['schema']).status).toBe(2);
  });
});
