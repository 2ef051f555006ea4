import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyRuleSettings, configPath, ignoreMatcher, parseConfig } from '../../src/config/config.js';
import { findConfig, resolveRun } from '../../src/cli/config.js';
import { UsageError } from '../../src/cli/errors.js';
import type { Finding } from '../../src/findings.js';
import { documentKind, isPolicyDocument } from '../../src/policy/schema.js';
import { lint } from '../../src/lint.js';

const at = { line: 1, column: 1, endLine: 1, endColumn: 2 };
const finding = (ruleId: string, severity: Finding['severity']): Finding => ({ ruleId, severity, message: ruleId, file: 'a.yaml', ...at });

function problemsOf(text: string) {
  return parseConfig('succession.config.yaml', text, '/repo').problems.map((p) => `${p.line}:${p.column} ${p.ruleId} ${p.message}`);
}

describe('parseConfig', () => {
  it('reads every key, keeping where paths and fleet were set', () => {
    const { config, problems } = parseConfig(
      'succession.config.yaml',
      'kind: config\npaths:\n  - policies/\n  - "extra/**/*.yaml"\nignore: [policies/drafts]\nfleet: policies/fleet.yaml\nrules: { single-promotable-candidate: error, target-cannot-express: off }\nformat: json\n',
      '/repo',
    );
    expect(problems).toEqual([]);
    expect(config!.paths!.map((p) => [p.value, p.at.line, p.at.column])).toEqual([
      ['policies/', 3, 5],
      ['extra/**/*.yaml', 4, 5],
    ]);
    expect(config!.fleet).toMatchObject({ value: 'policies/fleet.yaml', at: { line: 6, column: 8 } });
    expect(config!.ignore).toEqual(['policies/drafts']);
    expect([...config!.rules]).toEqual([
      ['single-promotable-candidate', 'error'],
      ['target-cannot-express', 'off'],
    ]);
    expect(config!.format).toBe('json');
  });

  it('an unknown rule id is an error at its key, with the closest id', () => {
    expect(problemsOf('kind: config\nrules:\n  single-promotable-candiate: off\n')).toEqual([
      '3:3 schema Unknown rule "single-promotable-candiate" in "rules". Did you mean "single-promotable-candidate"?',
    ]);
  });

  it('a rule that guards the build may be raised, never lowered or turned off', () => {
    expect(problemsOf('kind: config\nrules: { unused-suppression: error, build-drift: error }\n')).toEqual([]);
    const problems = problemsOf('kind: config\nrules:\n  schema: off\n  unused-suppression: info\n  build-drift: warning\n');
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^3:11 schema Rule "schema" cannot be set to off: its findings cannot be suppressed .*It is always an error\.$/);
    expect(problems[1]).toMatch(/^4:23 schema Rule "unused-suppression" cannot be set to info: .*not lowered below warning\.$/);
    expect(problems[2]).toMatch(/^5:16 schema Rule "build-drift" cannot be set to warning: it guards the build/);
  });

  it('schema and syntax problems come with their positions', () => {
    expect(problemsOf('kind: config\npath: [policies/]\n')).toEqual(['2:1 schema Unknown key "path" in the config document. Did you mean "paths"?']);
    expect(problemsOf('kind: config\nformat: sarf\n')).toEqual([
      '2:9 schema "format" must be one of stylish, json, sarif, github, junit, gitlab (got "sarf"). Did you mean "sarif"?',
    ]);
    expect(problemsOf('kind: config\nrules: { no-promotable-candidate: fatal }\n')[0]).toMatch(/^2:35 schema "rules.no-promotable-candidate" must be one of off, info, warning, error/);
    expect(problemsOf('kind: config\npaths: [a\n')[0]).toMatch(/^\d+:\d+ syntax /);
    expect(problemsOf('paths: [a]\n')).toEqual(['1:1 schema Missing required key "kind" in the config document.']);
    expect(problemsOf('kind: cluster\n')).toEqual(['1:7 schema "kind" must be "config" (got "cluster").']);
  });
});

describe('README', () => {
  it('the example configuration file is valid', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration file'));
    const example = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const { config, problems } = parseConfig('succession.config.yaml', example, '/repo');
    expect(problems).toEqual([]);
    expect(config!.paths!.map((p) => p.value)).toEqual(['policies/']);
    expect(config!.rules.size).toBeGreaterThan(0);
  });
});

describe('applyRuleSettings', () => {
  it('drops what is off, replaces the severity of the rest, leaves other rules alone', () => {
    const rules = new Map([
      ['a', 'off'],
      ['b', 'error'],
    ] as const);
    const out = applyRuleSettings([finding('a', 'warning'), finding('b', 'info'), finding('c', 'warning')], rules);
    expect(out.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['b:error', 'c:warning']);
  });
});

