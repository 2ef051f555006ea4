/**
 * MHA 0.58's own config reader (MHA::Config with Config::Tiny, through mha-state.pl) reading
 * values with quotes, ` ; `, `#`, blanks, backslashes and Unicode spaces: first the model the
 * build refuses values by (mhaReads) against MHA itself, then generated configs, whose every value
 * must read back as the policy says unless the build refused it at the policy line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.js';
import { mhaReads } from '../../src/compile/engine-read.js';
import { analyze } from '../../src/lint.js';
import { engineDescribe } from './engines.js';

const STATE = fileURLToPath(new URL('./mha-state.pl', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'succession-mha-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UNITS = ['a', 'b', '/', '.', '-', ' ', '\t', '\u000b', '\f', ';', ' ; ', '#', '=', "'", '"', '\\', '0', '$', '`', '\u00a0', '\u2009', '\u3000', 'é', '[', ']'];
/** Where MHA's reader acts: the ends of a value (quotes, blanks) and a " ; " comment, so both are weighted in. */
const EDGES = ['', '', "'", '"', "''", '""', `'"`, ' ', '\t', ' ;', ' ; x', ' # x', '\u00a0', '0'];
const hostile = fc
  .tuple(fc.constantFrom(...EDGES), fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 8 }), fc.constantFrom(...EDGES))
  .map(([head, body, tail]) => `${head}${body}${tail}`);

type Read = Record<string, string | number>[] | { error: string };

/** What MHA's read_config makes of each file, by file. */
function readWithMha(files: string[]): Record<string, Read> {
  const r = spawnSync('perl', [STATE, 'configs', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`mha-state.pl configs: ${r.stderr}`);
  return JSON.parse(r.stdout) as Record<string, Read>;
}

const INHERITED = ['manager_workdir', 'remote_workdir', 'report_script', 'master_ip_failover_script', 'repl_user'] as const;

engineDescribe(
  'MHA 0.58 reads back what succession writes, or succession refuses it',
  'mha',
  () => {
    it('the build\'s model of MHA\'s reader (mhaReads) agrees with MHA on hostile values', () => {
      const samples = fc.sample(fc.tuple(...INHERITED.map(() => hostile), hostile), { numRuns: 120, seed: 9 });
      const files = samples.map((values, i) => {
        const file = join(dir, `model-${i}.cnf`);
        const lines = INHERITED.map((k, j) => `${k}=${values[j]}`);
        writeFileSync(file, `[server default]\n${lines.join('\n')}\n\n[server1]\nhostname=127.0.0.1\nport=3306\nnode_label=${values[INHERITED.length]}\n`);
        return file;
      });
      const read = readWithMha(files);
      let misread = 0;
      samples.forEach((values, i) => {
        const servers = read[files[i]!]!;
        if (!Array.isArray(servers)) throw new Error(`${files[i]}: ${servers.error}`);
        const held = servers[0]!;
        const check = (key: string, value: string, inherited: boolean) => {
          const model = mhaReads(key, value, inherited);
          const mha = held[key] === undefined ? undefined : String(held[key]);
          if (model === undefined) expect(mha, `${key}=${JSON.stringify(value)}`).not.toBe(value);
          else expect(mha, `${key}=${JSON.stringify(value)}`).toBe(model);
          if (mha !== value) misread++;
        };
        INHERITED.forEach((k, j) => check(k, values[j]!, true));
        check('node_label', values[INHERITED.length]!, false);
      });
      // The samples must hold values MHA misreads, or this test would prove nothing.
      expect(misread).toBeGreaterThan(20);
    });

    it('every value of a generated config reads back as the policy says, or the build names the policy line', () => {
      const samples = fc.sample(fc.tuple(hostile, hostile, hostile, hostile), { numRuns: 80, seed: 7 });
      const written: { file: string; expect: Record<string, string> }[] = [];
      let refused = 0;
      samples.forEach(([workdir, remote, pre, post], i) => {
        const fleet = `kind: fleet\nmha:\n  sshUser: mha\n  remoteWorkdir: ${JSON.stringify(`/${remote}`)}\n`;
        const policy = [
          'kind: cluster',
          'name: a',
          'primary: 127.0.0.1:3306',
          `mha: { enabled: true, managerWorkdir: ${JSON.stringify(`/${workdir}`)} }`,
          'hosts: { 127.0.0.1:3306: {}, 127.0.0.1:3307: {}, 127.0.0.1:3308: {} }',
          'hooks:',
          `  preFailover: [${JSON.stringify(`/opt/${pre} {failedHost}`)}]`,
          `  postFailover: [${JSON.stringify(`/opt/${post}`)}]`,
          '',
        ].join('\n');
        const { repo } = analyze([{ path: 'fleet.yaml', text: fleet }, { path: 'a.yaml', text: policy }]);
        const compiled = compile(repo, ['mha']);
        const artifact = compiled.artifacts.find((a) => a.path === 'mha/a.cnf');
        const unsafe = compiled.findings.filter((f) => f.ruleId === 'unsafe-engine-value').map((f) => `${f.file}:${f.line}`);
        if (artifact === undefined) {
          refused++;
          expect(unsafe.length, policy).toBeGreaterThan(0);
          for (const at of unsafe) expect(['fleet.yaml:4', 'a.yaml:4', 'a.yaml:7', 'a.yaml:8'], policy).toContain(at);
          return;
        }
        expect(unsafe).toEqual([]);
        const file = join(dir, `built-${i}.cnf`);
        writeFileSync(file, artifact.content);
        const script = (command: string) => command.replace(/^[ \t\n]+/, '').split(/[ \t\n]+/)[0]!;
        written.push({
          file,
          expect: {
            manager_workdir: `/${workdir}`,
            manager_log: `/${workdir}/manager.log`,
            remote_workdir: `/${remote}`,
            ssh_user: 'mha',
            master_ip_failover_script: script(`/opt/${pre} {failedHost}`),
            report_script: script(`/opt/${post}`),
          },
        });
      });
      expect(refused).toBeGreaterThan(0);
      expect(written.length).toBeGreaterThan(0);
      const read = readWithMha(written.map((w) => w.file));
      for (const w of written) {
        const servers = read[w.file]!;
        if (!Array.isArray(servers)) throw new Error(`${w.file}: ${servers.error}`);
        expect(servers.map((s) => `${s.hostname}:${s.port}`).sort()).toEqual(['127.0.0.1:3306', '127.0.0.1:3307', '127.0.0.1:3308']);
        for (const s of servers) {
          for (const [key, value] of Object.entries(w.expect)) expect(String(s[key]), `${w.file} ${key}`).toBe(value);
        }
      }
    });
  },
  { mariadb: false },
);
