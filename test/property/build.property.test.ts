import { createHash } from 'node:crypto';
import fc from 'fast-check';
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { HEADER_LINES } from '../../src/compile/artifact.js';
import { CMON_HOOK_KEYS, cmonEntries } from '../../src/compile/cmon.js';
import { compile, TARGETS, type Compiled } from '../../src/compile/index.js';
import { MHA_HOOK_KEYS } from '../../src/compile/mha.js';
import { ORCHESTRATOR_HOOK_KEYS } from '../../src/compile/orchestrator.js';
import { orchestratorConfigValidator } from '../../src/compile/orchestrator-schema.js';
import { Notes } from '../../src/compile/unexpressed.js';
import { analyze, type PolicyInput } from '../../src/lint.js';
import { HOOK_NAMES, type HookName } from '../../src/policy/model.js';
import { lex } from '../compile/sql-lexer.js';
import { hooksOf, repoArb, type GeneratedCluster, type GeneratedRepo } from './arbitraries.js';

// why: about 10 ms per run (analyze + all three targets); these counts keep the file near 10 s.
const RUNS = 150;
const TIMEOUT = 60_000;

function build(inputs: readonly PolicyInput[]): Compiled {
  return compile(analyze(inputs).repo, TARGETS);
}

/** A repository and the same files in another order. */
const repoAndShuffled = repoArb().chain((repo) =>
  fc.tuple(fc.constant(repo), fc.shuffledSubarray(repo.inputs, { minLength: repo.inputs.length, maxLength: repo.inputs.length })),
);

/** True when the build refused a file with an unsafe-engine-value finding in the cluster's or the fleet's policy. */
function refused(c: Compiled, repo: GeneratedRepo, cluster: GeneratedCluster): boolean {
  const files = [repo.inputs[0]!.path, repo.inputs[repo.clusters.indexOf(cluster) + 1]!.path];
  return c.findings.some((f) => f.ruleId === 'unsafe-engine-value' && files.includes(f.file));
}

function artifact(c: Compiled, path: string): string | undefined {
  return c.artifacts.find((a) => a.path === path)?.content;
}

/** The executable a single-script engine gets for a hook event: the first command's first word. */
function firstScript(commands: string[] | undefined): string | undefined {
  return commands?.[0]?.trim().split(/\s+/)[0];
}

/** Lines that are neither blank nor comments. */
function contentLines(text: string, comment: string): string[] {
  return text.split('\n').filter((l) => l !== '' && !l.startsWith(comment));
}

/**
 * Reads a cmon file with `ini`. ini's line pattern treats U+2028 and U+2029 as line ends (`.`
 * does not match them) and drops the line; cmon reads bytes up to `\n`, for which they are plain
 * characters. They are swapped for private-use characters around the parse.
 */
function readCnf(text: string): Record<string, unknown> {
  const hide = (s: string) => s.replace(/\u2028/g, '\ue028').replace(/\u2029/g, '\ue029');
  const show = (s: string) => s.replace(/\ue028/g, '\u2028').replace(/\ue029/g, '\u2029');
  const parsed = ini.parse(hide(text)) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [show(k), typeof v === 'string' ? show(v) : v]));
}

/**
 * Reads MHA's format the way Config::Tiny does on bytes: whole-line comments only, `key=value`
 * with ASCII blanks trimmed (Perl's `\s` on a byte string).
 */