describe('ignoreMatcher and configPath', () => {
  it('matches paths relative to the configuration directory, whatever the working directory', () => {
    const ignored = ignoreMatcher({ dir: '/repo', ignore: ['policies/drafts/', '**/*.example.yaml'] }, '/repo/sub')!;
    expect(ignored('../policies/drafts')).toBe(true);
    expect(ignored('../policies/clusters/a.example.yaml')).toBe(true);
    expect(ignored('../policies/clusters/a.yaml')).toBe(false);
    expect(ignored('../../elsewhere/policies/drafts')).toBe(false);
    expect(ignoreMatcher({ dir: '/repo', ignore: [] }, '/repo')).toBeUndefined();
    expect(configPath({ dir: '/repo' }, 'policies/', '/repo/sub/deep')).toBe('../../policies');
    expect(configPath({ dir: '/repo' }, '.', '/repo')).toBe('.');
  });
});

describe('isPolicyDocument and documentKind', () => {
  it('walked YAML is a policy only with a policy kind, or a typo of one', () => {
    expect(isPolicyDocument('a.yaml', 'kind: cluster\nname: x\n')).toBe(true);
    expect(isPolicyDocument('a.yaml', "# c\nkind: 'fleet' # the fleet\n")).toBe(true);
    expect(isPolicyDocument('a.yaml', '{ name: x, kind: cluster }')).toBe(true);
    expect(isPolicyDocument('a.yaml', 'kind: clsuter\n')).toBe(true);
    expect(isPolicyDocument('a.yaml', 'kind: cluster\nhosts: [\n')).toBe(true);
    expect(isPolicyDocument('a.yml', 'services:\n  db: { image: mariadb }\n')).toBe(false);
    expect(isPolicyDocument('a.yml', 'on: push\njobs: {}\n')).toBe(false);
    expect(isPolicyDocument('a.yml', 'apiVersion: v1\nkind: ConfigMap\n')).toBe(false);
    expect(isPolicyDocument('a.yml', 'kind: config\n')).toBe(false);
    expect(isPolicyDocument('a.yml', 'spec:\n  kind: cluster\n')).toBe(false);
  });

  it('a configuration file named for lint is checked as one and is no cluster', () => {
    expect(documentKind({ kind: 'config' })).toBe('config');
    const r = lint([{ path: 'succession.config.yaml', text: 'kind: config\nrules: { nope: off }\n' }]);
    expect(r.analysis.repo.clusters).toEqual([]);
    expect(r.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual(['2:10 schema']);
  });
});

describe('findConfig and resolveRun', () => {
  function repo(): string {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'succession-config-')));
    mkdirSync(join(dir, 'sub', 'deep'), { recursive: true });
    mkdirSync(join(dir, 'policies'), { recursive: true });
    writeFileSync(join(dir, 'policies', 'fleet.yaml'), 'kind: fleet\n');
    return dir;
  }

  it('finds the nearest configuration file upward, past a .git directory', () => {
    const dir = repo();
    expect(findConfig(join(dir, 'sub', 'deep'))).toBeUndefined();
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\n');
    mkdirSync(join(dir, 'sub', '.git'));
    expect(findConfig(join(dir, 'sub', 'deep'))).toBe(join(dir, 'succession.config.yaml'));
  });

  it('fills in paths, fleet and format from the configuration; flags and arguments win', () => {
    const dir = repo();
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\npaths: [policies/]\nfleet: policies/fleet.yaml\nformat: json\n');
    const cwd = join(dir, 'sub', 'deep');
    const opts: { fleet?: string; format?: 'json' | 'sarif' } = {};
    const run = resolveRun([], opts, cwd);
    expect(run.paths).toEqual(['../../policies']);
    expect(run.origin('../../policies')).toBe('paths in ../../succession.config.yaml:2:9');
    expect(opts).toEqual({ fleet: '../../policies/fleet.yaml', format: 'json' });
    const flags: { fleet?: string; format?: 'json' | 'sarif' } = { fleet: 'f.yaml', format: 'sarif' };
    expect(resolveRun(['x.yaml'], flags, cwd).paths).toEqual(['x.yaml']);
    expect(flags).toEqual({ fleet: 'f.yaml', format: 'sarif' });
    expect(resolveRun([], { config: false }, cwd).paths).toEqual(['policies/']);
  });

  it('an invalid configuration is a usage error with file:line:column', () => {
    const dir = repo();
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\nformat: xml\n');
    let error: unknown;
    try {
      resolveRun([], {}, join(dir, 'sub'));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).lines).toEqual(['invalid configuration file ../succession.config.yaml:', expect.stringMatching(/^\.\.\/succession\.config\.yaml:2:9: "format" must be one of/)]);
  });
});
