import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from './helpers.js';

// A password in a hook command is an error at the command, and no output of any command, in any
// format, shows it: not the finding, not the other findings that quote hook commands.
const SECRET = 'Hunter2{failedHost}Zz';
const dir = mkdtempSync(join(tmpdir(), 'succession-secret-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FLEET = `kind: fleet
orchestrator:
  deployments:
    main:
      raft: { nodes: [orc-1, orc-2, orc-3] }
`;

// Two clusters of one deployment with different hooks (deployment-setting-conflict quotes them),
// cmon (target-cannot-express quotes the arguments it drops), and a brace word inside the
// password (unknown-hook-placeholder would quote it).
const cluster = (name: string, id: number, hook: string) => `kind: cluster
name: ${name}
primary: ${name}-1:3306
cmon: { clusterId: ${id} }
orchestrator: { deployment: main }
hosts: { ${name}-1:3306: {}, ${name}-2:3306: {}, ${name}-3:3306: {} }
hooks:
  preFailover:
    - ${hook}
`;

writeFileSync(join(dir, 'fleet.yaml'), FLEET);
writeFileSync(join(dir, 'a.yaml'), cluster('a', 1, `/usr/bin/mysql -uroot '-p${SECRET}' -e "SET GLOBAL read_only=1"`));
writeFileSync(join(dir, 'b.yaml'), cluster('b', 2, `"MYSQL_PWD=${SECRET} /usr/bin/mysql -uroot -e 'stop slave'"`));
writeFileSync(join(dir, 'c.yaml'), cluster('c', 3, `curl -fsS https://ops:${SECRET}@hooks.example.com/x`));

describe('a password in a hook command', () => {
  for (const format of ['stylish', 'json', 'sarif', 'github']) {
    it(`lint --format ${format}: reported at each command, never shown`, () => {
      const r = run(['lint', '.', '--format', format], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).toContain('hook-password-literal');
      expect(r.stdout + r.stderr).not.toContain('Hunter2');
    });
  }

  for (const format of ['stylish', 'json', 'sarif']) {
    it(`build --format ${format}: stops, writes nothing, shows no password`, () => {
      const out = join(dir, `out-${format}`);
      const r = run(['build', '.', '--out', out, '--format', format], { cwd: dir });
      expect(r.status).toBe(1);
      expect(r.stdout + r.stderr).not.toContain('Hunter2');
      expect(existsSync(out)).toBe(false);
    });
  }

  it('is reported once per command, at the command, in json', () => {
    const r = run(['lint', '.', '--format', 'json'], { cwd: dir });
    const findings = (JSON.parse(r.stdout) as { findings?: { ruleId: string; file: string; line: number }[] }).findings ?? (JSON.parse(r.stdout) as { ruleId: string; file: string; line: number }[]);
    const ours = findings.filter((f) => f.ruleId === 'hook-password-literal').map((f) => `${f.file}:${f.line}`);
    expect(ours.sort()).toEqual(['a.yaml:9', 'b.yaml:9', 'c.yaml:9']);
    expect(findings.some((f) => f.ruleId === 'deployment-setting-conflict')).toBe(true);
  });

  it('cannot be suppressed', () => {
    const suppressed = join(dir, 'suppressed');
    rmSync(suppressed, { recursive: true, force: true });
    writeFileSync(join(dir, 'a.yaml.bak'), '');
    const text = `# succession-disable-file hook-password-literal -- trying\n${cluster('a', 1, `mysql -p${SECRET}`)}`;
    const d = mkdtempSync(join(tmpdir(), 'succession-secret-s-'));
    writeFileSync(join(d, 'a.yaml'), text);
    const r = run(['lint', 'a.yaml'], { cwd: d });
    rmSync(d, { recursive: true, force: true });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/hook-password-literal/);
    expect(r.stdout).not.toContain('Hunter2');
  });
});
