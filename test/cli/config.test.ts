import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './helpers.js';

/** A cluster with one warning (single-promotable-candidate at 6:3) and nothing else. */
const WARN_ONLY = `kind: cluster
name: solo
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: {}
`;

/** A cluster with an error (candidate-with-excluded-role at 9:25). */
const BAD = `kind: cluster
name: broken
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { promotion: prefer }
  db3:3306: { role: backup }
candidates:
  whitelist: [db2:3306, db3:3306]
`;

const COMPOSE = 'services:\n  db:\n    image: mariadb:11\n';
const WORKFLOW = 'on: push\njobs:\n  lint:\n    runs-on: ubuntu-latest\n    steps: [{ run: npx succession lint }]\n';

/** A repository with the example policies under policies/, a sub-directory to run in, and `files`. */
function repo(files: Record<string, string> = {}): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'succession-config-cli-')));
  cpSync(join(ROOT, 'policies'), join(dir, 'policies'), { recursive: true });
  mkdirSync(join(dir, 'docs', 'runbooks'), { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const SUB = ['docs', 'runbooks'];

function json(stdout: string): { summary: { files: number; errors: number; warnings: number }; findings: { ruleId: string; severity: string; file: string; line: number; column: number }[] } {
  return JSON.parse(stdout);
}

describe('succession.config.yaml', () => {
  it('is found upward from a sub-directory: paths, format and fleet apply', () => {
    const dir = repo({
      'succession.config.yaml': 'kind: config\npaths: [policies/clusters/, extra/]\nfleet: policies/fleet.yaml\nformat: json\n',
      'extra/solo.yaml': WARN_ONLY,
    });
    const r = run(['lint'], { cwd: join(dir, ...SUB) });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = json(r.stdout);
    // shop, dr and solo from the paths, and the fleet file the configuration names
    expect(out.summary.files).toBe(4);
    expect(out.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['../../extra/solo.yaml:6:3 single-promotable-candidate']);
  });

  it('without the fleet key, the nearest fleet.yaml at or above the first path is used', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\npaths: [policies/clusters/]\n' });
    const r = run(['lint', '--format', 'json'], { cwd: join(dir, ...SUB) });
    expect(r.status).toBe(0);
    expect(json(r.stdout).summary.files).toBe(3);
    renameSync(join(dir, 'policies', 'fleet.yaml'), join(dir, 'policies', 'main-fleet.yaml'));
    // the clusters' orchestrator deployment "main" now has no fleet file
    expect(run(['lint', '--format', 'json'], { cwd: join(dir, ...SUB) }).status).toBe(1);
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\npaths: [policies/clusters/]\nfleet: policies/main-fleet.yaml\n');
    expect(run(['lint'], { cwd: join(dir, ...SUB) }).status).toBe(0);
  });

  it('rules: off drops a rule, a severity replaces it; suppressions still count as used', () => {
    const dir = repo({ 'policies/clusters/solo.yaml': WARN_ONLY });
    const cwd = join(dir, ...SUB);
    const config = (rules: string) => writeFileSync(join(dir, 'succession.config.yaml'), `kind: config\npaths: [policies]\nrules:\n${rules}`);
    config('  single-promotable-candidate: error\n');
    let r = run(['lint', '-f', 'json'], { cwd });
    expect(r.status).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['single-promotable-candidate:error']);
    config('  single-promotable-candidate: off\n');
    r = run(['lint', '-f', 'json'], { cwd });
    expect(r.status).toBe(0);
    expect(json(r.stdout).findings).toEqual([]);
    // --fail-on is still the command line's: an info finding fails only with --fail-on info
    config('  single-promotable-candidate: info\n');
    expect(run(['lint'], { cwd }).status).toBe(0);
    expect(run(['lint', '--fail-on', 'info'], { cwd }).status).toBe(1);
  });

  it('ignore leaves out files and directories of walks and globs, never a file named', () => {
    const dir = repo({
      'succession.config.yaml': 'kind: config\npaths: [policies/]\nignore: [policies/drafts/, "**/*.example.yaml"]\n',
      'policies/drafts/broken.yaml': BAD,
      'policies/clusters/broken.example.yaml': BAD,
    });
    const cwd = join(dir, ...SUB);
    expect(run(['lint'], { cwd }).status).toBe(0);
    expect(run(['lint', '../../policies/**/*.yaml'], { cwd }).status).toBe(0);
    const named = run(['lint', '-f', 'json', '../../policies/drafts/broken.yaml'], { cwd });
    expect(named.status).toBe(1);
    expect(new Set(json(named.stdout).findings.map((f) => f.file))).toEqual(new Set(['../../policies/drafts/broken.yaml']));
    const onlyIgnored = run(['lint', '../../policies/drafts'], { cwd });
    expect(onlyIgnored.status).toBe(1);
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\npaths: [policies/drafts/]\nignore: ["**/*.yaml"]\n');
    const nothing = run(['lint'], { cwd });
    expect(nothing.status).toBe(2);
    expect(nothing.stderr).toBe(
      'succession: no policy files found at "../../policies/drafts" (paths in ../../succession.config.yaml:2:9): 1 path(s) left out by the configuration\'s ignore\n',
    );
  });

  it('flags win: path arguments, --format, --fleet', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\npaths: [policies/]\nformat: json\n', 'other/solo.yaml': WARN_ONLY });
    const cwd = join(dir, ...SUB);
    const r = run(['lint', '--format', 'stylish', '--no-color', '../../other'], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('../../other/solo.yaml\n  6:3     warning');
    const withFleet = run(['lint', '-f', 'json', '--fleet', '../../policies/fleet.yaml', '../../other'], { cwd });
    expect(json(withFleet.stdout).summary.files).toBe(2);
  });

  it('--config names one explicitly (paths relative to it); --no-config ignores it', () => {
    const dir = repo({
      'succession.config.yaml': 'kind: config\npaths: [policies/]\nformat: json\n',
      'ci/strict.yaml': 'kind: config\npaths: [../policies/, ../other/]\nrules: { single-promotable-candidate: error }\n',
      'other/solo.yaml': WARN_ONLY,
    });
    const cwd = join(dir, ...SUB);
    const strict = run(['lint', '--config', '../../ci/strict.yaml', '--no-color'], { cwd });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toContain('../../other/solo.yaml\n  6:3     error');
    const none = run(['lint', '--no-config'], { cwd });
    expect(none.status).toBe(2);
    expect(none.stderr).toBe('succession: cannot read policies/: no such file or directory\n');
    expect(run(['lint', '--no-config'], { cwd: dir }).stdout).toBe('');
    const missing = run(['lint', '--config', 'nope.yaml'], { cwd });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/^succession: cannot read .*nope\.yaml: no such file or directory\n$/);
  });

  it('an invalid configuration is exit 2 with file:line:column, never a stack trace', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\npaths: policies/\nformat: sarif\n' });
    const cwd = join(dir, ...SUB);
    let r = run(['lint'], { cwd });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('succession: invalid configuration file ../../succession.config.yaml:\nsuccession: ../../succession.config.yaml:2:8: "paths" must be array (got the string "policies/").\n');
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\npaths: [policies/\n');
    r = run(['build', '--out', 'gen'], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^succession: invalid configuration file \.\.\/\.\.\/succession\.config\.yaml:\nsuccession: \.\.\/\.\.\/succession\.config\.yaml:\d+:\d+: /);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(cwd, 'gen'))).toBe(false);
  });

  it('an unknown rule id is exit 2 at its line:column with the closest id; a guard rule cannot be turned off', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\nrules:\n  candidate-outside-home-dc: warning\n  no-promotable-candidates: off\n' });
    const cwd = join(dir, ...SUB);
    let r = run(['check', '--topology', '../../policies/topology.json'], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'succession: invalid configuration file ../../succession.config.yaml:\nsuccession: ../../succession.config.yaml:4:3: Unknown rule "no-promotable-candidates" in "rules". Did you mean "no-promotable-candidate"?\n',
    );
    writeFileSync(join(dir, 'succession.config.yaml'), 'kind: config\nrules: { hook-password-literal: off }\n');
    r = run(['lint'], { cwd });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('../../succession.config.yaml:2:33: Rule "hook-password-literal" cannot be set to off: its findings cannot be suppressed');
  });

  it('build and check run from a sub-directory on the configured paths', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\npaths: [policies/]\nrules: { target-cannot-express: off }\nformat: json\n' });
    const cwd = join(dir, ...SUB);
    const built = run(['build', '--out', '../../generated'], { cwd });
    expect(built.status).toBe(0);
    expect(json(built.stdout).findings).toEqual([]);
    expect(existsSync(join(dir, 'generated', 'cmon', 'cmon_1.cnf'))).toBe(true);
    expect(run(['build', '--out', '../../generated', '--check'], { cwd }).status).toBe(0);
    const checked = run(['check', '--topology', '../../policies/topology.json'], { cwd });
    expect(checked.status).toBe(0);
    expect(json(checked.stdout).summary.files).toBe(3);
    const simulated = run(['simulate', 'shop', '--topology', '../../policies/topology.json', '--engine', 'orchestrator'], { cwd });
    expect(simulated.status).toBe(0);
    expect(simulated.stdout).toContain('promoted: rha-db-02:3306');
  });
});

