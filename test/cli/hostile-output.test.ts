import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STATEMENTS } from '../../src/topology/mysql.js';
import { startFakeMysql, table, variables } from '../topology/fake-mysql.js';
import { BIN, ROOT, run } from './helpers.js';

/**
 * File names and policy values that try to forge findings or drive the terminal: newlines, CR,
 * ESC (CSI, OSC 8 hyperlinks, OSC titles), C1 controls, bidi overrides. Human-readable output
 * shows them as escapes; JSON keeps them exact; SARIF URIs are percent-encoded and read back.
 */

/** What a terminal or log viewer acts on, line breaks aside (checked line by line). */
const ACTIVE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const ACTIVE_BUT_NEWLINE = /(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

const dir = mkdtempSync(join(tmpdir(), 'succession-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real files, named as an attacker would: a newline with a forged finding, CSI, bidi, URI delimiters. */
const NAMES = {
  forged: 'a\n  1:1      error  forged finding  schema\nb.yaml',
  escapes: 'x \u001b[31m\u001b]0;title\u0007\u009b2J\u202egnp.yaml',
  uri: 'sp ace #frag %41 ?q [b] é 数:colon,comma.yaml',
  lines: 'cr\rlf\n%0A,:.yaml',
};

// Values that pass YAML but carry the same payloads into messages: an unknown key, hook placeholders, data-center names.
const HOSTILE_POLICY = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: { dc: "dc1\\e]8;;https://evil.example\\a" }
  db2:3306: { dc: "dc\\u202e2", promotion: prefer }
"ke\\ey\\n  9:9      error    forged finding  schema": 1
hooks: { preFailover: ["/bin/x {fa\\e[31miled} {a\\u009b2Jb} {c\\rd}"] }
`;

const HOOK_POLICY = `kind: cluster
name: shop
primary: db1:3306
hosts:
  db1:3306: {}
  db2:3306: { promotion: prefer }
hooks: { preFailover: ["/bin/x {fa\\e[31miled}", "/bin/y {b\\u202eq}", "/bin/z {c\\u009bd}"] }
`;

for (const name of Object.values(NAMES)) writeFileSync(join(dir, name), name === NAMES.escapes ? HOOK_POLICY : HOSTILE_POLICY);
const files = readdirSync(dir).sort();

interface JsonFinding {
  ruleId: string;
  file: string;
  message: string;
  hint?: string;
  line: number;
  column: number;
}

const lintJson = (): JsonFinding[] => (JSON.parse(run(['lint', '.', '-f', 'json'], { cwd: dir }).stdout) as { findings: JsonFinding[] }).findings;

describe('hostile file names and values', () => {
  it('the files really have those names (the test exercises the file system, not strings)', () => {
    expect(files).toEqual(Object.values(NAMES).sort());
  });

  it('json keeps every name and value exact', () => {
    const findings = lintJson();
    expect(new Set(findings.map((f) => f.file))).toEqual(new Set(files));
    expect(findings.some((f) => f.message.includes('{fa\u001b[31miled}'))).toBe(true);
    expect(findings.some((f) => f.message.includes('ke\u001by\n  9:9'))).toBe(true);
  });

  it('stylish: one line per finding, hint and file; every name and value shown with visible escapes', () => {
    const findings = lintJson();
    const r = run(['lint', '.'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).not.toMatch(ACTIVE_BUT_NEWLINE);
    const lines = r.stdout.split('\n');
    const findingLines = lines.filter((l) => /^ {2}[0-9]+:[0-9]+ +(error|warning|info) {2}/.test(l));
    expect(findingLines).toHaveLength(findings.length);
    const headers = lines.filter((l) => l !== '' && !l.startsWith(' ') && !l.startsWith('✖'));
    expect(headers).toEqual([
      'a\\n  1:1      error  forged finding  schema\\nb.yaml',
      'cr\\rlf\\n%0A,:.yaml',
      'sp ace #frag %41 ?q [b] é 数:colon,comma.yaml',
      'x \\x1b[31m\\x1b]0;title\\x07\\x9b2J\\u202egnp.yaml',
    ]);
    // Every other line is the layout's own: a finding, a hint, a blank or the summary.
    for (const l of lines.filter((x) => !headers.includes(x))) expect(l).toMatch(/^$|^ {2}[0-9]+:[0-9]+ +(error|warning|info) {2}.+ {2}[a-z-]+$|^ {10}hint: |^✖ [0-9]+ problems/);
    expect(r.stdout).toContain('Unknown placeholder {fa\\x1b[31miled}');
    expect(r.stdout).toContain('Unknown placeholder {b\\u202eq}');
    expect(r.stdout).toContain('Unknown placeholder {c\\x9bd}');
    expect(r.stdout).toContain('Unknown key "ke\\x1by\\n  9:9      error    forged finding  schema"');
    expect(r.stdout).toContain('"dc1\\u001b]8;;https://evil.example\\u0007"');
    expect(r.stdout).toContain('"dc\\u202e2"');
  });

  it('github: exactly one workflow command per finding; the file property reads back as GitHub decodes it', () => {
    const findings = lintJson();
    const r = run(['lint', '.', '-f', 'github'], { cwd: dir });
    expect(r.status).toBe(1);
    const lines = r.stdout.split('\n').slice(0, -1);
    expect(lines).toHaveLength(findings.length);
    const decode = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
    const seen = new Set<string>();
    for (const l of lines) {
      expect(l).not.toMatch(ACTIVE);
      const m = /^::(error|warning|notice) file=([^,:]*),line=[0-9]+,endLine=[0-9]+,col=[0-9]+,endColumn=[0-9]+,title=succession [a-z-]+::(.*)$/.exec(l);
      expect(m, l).not.toBeNull();
      seen.add(decode(m![2]!));
      // The message holds at most our one line break (message, then hint), escaped as %0A.
      expect(decode(m![3]!).split('\n').length).toBeLessThanOrEqual(2);
    }
    // Names with only line breaks, ":", "," and "%" to escape come back exact; other controls are shown as escapes.
    expect(seen).toEqual(new Set([NAMES.forged, NAMES.lines, NAMES.uri, 'x \\x1b[31m\\x1b]0;title\\x07\\x9b2J\\u202egnp.yaml']));
  });

  it('sarif: artifact URIs are RFC 3986 relative references that resolve back to the files', () => {
    const r = run(['lint', '.', '-f', 'sarif'], { cwd: dir });
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uris = new Set(sarif.runs[0]!.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation.uri));
    const base = pathToFileURL(`${dir}/`);
    const back = new Set<string>();
    for (const uri of uris) {
      // unreserved, sub-delims, "@", "/" and percent-encoded octets only: no scheme, no "#" or "?".
      expect(uri).toMatch(/^([A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})+$/);
      back.add(fileURLToPath(new URL(uri, base)));
    }
    expect(back).toEqual(new Set(files.map((f) => join(dir, f))));
    expect(uris).toContain('sp%20ace%20%23frag%20%2541%20%3Fq%20%5Bb%5D%20%C3%A9%20%E6%95%B0%3Acolon%2Ccomma.yaml');
  });

  it('sarif: an absolute path becomes a file:// URI that reads back', () => {
    // why: a name without glob characters, so that the path is read as it is.
    const file = join(dir, NAMES.forged);
    const r = run(['lint', file, '-f', 'sarif']);
    const sarif = JSON.parse(r.stdout) as { runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const uri = sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri;
    expect(uri.startsWith('file:///')).toBe(true);
    expect(fileURLToPath(uri)).toBe(resolve(file));
  });
});

describe('hostile text in messages on standard error', () => {
  it('a path that does not exist is named in one line, with visible escapes', () => {
    const r = run(['lint', 'nope\u001b]0;owned\u0007\nsuccession: all clear\u202e']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('succession: cannot read nope\\x1b]0;owned\\x07\\nsuccession: all clear\\u202e: no such file or directory\n');
  });

  it("commander's own messages quote the argument with visible escapes", () => {
    const r = run(['lint', '-f', 'x\u001b[2J\u009b2J']);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toMatch(ACTIVE_BUT_NEWLINE);
    expect(r.stderr).toContain("argument 'x\\x1b[2J\\x9b2J' is invalid");
  });

  it('simulate: an unknown cluster name is quoted in one line', () => {
    const r = run(['simulate', 'sh\nop\u001b[2J', '--topology', 'policies/topology.json']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toMatch(/^succession: no cluster named "sh\\nop\\x1b\[2J" in policies\//);
  });

  it('check: a snapshot with several problems gives one line each, prefixed; a hostile file name cannot add one', () => {
    const file = join(dir, 'topo\nsuccession: forged\u001b[2J.json');
    writeFileSync(file, '{\n  "format": 1,\n  "origin": { "kind": "mysql", "detail": "x" },\n  "instances": [\n    { "key": "a:1", "host": "a", "port": "1", "reachable": "yes" }\n  ]\n}\n');
    const r = run(['check', '--topology', file]);
    expect(r.status).toBe(2);
    const shown = join(dir, 'topo\\nsuccession: forged\\x1b[2J.json');
    expect(r.stderr).toBe(`succession: ${shown}:5:42: "instances[0].port" must be integer\nsuccession: ${shown}:5:60: "instances[0].reachable" must be boolean\n`);
  });

  it('build: the output directory is named with visible escapes in its summary line', () => {
    const out = join(dir, 'out\u001b[2J\nsuccession: forged\u202e');
    const r = run(['build', join(ROOT, 'policies'), '--out', out, '-q']);
    expect(r.status).toBe(0);
    expect(r.stderr).not.toMatch(ACTIVE_BUT_NEWLINE);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(r.stderr).toContain('(output directory ');
    expect(r.stderr).toContain('out\\x1b[2J\\nsuccession: forged\\u202e).');
  });
});

describe('hostile text from a server', () => {
  it('discover: a source host a replica reports is named with visible escapes on stderr, and exactly in the snapshot', async () => {
    const host = 'evil\u001b]0;owned\u0007\nsuccession: all good\u202e';
    const replica = await startFakeMysql('10.11.6-MariaDB', (sql) => {
      if (sql === STATEMENTS.variables) return variables({ version: '10.11.6-MariaDB', server_id: '2', read_only: 'ON', log_bin: 'ON' });
      if (sql === STATEMENTS.status) return variables({});
      if (sql === STATEMENTS.replicaStatusMariaDb || sql === STATEMENTS.replicaStatusNew || sql === STATEMENTS.replicaStatusOld) {
        return table(['Connection_name', 'Master_Host', 'Master_Port', 'Slave_IO_Running', 'Slave_SQL_Running', 'Master_Server_Id'], [
          { Connection_name: '', Master_Host: host, Master_Port: '3306', Slave_IO_Running: 'Yes', Slave_SQL_Running: 'Yes', Master_Server_Id: '1' },
        ]);
      }
      if (sql === STATEMENTS.replicasNew || sql === STATEMENTS.replicasOld) return { columns: ['Server_id', 'Host', 'Port'], rows: [] };
      if (sql === STATEMENTS.dumpThreads) return { columns: ['HOST'], rows: [] };
      return { errno: 1064, message: 'syntax error' };
    });
    try {
      const child = spawn(process.execPath, [BIN, 'discover', '--seed', `127.0.0.1:${replica.port}`, '--connect-timeout', '1000'], {
        cwd: ROOT,
        env: { ...process.env, MYSQL_USER: 'topo', MYSQL_PWD: 'Secret-pw-9' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
      expect(status).toBe(0);
      expect(stderr).not.toMatch(ACTIVE_BUT_NEWLINE);
      for (const line of stderr.split('\n').slice(0, -1)) expect(line).toMatch(/^succession: /);
      // why: a host name that is not a DNS name is bracketed in its key, as IPv6 addresses are.
      expect(stderr).toContain('cannot read [evil\\x1b]0;owned\\x07\\nsuccession: all good\\u202e]:3306: ');
      expect(stderr).not.toContain('Secret-pw-9');
      const snapshot = JSON.parse(stdout) as { instances: { key: string; source?: string }[] };
      expect(snapshot.instances.find((i) => i.key === `127.0.0.1:${replica.port}`)?.source).toBe(`[${host}]:3306`);
    } finally {
      replica.close();
    }
  }, 30_000);
});
