import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { run } from './helpers.js';

// The SARIF 2.1.0 schema as Microsoft publishes it (the npm package of its SARIF matchers ships it).
const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;
// why: the schema's `language` pattern is not a valid regular expression in unicode mode.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv);
const validate = ajv.compile(schema);

interface Location {
  physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } };
}
interface Sarif {
  runs: {
    tool: { driver: { rules: { id: string; shortDescription: { text: string }; fullDescription: { text: string }; help: { text: string; markdown: string } }[] } };
    originalUriBaseIds: Record<string, { uri: string }>;
    results: { ruleId: string; locations: Location[]; partialFingerprints: Record<string, string> }[];
  }[];
}

const CLUSTER = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { role: backup, promotion: prefer }
  db3:3306: { role: backup, promotion: prefer }
`;

/** A policy repository (a git repository) with findings, linted from a sub-directory. */
function repository(): string {
  const root = mkdtempSync(join(tmpdir(), 'succession sarif #1-'));
  execFileSync('git', ['init', '-q', root]);
  mkdirSync(join(root, 'policies', 'clusters'), { recursive: true });
  writeFileSync(join(root, 'policies', 'fleet.yaml'), 'kind: fleet\n');
  writeFileSync(join(root, 'policies', 'clusters', 'shop é.yaml'), CLUSTER);
  return root;
}

const lint = (cwd: string, env: Record<string, string> = {}) => run(['lint', '.', '-f', 'sarif'], { cwd, env });

describe('SARIF for GitHub code scanning', () => {
  it('validates against the SARIF 2.1.0 schema', () => {
    const r = lint(join(repository(), 'policies'));
    expect(r.status).toBe(1);
    const log = JSON.parse(r.stdout) as Sarif;
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(log.runs[0]!.results.length).toBeGreaterThan(0);
    // The schema is strict enough to notice: a result without its message, a relative URI base.
    const broken = JSON.parse(r.stdout) as { runs: { results: { message?: unknown }[]; originalUriBaseIds: Record<string, { uri: string }> }[] };
    delete broken.runs[0]!.results[0]!.message;
    expect(validate(broken)).toBe(false);
    const relativeBase = JSON.parse(r.stdout) as typeof broken;
    relativeBase.runs[0]!.originalUriBaseIds['%SRCROOT%']!.uri = 'not a uri';
    expect(validate(relativeBase)).toBe(false);
  });

  it('describes every rule: short and full description, and its documentation page as help', () => {
    const log = JSON.parse(lint(join(repository(), 'policies')).stdout) as Sarif;
    const rules = log.runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const r of rules) {
      expect(r.shortDescription.text).not.toBe('');
      expect(r.fullDescription.text).not.toBe('');
      expect(r.fullDescription.text).not.toMatch(/^#|Severity:/);
      expect(r.help.markdown).toMatch(new RegExp(`^# ${r.id}\\n`));
      expect(r.help.text).toBe(r.help.markdown);
    }
  });

  it('places results relative to the repository root (%SRCROOT%), whatever directory it ran in', () => {
    const root = repository();
    for (const cwd of [root, join(root, 'policies'), join(root, 'policies', 'clusters')]) {
      const log = JSON.parse(lint(cwd).stdout) as Sarif;
      const run0 = log.runs[0]!;
      expect(run0.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`file://${root.split('/').map(encodeURIComponent).join('/')}/`);
      const locations = run0.results.flatMap((x) => x.locations);
      expect(locations.length).toBeGreaterThan(0);
      for (const l of locations) {
        expect(l.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
        expect(decodeURIComponent(l.physicalLocation.artifactLocation.uri)).toBe('policies/clusters/shop é.yaml');
      }
    }
  });

  it('inside GitHub Actions, paths are relative to GITHUB_WORKSPACE, in SARIF and in annotations', () => {
    const root = repository();
    const log = JSON.parse(lint(join(root, 'policies'), { GITHUB_WORKSPACE: root }).stdout) as Sarif;
    expect(decodeURIComponent(log.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri)).toBe('policies/clusters/shop é.yaml');
    const annotations = run(['lint', '.', '-f', 'github'], { cwd: join(root, 'policies'), env: { GITHUB_WORKSPACE: root } });
    expect(annotations.stdout).toContain('::error file=policies/clusters/shop é.yaml,line=');
  });

  it('keeps partial fingerprints when a finding moves to another line, and tells identical findings apart', () => {
    const root = repository();
    const cwd = join(root, 'policies');
    const before = JSON.parse(lint(cwd).stdout) as Sarif;
    writeFileSync(join(cwd, 'clusters', 'shop é.yaml'), `# a comment\n# and another\n${CLUSTER}`);
    const after = JSON.parse(lint(cwd).stdout) as Sarif;
    const prints = (log: Sarif) => log.runs[0]!.results.map((x) => x.partialFingerprints['succession/v1']);
    const lines = (log: Sarif) => log.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.region.startLine);
    expect(lines(after)).toEqual(lines(before).map((l) => l + 2));
    expect(prints(after)).toEqual(prints(before));
    expect(new Set(prints(before)).size).toBe(prints(before).length);
  });
});
