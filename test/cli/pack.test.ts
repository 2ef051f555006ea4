import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

// The package as a user gets it: packed from a checkout that was never built (prepack must build),
// installed into an empty project from the npm registry, and run on a policy repository that is
// outside both.
describe('npm pack, install the tarball, run it elsewhere', () => {
  const work = mkdtempSync(join(tmpdir(), 'succession-pack-'));
  const checkout = join(work, 'checkout');
  const project = join(work, 'project');
  const repo = join(work, 'policies');
  let tarball = '';
  let packed: string[] = [];

  beforeAll(() => {
    const tracked = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
      .split('\0')
      .filter((f) => f !== '' && !f.startsWith('dist/') && !f.startsWith('node_modules/'));
    for (const f of tracked) {
      mkdirSync(dirname(join(checkout, f)), { recursive: true });
      try {
        cpSync(join(ROOT, f), join(checkout, f));
      } catch (e) {
        // why: `ls-files -c` still lists a tracked file deleted in the working tree.
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: checkout, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const info = JSON.parse(out.slice(out.indexOf('['))) as { filename: string; files: { path: string }[] }[];
    tarball = join(work, info[0]!.filename);
    packed = info[0]!.files.map((f) => f.path).sort();

    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name":"user-project","version":"1.0.0","private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], { cwd: project, stdio: 'pipe' });
    cpSync(join(ROOT, 'policies'), repo, { recursive: true });
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const npx = (args: string[], cwd = repo) =>
    spawnSync('npx', ['--no-install', '--prefix', project, 'succession', ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

  it('ships the bundle, the schemas and the docs, and nothing it does not run', () => {
    expect(packed).toContain('dist/bin/cli/main.js');
    expect(packed).toContain('dist/bin/lint-worker.js');
    expect(packed).toContain('schemas/policy.schema.json');
    expect(packed).toContain('docs/rules/no-promotable-candidate.md');
    expect(packed.filter((f) => !/^(dist\/bin\/|schemas\/|docs\/|package\.json$|README\.md$|LICENSE)/.test(f))).toEqual([]);
  });

  it('installs only what the bundle does not contain', () => {
    const installed = readdirSync(join(project, 'node_modules')).filter((d) => !d.startsWith('.'));
    for (const bundled of ['yaml', 'ajv', 'commander', 'ini']) expect(installed).not.toContain(bundled);
    expect(installed).toContain('mysql2');
  });

  it('lints the policy repository with npx succession', () => {
    const r = npx(['lint', '.']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('builds the engine configs and checks them against the recorded topology', () => {
    const built = npx(['build', '--out', join(work, 'out'), '.']);
    expect(built.stderr).toMatch(/^succession: wrote \d+ file\(s\)/);
    expect(built.status).toBe(0);
    expect(readdirSync(join(work, 'out')).sort()).toEqual(expect.arrayContaining(['cmon', 'mha', 'orchestrator']));
    const checked = npx(['check', '--topology', 'topology.json', '.']);
    expect(checked.status).toBe(0);
  });

  it('writes the report page from the bundle (d3-hierarchy inside it), without the docs screenshots in the package', () => {
    const r = npx(['report', '.', '--out', join(work, 'report')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(join(work, 'report/index.html'), 'utf8')).toContain('data-name="shop"');
    expect(packed.filter((f) => f.endsWith('.png'))).toEqual([]);
  });

  it('finds its rule docs and schemas inside the installed package', () => {
    const r = npx(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('no-promotable-candidate');
    expect(npx(['schema', 'policy', '--path']).stdout).toBe(`${join(realpathSync(project), 'node_modules/succession/schemas/policy.schema.json')}\n`);
  });

  it('scaffolds a repository in the project it is installed in, its modelines pointing into node_modules', () => {
    const init = npx(['init'], project);
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).not.toContain('not installed');
    expect(readFileSync(join(project, 'policies/fleet.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/node_modules\/succession\/schemas\/fleet\.schema\.json\n/);
    const lint = npx(['lint'], project);
    expect(lint.stdout + lint.stderr).toBe('');
    expect(lint.status).toBe(0);
  });
});
