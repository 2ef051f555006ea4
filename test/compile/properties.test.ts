import fc from 'fast-check';
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { cnfValue } from '../../src/compile/cmon.js';
import { compile, TARGETS } from '../../src/compile/index.js';
import { orchestratorConfigValidator } from '../../src/compile/orchestrator-schema.js';
import { FLEET, cluster, repoOf } from './helpers.js';

// Properties over arbitrary hook commands and candidate lists: whatever the policy says, a
// generated file either keeps exactly its intended shape or the build refuses to write it.
const ALPHABET = ['a', 'b', '/', '-', '.', ' ', '\t', '\n', '\r', '\u0000', '\u001b', "'", '"', '\\', ';', '#', '=', '[', ']', '{', '}', '$', '`', '|', '&', ':', ',', '\u00a0', '\u2009', '\u3000', 'é'];
const command = fc.string({ unit: fc.constantFrom(...ALPHABET), minLength: 1, maxLength: 30 });
/** The script a single-script engine gets: the first word where a shell splits (space, tab, newline). */
const scriptOf = (hook: string) => hook.replace(/^[ \t\n]+/, '').split(/[ \t\n]+/)[0]!;
/** A script the engines and a shell all read as the same one word: no quoting, expansion, separator, control character or Unicode space. */
const plainScript = (script: string) => /^[A-Za-z0-9_./@%+,:é-]+$/.test(script);
const HOSTS = ['a-1:3306', 'a-2:3306', 'a-3:3306', 'a-4:3306', 'a-5:3306'];

function policy(hook: string, whitelist: string[] | undefined, blacklist: string[], fence: boolean): string {
  const candidates = `candidates:\n${whitelist ? `  whitelist: ${JSON.stringify(whitelist)}\n` : ''}  blacklist: ${JSON.stringify(blacklist)}\n`;
  return cluster('a', 1, `${candidates}datacenters: { home: dc1, preventCrossDatacenter: ${fence} }\nhooks:\n  preFailover: [${JSON.stringify(hook)}]\n  postFailover: [${JSON.stringify(hook)}]\n`);
}

describe('properties of the generated files', () => {
  it('cmon: one line per intended key, never both candidate lists, hook value intact or refused', () => {
    fc.assert(
      fc.property(command, fc.option(fc.subarray(HOSTS, { minLength: 1 }), { nil: undefined }), fc.subarray(HOSTS), fc.boolean(), (hook, whitelist, blacklist, fence) => {
        const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': policy(hook, whitelist, blacklist, fence) }), ['cmon']);
        const executable = scriptOf(hook);
        const unsafe = r.findings.some((f) => f.ruleId === 'unsafe-engine-value');
        if (executable !== '' && !plainScript(executable)) {
          expect(unsafe).toBe(true);
          expect(r.artifacts).toEqual([]);
          return;
        }
        expect(unsafe).toBe(false);
        const lines = r.artifacts[0]!.content.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
        const keys = lines.map((l) => l.slice(0, l.indexOf('=')));
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys.includes('replication_failover_whitelist') && keys.includes('replication_failover_blacklist')).toBe(false);
        expect(Object.keys(ini.parse(r.artifacts[0]!.content)).sort()).toEqual([...keys].sort());
        const hookLine = lines.filter((l) => l.startsWith('replication_pre_failover_script='));
        if (executable !== '') expect(hookLine).toEqual([`replication_pre_failover_script=${cnfValue(executable)}`]);
      }),
      { numRuns: 300 },
    );
  });

  it('MHA: every line is a section or key=value, and the hook is the command\'s first word or refused', () => {
    fc.assert(
      fc.property(command, (hook) => {
        const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': policy(hook, undefined, [], false) }), ['mha']);
        const executable = scriptOf(hook);
        if (r.artifacts.length === 0) {
          expect(r.findings.some((f) => f.ruleId === 'unsafe-engine-value')).toBe(true);
          expect(executable !== '' && !plainScript(executable)).toBe(true);
          return;
        }
        const body = r.artifacts[0]!.content.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
        for (const l of body) expect(l).toMatch(/^(\[(server default|server[0-9]+)\]|[a-z_]+=\S.*)$/);
        if (executable !== '') expect(body).toContain(`master_ip_failover_script=${executable}`);
        expect(body.filter((l) => l.startsWith('['))).toHaveLength(6);
      }),
      { numRuns: 200 },
    );
  });

  it('orchestrator: every node config validates and carries the hook verbatim', () => {
    const validate = orchestratorConfigValidator();
    fc.assert(
      fc.property(command, (hook) => {
        const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': policy(hook, undefined, [], false) }), ['orchestrator']);
        for (const a of r.artifacts.filter((x) => x.path.endsWith('.json'))) {
          const config = JSON.parse(a.content) as Record<string, unknown>;
          expect(validate(config)).toBe(true);
          expect(config.PreFailoverProcesses).toEqual([hook]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('is deterministic: the same policy compiles to the same bytes', () => {
    fc.assert(
      fc.property(command, fc.subarray(HOSTS), (hook, blacklist) => {
        const text = policy(hook, undefined, blacklist, true);
        const a = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text }), TARGETS);
        const b = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text }), TARGETS);
        expect(b).toEqual(a);
      }),
      { numRuns: 50 },
    );
  });
});

describe('hostile directories in cmon output', () => {
  // Quotes, " ; ", "#", blanks at the ends, backslashes and Unicode spaces in a path the fleet sets.
  const UNITS = ['a', '/', ' ', '\t', ';', ' ; ', '#', "'", '"', '\\', '0', '=', '\u00a0', '\u2009', '\u3000', '\ufeff', 'é'];
  const dir = fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 12 }).map((s) => `/${s}`);
  const fleet = (logDir: string) => `kind: fleet\ncmon:\n  logDir: ${JSON.stringify(logDir)}\n`;

  it('cmon reads logfile back as the policy says (ini), or the build refuses it at the logDir line', () => {
    fc.assert(
      fc.property(dir, (logDir) => {
        const policy = 'kind: cluster\nname: a\nprimary: a-1:3306\ncmon: { clusterId: 1 }\nhosts: { a-1:3306: {}, a-2:3306: {} }\n';
        const r = compile(repoOf({ 'fleet.yaml': fleet(logDir), 'a.yaml': policy }), ['cmon']);
        const unsafe = r.findings.filter((f) => f.ruleId === 'unsafe-engine-value').map((f) => `${f.file}:${f.line}`);
        // cmon's single quotes carry no quote, backslash or control character, and its reader splits at Unicode spaces.
        if (/['\\\u0000-\u001f\u00a0\u2009\u3000\ufeff]/.test(logDir)) {
          expect(r.artifacts).toEqual([]);
          expect(unsafe).toEqual(['fleet.yaml:3']);
          return;
        }
        expect(unsafe).toEqual([]);
        const parsed = ini.parse(r.artifacts[0]!.content) as Record<string, string>;
        expect(parsed.logfile).toBe(`${logDir}/cmon_1.log`);
      }),
      { numRuns: 300 },
    );
  });
});
