import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach } from 'vitest';
import { fileURLToPath } from 'node:url';
import { analyze, type PolicyInput } from '../../src/lint.js';
import type { Repo } from '../../src/rules/rule.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist/bin/cli/main.js');

/** Runs the built CLI in `cwd`, without colour or GitHub annotations. */
export function runBuilt(args: string[], cwd: string = ROOT): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file below `dir`: its path relative to `dir`, and its text, in path order. */
export function fileTree(dir: string): Map<string, string> {
  return new Map(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [join(e.parentPath, e.name).slice(dir.length + 1), readFileSync(join(e.parentPath, e.name), 'utf8')] as const)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

/** Copies the example repository (policies/) into `dir`; returns `dir`. */
export function copyExample(dir: string): string {
  cpSync(join(ROOT, 'policies'), join(dir, 'policies'), { recursive: true });
  return dir;
}

/** A maker of temporary directories that are removed after each test of the calling file. */
export function tempDirs(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
}

/** The example repository as lint inputs, with paths relative to the project root. */
export function exampleInputs(): PolicyInput[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.yaml') ? [join(dir, e.name)] : []));
  return walk(join(ROOT, 'policies'))
    .sort()
    .map((f) => ({ path: relative(ROOT, f), text: readFileSync(f, 'utf8') }));
}

/** Resolves policy texts into a repository; throws when they do not even pass the schema. */
export function repoOf(files: Record<string, string>): Repo {
  const a = analyze(Object.entries(files).map(([path, text]) => ({ path, text })));
  if (a.readFindings.length > 0) throw new Error(`fixture does not parse: ${a.readFindings.map((f) => `${f.file}:${f.line} ${f.message}`).join('; ')}`);
  return a.repo;
}

export const FLEET = `kind: fleet
orchestrator:
  deployments:
    main:
      raft: { nodes: [orc-1, orc-2, orc-3] }
      topologyCredentialsFile: /etc/orchestrator/topology.cnf
cmon:
  vendor: percona
mha:
  sshUser: mha
`;

/** A cluster policy; `extra` is appended verbatim (top-level YAML keys). */
export function cluster(name: string, id: number, extra = ''): string {
  return `kind: cluster
name: ${name}
primary: ${name}-1:3306
cmon: { clusterId: ${id} }
orchestrator: { deployment: main }
mha: { enabled: true }
hosts:
  ${name}-1:3306: { dc: dc1 }
  ${name}-2:3306: { dc: dc1, promotion: prefer }
  ${name}-3:3306: { dc: dc1 }
  ${name}-4:3306: { dc: dc2 }
  ${name}-5:3306: { dc: dc1, role: backup }
${extra}`;
}

/** Runs the built CLI with `args` in `cwd` and kills it with SIGKILL after `ms` (if it still runs). */
export function runKilledAfter(args: string[], cwd: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