describe('directory walks read only policy YAML', () => {
  it('docker-compose.yml and other YAML in a walked directory are not linted; named, they are', () => {
    const dir = repo({ 'docker-compose.yml': COMPOSE, 'ci/pipeline.yml': WORKFLOW, '.github/workflows/ci.yml': WORKFLOW, 'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\n' });
    const walked = run(['lint', '.', '-f', 'json'], { cwd: dir });
    expect(walked.stderr).toBe('');
    expect(walked.status).toBe(0);
    expect(json(walked.stdout).summary.files).toBe(3);
    const named = run(['lint', 'docker-compose.yml', '--no-color'], { cwd: dir });
    expect(named.status).toBe(1);
    expect(named.stdout).toContain('docker-compose.yml\n  1:1     error    Missing required key "hosts" in the cluster document.');
    expect(named.stdout).toContain('Unknown key "services" in the cluster document.');
  });

  it('a walked file whose kind is a typo of a policy kind is still linted', () => {
    const dir = repo({ 'policies/clusters/typo.yaml': WARN_ONLY.replace('kind: cluster', 'kind: clustr') });
    const r = run(['lint', 'policies', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(json(r.stdout).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['policies/clusters/typo.yaml:1:7 schema']);
  });

  it('a walked cluster policy that lost its kind line is read and reported, not dropped', () => {
    const dir = repo({ 'policies/clusters/nokind.yaml': WARN_ONLY.replace('kind: cluster\n', '').replace(/^name: .*$/m, 'name: nokind') });
    const r = run(['lint', 'policies', '-f', 'json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(json(r.stdout).findings.filter((f) => f.file === 'policies/clusters/nokind.yaml').map((f) => f.ruleId)).toContain('schema');
  });

  it('a configuration file is no policy in a walk, and is checked as a configuration when named', () => {
    const dir = repo({ 'succession.config.yaml': 'kind: config\nrules: { single-promotable-candidat: off }\n' });
    const walked = run(['lint', '.', '--no-config', '-f', 'json'], { cwd: dir });
    expect(walked.status).toBe(0);
    expect(json(walked.stdout).summary.files).toBe(3);
    const named = run(['lint', 'succession.config.yaml', '--no-config', '-f', 'json'], { cwd: dir });
    expect(named.status).toBe(1);
    expect(json(named.stdout).findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`)).toEqual(['succession.config.yaml:2:10 schema']);
  });

  it('a directory of YAML without a policy kind is an error, not a clean run on zero files', () => {
    const dir = repo({ 'compose/docker-compose.yml': COMPOSE });
    const r = run(['lint', 'compose'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: no policy files found at "compose": 1 YAML file(s) there, none with a top-level kind: cluster or fleet\n');
  });
});
