import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { run } from './helpers.js';

// Linter conventions as ESLint taught them, through the built binary.

/** One cluster with one error (a whitelisted backup) and warnings (single candidate and others). */
const POLICY = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { promotion: prefer }
  db3:3306: { role: backup }
candidates:
  whitelist: [db2:3306, db3:3306]
`;
const WARNINGS_ONLY = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { promotion: prefer }
`;

function repo(policy: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'succession-conv-'));
  writeFileSync(join(dir, 'fleet.yaml'), 'kind: fleet\n');
  writeFileSync(join(dir, 'shop.yaml'), policy);
  return dir;
}

const counts = (dir: string) => {
  const r = run(['lint', dir, '-f', 'json']);
  return (JSON.parse(r.stdout) as { summary: { errors: number; warnings: number; infos: number } }).summary;
};

describe('linter conventions', () => {
  it('--max-warnings N: exit 1 past N warnings, with a line saying so', () => {
    const dir = repo(WARNINGS_ONLY);
    const { warnings } = counts(dir);
    expect(warnings).toBeGreaterThan(0);
    expect(run(['lint', dir, '--max-warnings', String(warnings)]).status).toBe(0);
    const over = run(['lint', dir, '--max-warnings', String(warnings - 1)]);
    expect(over.status).toBe(1);
    expect(over.stderr).toBe(`succession: too many warnings (${warnings}; --max-warnings ${warnings - 1})\n`);
    expect(run(['lint', dir, '--max-warnings', '-1']).status).toBe(2);
  });

  it('--fail-on info and --fail-on warning', () => {
    const dir = repo(WARNINGS_ONLY);
    expect(run(['lint', dir]).status).toBe(0);
    expect(run(['lint', dir, '--fail-on', 'warning']).status).toBe(1);
    expect(run(['lint', dir, '--fail-on', 'info']).status).toBe(1);
  });

  it('--quiet shows errors only, but a failing run still prints its summary, counting what it hid', () => {
    const dir = repo(WARNINGS_ONLY);
    const { warnings } = counts(dir);
    const r = run(['lint', dir, '--quiet', '--fail-on', 'warning']);
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(/warning {2}/);
    expect(r.stdout).toContain(`✖ ${warnings} problem${warnings === 1 ? '' : 's'} (0 errors, ${warnings} warning`);
    expect(r.stdout).toContain(`${warnings} not shown (--quiet)`);
    expect(run(['lint', dir, '--quiet']).stdout).toBe('');
  });

  it('-o / --output-file writes the report to a file and nothing to stdout; the exit code is unchanged', () => {
    const dir = repo(POLICY);
    const out = join(dir, 'report', 'lint.sarif');
    mkdirSync(join(dir, 'report'));
    const r = run(['lint', dir, '-f', 'sarif', '-o', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).version).toBe('2.1.0');
    chmodSync(out, 0o600);
    expect(run(['lint', dir, '-f', 'sarif', '-o', out]).status).toBe(1);
    // A report file replaced keeps its mode, as every file succession writes does.
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const unwritable = run(['lint', dir, '-o', join(dir, 'missing', 'x.txt')]);
    expect(unwritable.status).toBe(2);
    expect(unwritable.stderr).toMatch(/^succession: cannot write .*missing\/x\.txt: no such file or directory\n$/);
    const built = run(['build', dir, '--out', join(dir, 'out'), '--output-file', join(dir, 'build.json'), '-f', 'json']);
    expect(built.status).toBe(1);
    expect(JSON.parse(readFileSync(join(dir, 'build.json'), 'utf8')).summary.errors).toBeGreaterThan(0);
  });

  it('colour: --color and FORCE_COLOR force it, --no-color and NO_COLOR refuse it, and a file never gets it', () => {
    const dir = repo(POLICY);
    const esc = '\u001b[';
    expect(run(['lint', dir]).stdout).not.toContain(esc);
    expect(run(['lint', dir, '--color']).stdout).toContain(esc);
    expect(run(['lint', dir], { env: { FORCE_COLOR: '1' } }).stdout).toContain(esc);
    expect(run(['lint', dir], { env: { FORCE_COLOR: '0' } }).stdout).not.toContain(esc);
    expect(run(['lint', dir, '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toContain(esc);
    run(['lint', dir, '-o', join(dir, 'plain.txt')]);
    expect(readFileSync(join(dir, 'plain.txt'), 'utf8')).not.toContain(esc);
  });

  it('junit: well-formed XML, one failing test case per finding, a passing one for a clean run', () => {
    const dir = repo(POLICY);
    const r = run(['lint', dir, '-f', 'junit']);
    expect(r.status).toBe(1);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => ['testsuite', 'testcase'].includes(name) }).parse(r.stdout) as {
      testsuites: { testsuite: { '@_name': string; '@_tests': string; testcase: { '@_name': string; failure: { '@_message': string } }[] }[] };
    };
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s['@_name'])).toEqual([join(dir, 'shop.yaml')]);
    const total = counts(dir);
    expect(suites[0]!.testcase).toHaveLength(total.errors + total.warnings + total.infos);
    expect(suites[0]!.testcase.map((c) => c['@_name'])).toContain('succession.candidate-with-excluded-role');
    const clean = run(['lint', 'policies', '-f', 'junit']);
    expect(clean.status).toBe(0);
    expect(new XMLParser({ ignoreAttributes: false }).parse(clean.stdout).testsuites.testsuite.testcase['@_name']).toBe('succession.clean');
  });

  it('junit: markup and characters XML forbids in names and messages stay well-formed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-conv-<&"x"\u0001-'));
    writeFileSync(join(dir, 'fleet.yaml'), 'kind: fleet\n');
    writeFileSync(join(dir, 'a<b>&.yaml'), POLICY.replace('name: shop', 'name: shop\nbogus<&>: 1'));
    const r = run(['lint', dir, '-f', 'junit']);
    expect(XMLValidator.validate(r.stdout)).toBe(true);
  });

  it('gitlab: a Code Quality report with paths from the repository root and fingerprints that survive a line move', () => {
    const dir = repo(POLICY);
    mkdirSync(join(dir, '.git'));
    const issues = () => JSON.parse(run(['lint', '.', '-f', 'gitlab'], { cwd: dir }).stdout) as { check_name: string; severity: string; fingerprint: string; location: { path: string; lines: { begin: number } } }[];
    const before = issues();
    expect(before.length).toBeGreaterThan(0);
    for (const i of before) {
      expect(i.location.path).toBe('shop.yaml');
      expect(['info', 'minor', 'major']).toContain(i.severity);
      expect(i.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(before.find((i) => i.check_name === 'candidate-with-excluded-role')?.severity).toBe('major');
    writeFileSync(join(dir, 'shop.yaml'), `# moved\n${POLICY}`);
    const after = issues();
    expect(after.map((i) => i.fingerprint)).toEqual(before.map((i) => i.fingerprint));
    expect(after.map((i) => i.location.lines.begin)).toEqual(before.map((i) => i.location.lines.begin + 1));
  });

  it('build --check shows a unified diff of each drifted file on stderr', () => {
    const dir = repo(`${WARNINGS_ONLY}mha: { enabled: true }\n`);
    const out = join(dir, 'out');
    expect(run(['build', dir, '--out', out]).status).toBe(0);
    const file = join(out, 'mha', 'shop.cnf');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('[server default]', '[server default]\nhand_edit=1'));
    const r = run(['build', dir, '--out', out, '--check', '-t', 'mha']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`--- a/${file}\n+++ b/${file}\n`);
    expect(r.stderr).toContain('\n-hand_edit=1\n');
  });

  it('--help lists examples, environment variables and exit codes; rules --format json', () => {
    const help = run(['--help']);
    expect(help.status).toBe(0);
    for (const s of ['Examples:', 'Environment:', 'ORCHESTRATOR_API', 'NO_COLOR', 'Exit codes:', '  2  usage error']) expect(help.stdout).toContain(s);
    const rules = JSON.parse(run(['rules', '--format', 'json']).stdout) as { id: string; severity: string; description: string; docs: string }[];
    expect(rules.length).toBeGreaterThan(50);
    expect(rules.find((r) => r.id === 'duplicate-host')).toMatchObject({ severity: 'error', docs: expect.stringMatching(/duplicate-host\.md$/) });
    const one = JSON.parse(run(['rules', 'duplicate-host', '--format', 'json']).stdout) as { page: string };
    expect(one.page).toMatch(/^# duplicate-host\n/);
    expect(run(['rules', 'no-such-rule', '--format', 'json']).status).toBe(2);
  });
});
