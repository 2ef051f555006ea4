import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

const BAD = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { promotion: prefer }
  db3:3306: { role: backup }
candidates:
  whitelist: [db2:3306, db3:3306]
`;

const WARN_ONLY = `kind: cluster
name: solo
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: {}
`;

function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'succession-cli-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

describe('succession lint', () => {
  it('lints the example repository clean by default (policies/)', () => {
    const r = run(['lint']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('exits 1 with file:line:column findings for a policy with errors', () => {
    const dir = tempRepo({ 'bad.yaml': BAD });
    const r = run(['lint', join(dir, 'bad.yaml'), '--no-color']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(join(dir, 'bad.yaml'));
    expect(r.stdout).toMatch(/9:25 +error +db3:3306 is whitelisted but has role "backup"/);
    expect(r.stdout).toContain('candidate-with-excluded-role');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('reads standard input with -', () => {
    const r = run(['lint', '-', '--format', 'json', '--stdin-filename', 'piped.yaml'], { input: BAD });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.summary.files).toBe(1);
    expect(out.findings.map((f: { file: string }) => f.file)).toContain('piped.yaml');
  });

  it('honours --fail-on warning and --quiet', () => {
    const dir = tempRepo({ 'solo.yaml': WARN_ONLY });
    const file = join(dir, 'solo.yaml');
    const lenient = run(['lint', file]);
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).toContain('single-promotable-candidate');
    expect(run(['lint', file, '--fail-on', 'warning']).status).toBe(1);
    const quiet = run(['lint', file, '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.status).toBe(0);
  });

  it('expands directories and globs, and refuses paths that match nothing', () => {
    const dir = tempRepo({ 'a/one.yaml': WARN_ONLY.replace('solo', 'one'), 'a/b/two.yml': WARN_ONLY.replace('solo', 'two'), 'a/notes.txt': 'x' });
    const byDir = JSON.parse(run(['lint', join(dir, 'a'), '-f', 'json']).stdout);
    expect(byDir.summary.files).toBe(2);
    const byGlob = JSON.parse(run(['lint', `${dir}/a/**/*.yml`, '-f', 'json']).stdout);
    expect(byGlob.summary.files).toBe(1);
    const none = run(['lint', `${dir}/a/*.json`]);
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('no policy files found');
  });

  it('exits 2 without a stack trace for unreadable input and bad options', () => {
    const missing = run(['lint', 'does-not-exist.yaml']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('succession: cannot read does-not-exist.yaml: no such file or directory\n');
    const badFormat = run(['lint', '--format', 'xml']);
    expect(badFormat.status).toBe(2);
    expect(badFormat.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports YAML syntax errors at their position', () => {
    const dir = tempRepo({ 'broken.yaml': 'kind: cluster\nname: x\nname: y\nhosts: [\n' });
    const r = run(['lint', join(dir, 'broken.yaml'), '-f', 'json']);
    expect(r.status).toBe(1);
    const findings = JSON.parse(r.stdout).findings as { ruleId: string; line: number; column: number }[];
    expect(findings.every((f) => f.ruleId === 'syntax')).toBe(true);
    expect(findings.some((f) => f.line === 3 && f.column === 1)).toBe(true);
  });

  it('writes SARIF 2.1.0 with 1-based regions and rule help URIs', () => {
    const dir = tempRepo({ 'bad.yaml': BAD });
    const r = run(['lint', join(dir, 'bad.yaml'), '-f', 'sarif']);
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout);
    expect(sarif.version).toBe('2.1.0');
    const runObj = sarif.runs[0];
    const ruleIds = runObj.tool.driver.rules.map((x: { id: string }) => x.id);
    expect(ruleIds).toContain('candidate-with-excluded-role');
    for (const rule of runObj.tool.driver.rules) expect(rule.helpUri).toMatch(/^https:\/\/.+\/docs\/rules\/[a-z-]+\.md$/);
    expect(runObj.results.length).toBeGreaterThan(0);
    for (const res of runObj.results) {
      const region = res.locations[0].physicalLocation.region;
      expect(region.startLine).toBeGreaterThanOrEqual(1);
      expect(region.startColumn).toBeGreaterThanOrEqual(1);
      expect(ruleIds[res.ruleIndex]).toBe(res.ruleId);
    }
  });

  it('reports a fleet default that breaks every cluster once, at the fleet line, with each cluster as a SARIF related location', () => {
    const cluster = (name: string) => `kind: cluster\nname: ${name}\nprimary: ${name}1\nhosts:\n  ${name}1: { semiSyncPriority: 1 }\n  ${name}2: { semiSyncPriority: 1 }\n  ${name}3: {}\n`;
    const dir = tempRepo({
      'fleet.yaml': 'kind: fleet\ndefaults:\n  semiSync:\n    enforcement: exact\n    lockedMasterSeconds: 10\n  antiFlapping:\n    recoveryBlockSeconds: 600\n',
      'clusters/a.yaml': cluster('a'),
      'clusters/b.yaml': cluster('b'),
    });
    const r = run(['lint', dir, '-f', 'sarif']);
    expect(r.status).toBe(1);
    const results = JSON.parse(r.stdout).runs[0].results.filter((x: { ruleId: string }) => x.ruleId === 'recovery-block-exceeds-locked-master');
    expect(results).toHaveLength(1);
    const [res] = results;
    expect(res.locations[0].physicalLocation.artifactLocation.uri).toMatch(/fleet\.yaml$/);
    expect(res.locations[0].physicalLocation.region).toMatchObject({ startLine: 7, startColumn: 27 });
    const related = res.relatedLocations.map((l: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; message: { text: string } }) =>
      `${l.physicalLocation.artifactLocation.uri.replace(/^.*\//, '')}:${l.physicalLocation.region.startLine} ${l.message.text}`);
    expect(related).toEqual(['a.yaml:2 inherited by cluster a', 'b.yaml:2 inherited by cluster b', 'fleet.yaml:5 lockedMasterSeconds set here']);
  });

  it('reports an undefined alias at the alias, not at 1:1', () => {
    const dir = tempRepo({ 'a.yaml': 'kind: cluster\nname: a\nprimary: db1\nhosts:\n  db1: {}\n  db2: { dc: *nope }\n' });
    const r = run(['lint', join(dir, 'a.yaml')]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\s+6:14\s+error\s+Unresolved alias \*nope: no anchor &nope is set before it \(BAD_ALIAS\)\s+syntax$/m);
    expect(r.stderr).toBe('');
  });

  it('escapes GitHub annotations so a message cannot start a new command', () => {
    const dir = tempRepo({ 'x,y.yaml': BAD });
    const r = run(['lint', join(dir, 'x,y.yaml'), '-f', 'github']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.every((l) => /^::(error|warning|notice) file=/.test(l))).toBe(true);
    expect(r.stdout).toContain('x%2Cy.yaml');
  });

  it('selects the github format inside GitHub Actions when none is given', () => {
    const dir = tempRepo({ 'bad.yaml': BAD });
    const r = run(['lint', join(dir, 'bad.yaml')], { env: { GITHUB_ACTIONS: 'true' } });
    expect(r.stdout.startsWith('::')).toBe(true);
  });
});

describe('succession lint finds the fleet file', () => {
  const fleet = `kind: fleet
orchestrator:
  deployments:
    main:
      raft: { nodes: [orc1, orc2, orc3] }
`;
  const cluster = `kind: cluster
name: one
primary: db1:3306
orchestrator: { deployment: main }
hosts:
  db1:3306: {}
  db2:3306: {}
  db3:3306: {}
`;

  it('uses the nearest fleet.yaml above a single cluster file', () => {
    const dir = tempRepo({ 'fleet.yaml': fleet, 'clusters/one.yaml': cluster });
    const r = run(['lint', join(dir, 'clusters/one.yaml')]);
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it('takes --fleet for standard input, and reports the deployment as unknown without one', () => {
    const dir = tempRepo({ 'elsewhere/fleet.yaml': fleet });
    const withFleet = run(['lint', '-', '--fleet', join(dir, 'elsewhere/fleet.yaml')], { input: cluster, cwd: dir });
    expect(withFleet.status).toBe(0);
    const without = run(['lint', '-', '-f', 'json'], { input: cluster, cwd: dir });
    expect(without.status).toBe(1);
    expect(JSON.parse(without.stdout).findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['unknown-deployment']);
  });
});

describe('succession rules', () => {
  it('lists every rule with its severity', () => {
    const r = run(['rules']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^no-promotable-candidate +error +/m);
  });

  it('prints one rule page, and suggests a near id for a typo', () => {
    const page = run(['rules', 'undeclared-host']);
    expect(page.status).toBe(0);
    expect(page.stdout).toMatch(/^# undeclared-host/);
    const typo = run(['rules', 'undeclared-hots']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('Did you mean "undeclared-host"?');
  });
});