function configTiny(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = '_';
  for (const line of text.split('\n')) {
    if (/^[ \t\r\f\v]*(?:#|;|$)/.test(line)) continue;
    const s = /^[ \t\r\f\v]*\[[ \t\r\f\v]*([^\n]+?)[ \t\r\f\v]*\][ \t\r\f\v]*$/.exec(line);
    if (s) {
      section = s[1]!;
      out[section] ??= {};
      continue;
    }
    const kv = /^[ \t\r\f\v]*([^=]+?)[ \t\r\f\v]*=[ \t\r\f\v]*([^\n]*?)[ \t\r\f\v]*$/.exec(line);
    if (!kv) throw new Error(`Config::Tiny cannot read line ${JSON.stringify(line)}`);
    (out[section] ??= {})[kv[1]!] = kv[2]!;
  }
  return out;
}

describe('build on generated repositories', () => {
  it('is deterministic: two runs, and a run on the files in another order, give byte-identical output', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(repoAndShuffled, ([repo, shuffled]) => {
        const first = build(repo.inputs);
        const again = build(repo.inputs);
        const reordered = build(shuffled);
        expect(again.artifacts).toEqual(first.artifacts);
        expect(reordered.artifacts).toEqual(first.artifacts);
        expect(reordered.findings).toEqual(first.findings);
      }),
      { numRuns: RUNS / 3 },
    );
  });

  it('gives every artifact its own path, and a header whose sha256 matches the body', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const { artifacts } = build(repo.inputs);
        const paths = artifacts.map((a) => a.path);
        expect(new Set(paths).size).toBe(paths.length);
        for (const a of artifacts.filter((x) => !x.path.endsWith('.json'))) {
          const lines = a.content.split('\n');
          const comment = a.path.endsWith('.sql') ? '--' : '#';
          for (const l of lines.slice(0, HEADER_LINES)) expect(l.startsWith(comment), `${a.path}: ${JSON.stringify(l)}`).toBe(true);
          const body = lines.slice(HEADER_LINES).join('\n');
          expect(lines[1]).toContain(createHash('sha256').update(body).digest('hex'));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('writes cmon files that ini reads back to exactly the intended keys, or refuses them with a finding', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const { repo: model } = analyze(repo.inputs);
        const compiled = compile(model, ['cmon']);
        for (const generated of repo.clusters.filter((c) => c.clusterId !== undefined)) {
          const content = artifact(compiled, `cmon/cmon_${generated.clusterId}.cnf`);
          if (content === undefined) {
            expect(refused(compiled, repo, generated)).toBe(true);
            continue;
          }
          const cluster = model.clusters.find((c) => c.name === generated.name)!;
          const entries = cmonEntries(cluster, model.fleet, new Notes('cmon'));
          const parsed = readCnf(content);
          expect(parsed).toEqual(Object.fromEntries(entries.map((e) => [e.key, e.value])));
          // One line per key: nothing a value holds became a line or a key of its own.
          expect(contentLines(content, '#')).toHaveLength(entries.length);
          // The values that do not depend on candidate folding, from the generated policy itself.
          expect(parsed.cluster_id).toBe(String(generated.clusterId));
          expect(parsed.cluster_name).toBe(generated.name);
          expect(String(parsed.mysql_server_addresses).split(',').sort()).toEqual([...generated.hostKeys].sort());
          const hooks = hooksOf(repo, generated);
          for (const [event, key] of Object.entries(CMON_HOOK_KEYS) as [HookName, string][]) expect(parsed[key]).toBe(firstScript(hooks[event]));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('writes MHA files that Config::Tiny reads back to the intended sections and keys, or refuses them', { timeout: TIMEOUT }, () => {
    const serverKeys = new Set(['hostname', 'port', 'candidate_master', 'no_master']);
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const compiled = compile(analyze(repo.inputs).repo, ['mha']);
        for (const generated of repo.clusters.filter((c) => c.mha)) {
          const content = artifact(compiled, `mha/${generated.name}.cnf`);
          if (content === undefined) {
            expect(refused(compiled, repo, generated)).toBe(true);
            continue;
          }
          const parsed = configTiny(content);
          const servers = generated.hostKeys.map((_, i) => `server${i + 1}`);
          expect(Object.keys(parsed).sort()).toEqual(['server default', ...servers].sort());
          const listed = servers.map((s) => {
            const block = parsed[s]!;
            for (const k of Object.keys(block)) expect(serverKeys.has(k), k).toBe(true);
            return `${block.hostname!.includes(':') ? `[${block.hostname}]` : block.hostname}:${block.port}`;
          });
          expect(listed.sort()).toEqual([...generated.hostKeys].sort());
          const defaults = parsed['server default']!;
          const hooks = hooksOf(repo, generated);
          for (const [event, key] of Object.entries(MHA_HOOK_KEYS) as [HookName, string][]) expect(defaults[key]).toBe(firstScript(hooks[event]));
          const keyCount = Object.values(parsed).reduce((n, block) => n + Object.keys(block).length, 0);
          expect(contentLines(content, '#')).toHaveLength(keyCount + Object.keys(parsed).length);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('writes orchestrator configs that validate against the schema and carry the hooks unchanged', { timeout: TIMEOUT }, () => {
    const validate = orchestratorConfigValidator();
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const compiled = compile(analyze(repo.inputs).repo, ['orchestrator']);
        for (const a of compiled.artifacts.filter((x) => x.path.endsWith('/orchestrator.conf.json'))) {
          const config = JSON.parse(a.content) as Record<string, unknown>;
          expect(validate(config), `${a.path}: ${JSON.stringify(validate.errors)}`).toBe(true);
          const deployment = a.path.split('/')[1]!;
          // why: orchestrator holds hooks once per deployment; the build takes them from the first cluster by name.
          const first = repo.clusters.filter((c) => c.deployment === deployment).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0))[0];
          const hooks = first === undefined ? {} : hooksOf(repo, first);
          for (const event of HOOK_NAMES) expect(config[ORCHESTRATOR_HOOK_KEYS[event]]).toEqual(first === undefined ? [] : (hooks[event] ?? []));
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('writes meta SQL with a fixed set of statements whose literals are exactly the policy values, in both SQL modes', { timeout: TIMEOUT }, () => {
    fc.assert(
      fc.property(repoArb(), (repo) => {
        const compiled = compile(analyze(repo.inputs).repo, ['orchestrator']);
        for (const generated of repo.clusters.filter((c) => c.deployment !== undefined)) {
          const content = artifact(compiled, `orchestrator/${generated.deployment}/meta/${generated.name}.sql`)!;
          // why: the header's last line is a bare `--`, a comment to MySQL (a dash pair then a control character) but not to the test lexer.
          const body = content.split('\n').slice(HEADER_LINES).join('\n');
          for (const mode of [false, true]) {
            const { statements, literals } = lex(body, mode);
            expect(statements.map((s) => s.split(/\s+/).slice(0, 2).join(' '))).toEqual([
              'CREATE DATABASE',
              'CREATE TABLE',
              'START TRANSACTION',
              'DELETE FROM',
              'REPLACE INTO',
              'COMMIT',
            ]);
            const rows = literals[4]!;
            // Four string literals per row: host, cluster alias, data center, promotion rule.
            expect(rows).toHaveLength(4 * generated.hostKeys.length);
            const hosts = generated.hostKeys.map((k) => (k.startsWith('[') ? k.slice(1, k.lastIndexOf(']')) : k.slice(0, k.lastIndexOf(':'))));
            expect(rows.filter((_, i) => i % 4 === 0).sort()).toEqual(hosts.sort());
            expect(rows.filter((_, i) => i % 4 === 1).every((alias) => alias === generated.name)).toBe(true);
          }
        }
        for (const a of compiled.artifacts.filter((x) => x.path.endsWith('/orchestrator-client.env'))) {
          expect(contentLines(a.content, '#')).toHaveLength(2);
          expect(contentLines(a.content, '#')[0]).toMatch(/^ORCHESTRATOR_API="[^"`$\\\n]*"$/);
          expect(contentLines(a.content, '#')[1]).toBe('export ORCHESTRATOR_API');
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('raft nodes that would share a directory', () => {
  it('are refused with a finding instead of one config silently replacing the other', () => {
    const fleet = `kind: fleet
orchestrator:
  deployments:
    main:
      raft: { nodes: ['[::1]', __1, 'orc-1:10009', orc-1_10009, orc-2] }
`;
    const policy = `kind: cluster
name: a
primary: a-1
orchestrator: { deployment: main }
hosts: { a-1: {}, a-2: {} }
`;
    const compiled = compile(analyze([{ path: 'fleet.yaml', text: fleet }, { path: 'a.yaml', text: policy }]).repo, ['orchestrator']);
    const configs = compiled.artifacts.filter((a) => a.path.endsWith('.json')).map((a) => a.path);
    expect(new Set(configs).size).toBe(configs.length);
    expect(compiled.findings.filter((f) => f.ruleId === 'unsafe-engine-value').map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['fleet.yaml:5:32', 'fleet.yaml:5:52']);
  });
});
