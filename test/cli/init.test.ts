import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, run } from './helpers.js';

const FILES = ['succession.config.yaml', 'policies/fleet.yaml', 'policies/clusters/example.yaml', '.github/workflows/succession.yml'];
const SCHEMA_OF: Record<string, string> = { 'policies/fleet.yaml': 'fleet.schema.json', 'policies/clusters/example.yaml': 'policy.schema.json' };

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'succession-init-'));
}

/** The `$schema` of a file's yaml-language-server modeline, resolved as the language server does. */
function modelineSchema(file: string): string | undefined {
  const m = /^# yaml-language-server: \$schema=(\S+)\n/.exec(readFileSync(file, 'utf8'));
  return m === null ? undefined : resolve(dirname(file), m[1]!);
}

describe('succession init', () => {
  it('scaffolds a repository that lints clean and builds, with modelines naming this installation\'s schemas', () => {
    const dir = join(tempDir(), 'repo');
    const r = run(['init', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').slice(0, 4)).toEqual(FILES.map((f) => `created ${join(dir, f)}`));
    expect(r.stdout).toContain('succession is not installed in this repository');
    for (const [file, schema] of Object.entries(SCHEMA_OF)) expect(modelineSchema(join(dir, file))).toBe(join(ROOT, 'schemas', schema));

    const config = parse(readFileSync(join(dir, 'succession.config.yaml'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(config)).toEqual(['kind', 'paths', 'fleet', 'format', 'rules']);
    expect(config).toMatchObject({ kind: 'config', fleet: 'policies/fleet.yaml', rules: {} });
    expect(existsSync(join(dir, config.fleet as string))).toBe(true);

    const lint = run(['lint'], { cwd: dir });
    expect(lint.stderr + lint.stdout).toBe('');
    expect(lint.status).toBe(0);
    const build = run(['build', '--out', 'generated'], { cwd: dir });
    expect(build.status, build.stderr).toBe(0);
    expect(readdirSync(join(dir, 'generated')).sort()).toEqual(['cmon', 'mha', 'orchestrator']);
    const check = run(['build', '--out', 'generated', '--check'], { cwd: dir });
    expect(check.status, check.stderr).toBe(0);
  });

  it('writes a workflow that uploads lint SARIF to code scanning and runs the drift gate', () => {
    const dir = tempDir();
    expect(run(['init', dir]).status).toBe(0);
    const workflow = parse(readFileSync(join(dir, '.github/workflows/succession.yml'), 'utf8')) as {
      permissions: Record<string, string>;
      jobs: Record<string, { permissions: Record<string, string>; steps: { uses?: string; run?: string; with?: Record<string, string>; if?: string }[] }>;
    };
    // why: the workflow's default token only reads; each job asks for what it writes.
    expect(workflow.permissions).toEqual({ contents: 'read' });
    expect(workflow.jobs.policies!.permissions['security-events']).toBe('write');
    const steps = workflow.jobs.policies!.steps;
    const lint = steps.findIndex((s) => s.run?.includes('succession lint --format sarif --output-file succession.sarif'));
    const upload = steps.findIndex((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'));
    const gate = steps.findIndex((s) => s.run?.includes('succession build --out generated --check'));
    expect(lint).toBeGreaterThan(-1);
    expect(upload).toBeGreaterThan(lint);
    expect(steps[upload]!.with?.sarif_file).toBe('succession.sarif');
    // A lint that finds errors fails its step; the findings must still be uploaded.
    expect(steps[upload]!.if).toContain("steps.lint.outcome == 'failure'");
    expect(gate).toBeGreaterThan(lint);
  });

  it('points the modelines into node_modules when succession is installed in the repository', () => {
    const dir = tempDir();
    cpSync(join(ROOT, 'schemas'), join(dir, 'node_modules/succession/schemas'), { recursive: true });
    const r = run(['init'], { cwd: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).not.toContain('not installed');
    expect(readFileSync(join(dir, 'policies/clusters/example.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/succession\/schemas\/policy\.schema\.json\n/);
    for (const [file, schema] of Object.entries(SCHEMA_OF)) expect(modelineSchema(join(dir, file))).toBe(join(dir, 'node_modules/succession/schemas', schema));
  });

  it('refuses to overwrite existing files, naming them, and writes nothing; --force replaces them', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'policies'));
    writeFileSync(join(dir, 'policies/fleet.yaml'), 'mine\n');
    writeFileSync(join(dir, 'succession.config.yaml'), 'mine too\n');
    const r = run(['init', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      `succession: init would overwrite ${join(dir, 'succession.config.yaml')}, ${join(dir, 'policies/fleet.yaml')}\nsuccession: nothing was written; use --force to replace them\n`,
    );
    expect(readFileSync(join(dir, 'policies/fleet.yaml'), 'utf8')).toBe('mine\n');
    expect(readdirSync(dir).sort()).toEqual(['policies', 'succession.config.yaml']);
    expect(readdirSync(join(dir, 'policies'))).toEqual(['fleet.yaml']);

    const forced = run(['init', dir, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stdout).toContain(`replaced ${join(dir, 'policies/fleet.yaml')}\n`);
    expect(forced.stdout).toContain(`created ${join(dir, 'policies/clusters/example.yaml')}\n`);
    expect(readFileSync(join(dir, 'policies/fleet.yaml'), 'utf8')).toContain('kind: fleet');
  });

  it('reports a file where a directory must go, even with --force', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'policies'), '');
    for (const args of [['init', dir], ['init', dir, '--force']]) {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`succession: init cannot create directories where files are: ${join(dir, 'policies')}\n`);
    }
    expect(readdirSync(dir)).toEqual(['policies']);
    const file = join(dir, 'policies');
    expect(run(['init', file]).stderr).toBe(`succession: init cannot create directories where files are: ${file}\n`);
  });
});
