import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UNSUPPRESSIBLE } from '../../src/suppress.js';
import { fileTree, runBuilt, tempDirs } from './helpers.js';

// `build --cache` over random sequences of edits to a policy repository: after every edit the
// cached build must report and write exactly what a build without the cache does. The edits aim at
// what a cached build that recomputes only the changed files (and the clusters they share a name,
// a cmon id or a deployment with) could get wrong: findings that an edit to one file adds to or
// removes from another, deployment files, suppressions in files that did not change, generated
// files edited by hand, and a changed fleet file. Two copies of the repository, `cached/` and
// `plain/`, get the same edits and build into their own `out/`, so that every message is
// comparable byte for byte.

// why: a seed whose 9 sequences make every edit of the catalogue (the assertions after the runs hold
// it); with ~3.5 CLI runs of ~0.4 s per step, their ~50 steps take about a minute on 2 cores.
const SEED = 10669;
const RUNS = 9;
const SECRET = 'hunter2';

const DEPLOYMENTS = ['east', 'west', 'south'];
const PRE_FAILOVER = '/usr/local/bin/pre-failover.sh {failedHost} {failedPort}';
const NOTIFY = '/usr/local/bin/notify.sh {failedHost} {successorHost}';
const PASSWORD = `mysql -uadmin -p${SECRET} failover_log`;
const PLACEHOLDER = '/usr/local/bin/notify.sh {failedHots}';
/** The settings orchestrator holds once per deployment (DEPLOYMENT_SETTINGS), and values for them. */
const SETTINGS: Record<string, string[]> = {
  'antiFlapping.recoveryBlockSeconds': ['30', '20', '40'],
  'semiSync.lockedMasterSeconds': ['60', '90'],
  'semiSync.enforcement': ['exact', 'recover-locked'],
  'datacenters.preventCrossDatacenter': ['true', 'false'],
};
const HOOKS = [
  { event: 'postFailover', command: NOTIFY },
  { event: 'preFailover', command: PRE_FAILOVER },
  { event: 'onFailureDetection', command: '/usr/local/bin/page-oncall.sh {failureCluster}' },
];

interface Cluster {
  /** Path under policies/. */
  file: string;
  /** The name it was generated with: its hosts' prefix. */
  base: string;
  name: string;
  description: string;
  id: number | undefined;
  deployment: string | undefined;
  mha: boolean;
  mustNot4: boolean;
  reporting6: boolean;
  settings: Record<string, string>;
  hook: { event: string; command: string } | undefined;
  /** Suppression directives (rules -- reason) by the key of the line they precede, or 'file'. */
  suppress: Map<string, string>;
  broken: 'syntax' | 'schema' | undefined;
  orig: { id: number | undefined; deployment: string | undefined };
}

interface Repo {
  clusters: Cluster[];
  deleted: Cluster[];
  added: number;
  fleet: { recoveryBlock: number; north: boolean; comment: boolean };
  /** The plain build's last findings, for suppressions aimed at them. */
  findings: Finding[];
  /** The base names of the clusters most edits of a sequence go to, so that edits meet. */
  focus: string[];
}

interface Finding {
  ruleId: string;
  severity: string;
  file: string;
  line: number;
}

function initialRepo(): Repo {
  const names = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
  const clusters = names.map((n, i): Cluster => {
    const deployment = i < 4 ? 'east' : i < 7 ? 'west' : i < 9 ? 'south' : undefined;
    const id = n === 'lima' ? undefined : i + 1;
    return {
      file: `clusters/${deployment ?? 'solo'}/${n}.yaml`,
      base: n,
      name: n,
      description: `The ${n} database`,
      id,
      deployment,
      mha: i % 2 === 0,
      mustNot4: i % 3 === 0,
      reporting6: i % 4 === 1,
      // why: values equal to the fleet defaults, written in the cluster: no conflict until the fleet changes.
      settings: n === 'hotel' ? { 'antiFlapping.recoveryBlockSeconds': '30' } : n === 'bravo' ? { 'semiSync.lockedMasterSeconds': '60' } : {},
      hook: n === 'juliet' ? HOOKS[0] : undefined,
      suppress: new Map(),
      broken: undefined,
      orig: { id, deployment },
    };
  });
  return { clusters, deleted: [], added: 0, fleet: { recoveryBlock: 30, north: false, comment: false }, findings: [], focus: [] };
}

function renderFleet(f: Repo['fleet']): string {
  const deployment = (d: string) => `    ${d}: { raft: { nodes: [${d}-orc-1, ${d}-orc-2, ${d}-orc-3] }, topologyCredentialsFile: /etc/orchestrator/topology.cnf }`;
  return `${f.comment ? '# The fleet: defaults and orchestrator deployments.\n' : ''}kind: fleet
defaultPort: 3306
defaults:
  candidates: { maxLagSeconds: 10 }
  semiSync: { waitForReplicaCount: 1, enforcement: exact, lockedMasterSeconds: 60 }
  antiFlapping: { recoveryBlockSeconds: ${f.recoveryBlock} }
  hooks:
    preFailover: ["${PRE_FAILOVER}"]
orchestrator:
  deployments:
${[...DEPLOYMENTS, ...(f.north ? ['north'] : [])].map(deployment).join('\n')}
cmon:
  configDir: /etc/cmon.d
  vendor: percona
mha:
  sshUser: mha
`;
}

/** The key a policy line starts with (`name`, `alpha-db-4:3306`, ...): what a suppression is anchored to. */
const lineKey = (line: string) => line.trim().split(/: |:$/)[0]!;

function renderCluster(c: Cluster): string {
  const h = `${c.base}-db`;
  const section = (name: string) => {
    const keys = Object.entries(c.settings).filter(([k]) => k.startsWith(`${name}.`) && name !== 'datacenters');
    return keys.length === 0 ? [] : [`${name}: { ${keys.map(([k, v]) => `${k.slice(name.length + 1)}: ${v}`).join(', ')} }`];
  };
  const body = [
    'kind: cluster',
    `name: ${c.name}`,
    c.broken === 'syntax' ? `description: "${c.description}` : `description: ${c.description}`,
    `primary: ${h}-1:3306`,
    ...(c.id === undefined ? [] : [c.broken === 'schema' ? `cmon: { clusterId: ${c.id}, priority: high }` : `cmon: { clusterId: ${c.id} }`]),
    ...(c.deployment === undefined ? [] : [`orchestrator: { deployment: ${c.deployment} }`]),
    `mha: { enabled: ${c.mha} }`,
    `datacenters: { home: dc1, preventCrossDatacenter: ${c.settings['datacenters.preventCrossDatacenter'] ?? 'true'} }`,
    'hosts:',
    `  ${h}-1:3306: { dc: dc1, semiSyncPriority: 100 }`,
    `  ${h}-2:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }`,
    `  ${h}-3:3306: { dc: dc1, semiSyncPriority: 50 }`,
    `  ${h}-4:3306: { dc: dc1${c.mustNot4 ? ', promotion: must_not' : ''} }`,
    `  ${h}-5:3306: { dc: dc2, role: backup, promotion: must_not }`,
    ...(c.reporting6 ? [`  ${h}-6:3306: { dc: dc1, role: reporting, promotion: must_not, source: ${h}-3:3306 }`] : []),
    ...section('semiSync'),
    ...section('antiFlapping'),
    ...(c.hook === undefined ? [] : [`hooks: { ${c.hook.event}: ["${c.hook.command}"] }`]),
    ...(c.broken === 'schema' && c.id === undefined ? ['priority: high'] : []),
  ];
  const lines = [`# ${c.base}: generated by the cache edit test`];
  if (c.suppress.has('file')) lines.push(`# succession-disable-file ${c.suppress.get('file')}`);
  for (const l of body) {
    const directive = c.suppress.get(lineKey(l));
    if (directive !== undefined) lines.push(`${l.startsWith(' ') ? '  ' : ''}# succession-disable-next-line ${directive}`);
    lines.push(l);
  }
  return `${lines.join('\n')}\n`;
}

function render(r: Repo): Map<string, string> {
  return new Map([['fleet.yaml', renderFleet(r.fleet)], ...r.clusters.map((c) => [c.file, renderCluster(c)] as const)]);
}

interface Rand {
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

/** A cluster of the sequence's focus two times in three, else any. */
function some(r: Repo, rand: Rand, except?: Cluster): Cluster {
  const all = r.clusters.filter((c) => c !== except);
  const focus = all.filter((c) => r.focus.includes(c.base));
  return focus.length > 0 && rand.int(3) > 0 ? rand.pick(focus) : rand.pick(all);
}

/**
 * Another cluster for `c` to share its name or cmon id with: two times in three one whose file
 * sorts after c's, which is where the repository-wide rules report the clash: in a file the edit did not touch.
 */
function partner(r: Repo, rand: Rand, c: Cluster): Cluster {
  const later = r.clusters.filter((x) => x.file > c.file);
  return later.length > 0 && rand.int(3) > 0 ? rand.pick(later) : some(r, rand, c);
}

/** A cluster to edit: when some cluster already deviates (`off`), one of those half of the time, so that edits take it back too. */
function target(r: Repo, rand: Rand, off: (c: Cluster) => boolean): Cluster {
  const deviating = r.clusters.filter(off);
  return deviating.length > 0 && rand.int(2) === 0 ? rand.pick(deviating) : some(r, rand);
}

const otherCase = (name: string) => (name[0] === name[0]!.toUpperCase() ? name[0]!.toLowerCase() : name[0]!.toUpperCase()) + name.slice(1);

interface Context {
  repo: Repo;
  /** The two output directories (cached, plain): an edit to generated files is made to both. */
  outs: [string, string];
}

type Edit = (ctx: Context, rand: Rand) => string | undefined;

/** The edit catalogue: each rewrites the repository model (or both output trees) and says what it did. */
const EDITS: Record<string, Edit> = {
  description: ({ repo }, rand) => {
    const c = some(repo, rand);
    c.description = `${c.description.split(';')[0]}; edited ${rand.int(1000)}`;
    return `description of ${c.file}`;
  },
  rename: ({ repo }, rand) => {
    const c = target(repo, rand, (x) => x.name !== x.base);
    if (c.name !== c.base && rand.int(2) === 0) return `rename ${c.file} back to ${(c.name = c.base)}`;
    const other = partner(repo, rand, c);
    c.name = rand.pick([other.name, other.name, otherCase(other.name), otherCase(c.name)]);
    return `rename ${c.file} to ${c.name}`;
  },
  cmonId: ({ repo }, rand) => {
    const c = target(repo, rand, (x) => x.id !== x.orig.id);
    const other = () => partner(repo, rand, c).id;
    c.id = rand.pick([other(), other(), other(), c.orig.id, undefined, 100 + rand.int(100)]);
    return `cmon.clusterId of ${c.file} to ${c.id ?? '(no cmon section)'}`;
  },
  deployment: ({ repo }, rand) => {
    const c = target(repo, rand, (x) => x.deployment !== x.orig.deployment);
    const deployments = [...DEPLOYMENTS, ...(repo.fleet.north ? ['north'] : [])];
    c.deployment = rand.pick([c.orig.deployment, rand.pick(deployments), rand.pick(deployments), undefined, 'nowhere']);
    return `orchestrator.deployment of ${c.file} to ${c.deployment ?? '(no orchestrator section)'}`;
  },
  setting: ({ repo }, rand) => {
    // why: the first cluster of a deployment (by path) is the one the others are compared with: its change reports in their files.
    const first = DEPLOYMENTS.map((d) => [...repo.clusters].sort((a, b) => (a.file < b.file ? -1 : 1)).find((x) => x.deployment === d)).filter((x) => x !== undefined);
    const c = first.length > 0 && rand.int(2) === 0 ? rand.pick(first) : target(repo, rand, (x) => Object.keys(x.settings).length > 0 || x.hook !== undefined);
    if (rand.int(4) === 0) {
      c.hook = c.hook !== undefined && rand.int(2) === 0 ? undefined : rand.pick(HOOKS);
      return `hooks of ${c.file} to ${JSON.stringify(c.hook ?? null)}`;
    }
    const key = rand.pick(Object.keys(SETTINGS));
    // why: the first value is the fleet's (or the built-in) default; a new value is always another one.
    if (c.settings[key] !== undefined && rand.int(2) === 0) delete c.settings[key];
    else c.settings[key] = rand.pick(SETTINGS[key]!.filter((v) => v !== (c.settings[key] ?? SETTINGS[key]![0])));
    return `${key} of ${c.file} to ${c.settings[key] ?? '(unset)'}`;
  },
  mustNot: ({ repo }, rand) => {
    const c = some(repo, rand);
    if (rand.int(2) === 0) c.mustNot4 = !c.mustNot4;
    else c.reporting6 = !c.reporting6;
    return `must_not hosts of ${c.file}: host 4 ${c.mustNot4 ? 'must_not' : 'neutral'}, reporting host 6 ${c.reporting6 ? 'present' : 'absent'}`;
  },
  addOrDelete: ({ repo }, rand) => {
    if (repo.clusters.length > 8 && rand.int(2) === 0) {
      const c = some(repo, rand);
      repo.clusters.splice(repo.clusters.indexOf(c), 1);
      repo.deleted.push(c);
      return `delete ${c.file}`;
    }
    if (repo.deleted.length > 0 && rand.int(2) === 0) {
      const c = repo.deleted.splice(rand.int(repo.deleted.length), 1)[0]!;
      repo.clusters.push(c);
      return `restore ${c.file}`;
    }
    const n = repo.added++;
    const base = `new${n}`;
    const deployment = rand.pick([...DEPLOYMENTS, undefined]);
    const id = rand.int(3) === 0 ? some(repo, rand).id : 200 + n;
    // why: a file that sorts first becomes the reference cluster of duplicate and deployment findings.
    const file = rand.pick([`clusters/aa-${base}.yaml`, `clusters/solo/zz-${base}.yaml`]);
    const c: Cluster = { file, base, name: base, description: `Added ${base}`, id, deployment, mha: rand.int(2) === 0, mustNot4: rand.int(2) === 0, reporting6: false, settings: {}, hook: undefined, suppress: new Map(), broken: undefined, orig: { id, deployment } };
    repo.clusters.push(c);
    return `add ${file} (deployment ${deployment ?? 'none'}, cmon id ${id ?? 'none'})`;
  },
  breakOrFix: ({ repo }, rand) => {
    const c = target(repo, rand, (x) => x.broken !== undefined);
    c.broken = c.broken !== undefined && rand.int(3) > 0 ? undefined : rand.pick(['syntax', 'schema'] as const);
    return `${c.broken === undefined ? 'fix' : `break (${c.broken})`} ${c.file}`;
  },
  suppress: ({ repo }, rand) => {
    const withDirectives = repo.clusters.filter((c) => c.suppress.size > 0);
    const choice = rand.int(6);
    if (choice === 0 && withDirectives.length > 0) {
      const c = rand.pick(withDirectives);
      const key = rand.pick([...c.suppress.keys()]);
      c.suppress.delete(key);
      return `remove the suppression before ${key} in ${c.file}`;
    }
    const byFile = new Map(repo.clusters.map((c) => [`policies/${c.file}`, c]));
    const suppressible = repo.findings.filter((f) => byFile.has(f.file) && !UNSUPPRESSIBLE.has(f.ruleId));
    const serious = suppressible.filter((f) => f.severity !== 'info');
    // why: info notes outnumber the rest; the findings that edits elsewhere make come first.
    const aimed = serious.length > 0 && rand.int(4) > 0 ? serious : suppressible;
    if (choice <= 3 && aimed.length > 0) {
      // why: aimed at a finding the last build reported, most often one an edit elsewhere put there.
      const f = rand.pick(aimed);
      const c = byFile.get(f.file)!;
      const line = renderCluster(c).split('\n')[f.line - 1]!;
      if (line.trimStart().startsWith('#')) return undefined;
      c.suppress.set(lineKey(line), `${f.ruleId} -- the cache edit test suppresses it`);
      return `suppress ${f.ruleId} at ${f.file}:${f.line} (${lineKey(line)})`;
    }
    const c = some(repo, rand);
    const key = rand.pick(['file', 'name', 'cmon', 'orchestrator', 'datacenters']);
    const rule = rand.pick(['duplicate-cluster-name', 'duplicate-cmon-cluster-id', 'deployment-setting-conflict', 'single-promotable-candidate']);
    const directive = rand.int(4) === 0 ? rule : `${rule} -- maybe needed one day`;
    c.suppress.set(key, directive);
    return `suppression "${directive}" before ${key} in ${c.file}`;
  },
  output: ({ outs }, rand) => {
    const plain = outs[1];
    if (!existsSync(plain)) return undefined;
    const files = [...fileTree(plain).keys()];
    if (files.length === 0) return undefined;
    // why: a cluster's own files are what the cache answers for; a deployment's are compiled anew on every build.
    const own = files.filter((f) => !/^orchestrator\/[^/]+\/(?!meta\/)/.test(f));
    const how = rand.pick(['append', 'same size and mtime', 'delete', 'extra']);
    const rel = how === 'extra' ? 'cmon/cmon_999.cnf' : rand.pick(own.length > 0 && rand.int(3) > 0 ? own : files);
    for (const out of outs) {
      const file = join(out, rel);
      if (how === 'delete') rmSync(file);
      else if (how === 'extra') writeFileSync(file, 'cluster_id=999\n');
      else if (how === 'append') writeFileSync(file, `${readFileSync(file, 'utf8')}# edited by hand\n`);
      else {
        const st = statSync(file);
        const bytes = readFileSync(file);
        const at = bytes.length - 2;
        bytes[at] = bytes[at] === 0x58 ? 0x59 : 0x58;
        writeFileSync(file, bytes);
        utimesSync(file, st.atime, st.mtime);
      }
    }
    return `generated file out/${rel}: ${how}`;
  },
  badHook: ({ repo }, rand) => {
    const bad = (x: Cluster) => x.hook?.command === PASSWORD || x.hook?.command === PLACEHOLDER;
    const c = target(repo, rand, bad);
    c.hook = bad(c) && rand.int(2) === 0 ? undefined : { event: 'postFailover', command: rand.pick([PASSWORD, PLACEHOLDER]) };
    return `postFailover hook of ${c.file} to ${JSON.stringify(c.hook?.command ?? null)}`;
  },
  fleet: ({ repo }, rand) => {
    const f = repo.fleet;
    const what = rand.int(3);
    if (what === 0) f.recoveryBlock = f.recoveryBlock === 30 ? 45 : 30;
    else if (what === 1) f.north = !f.north;
    else f.comment = !f.comment;
    return `fleet.yaml: recoveryBlockSeconds ${f.recoveryBlock}, deployment north ${f.north ? 'declared' : 'absent'}, comment ${f.comment}`;
  },
};

/** An edit made: the repository before it and the policy files it changed. */
interface Made {
  n: number;
  before: Repo;
  files: Set<string>;
}

/** Takes the files an earlier edit changed back to what they were before it (as `git revert`, winning over later edits of them). */
function revert(repo: Repo, edit: Made): string {
  for (const file of edit.files) {
    if (file === 'fleet.yaml') {
      repo.fleet = structuredClone(edit.before.fleet);
      continue;
    }
    const was = edit.before.clusters.find((c) => c.file === file);
    repo.clusters = repo.clusters.filter((c) => c.file !== file);
    repo.deleted = repo.deleted.filter((c) => c.file !== file);
    if (was !== undefined) repo.clusters.push(structuredClone(was));
  }
  return `revert edit ${edit.n} (${[...edit.files].join(', ')})`;
}

/** Edit names, each as often as its weight: the ones that make clusters interact, and hand edits, the most. */
const OPS = Object.entries({ description: 1, rename: 2, cmonId: 2, deployment: 2, setting: 3, mustNot: 1, addOrDelete: 2, breakOrFix: 1, suppress: 3, output: 3, badHook: 1, fleet: 1 }).flatMap(([name, w]) => Array<string>(w).fill(name));

/** The random choices an edit makes. */
const picksArb = fc.array(fc.nat({ max: 1 << 16 }), { minLength: 8, maxLength: 8 });
/** An edit, its choices, and after how many further edits it is reverted (null: never). */
const editArb = fc.record({ op: fc.constantFrom(...OPS), picks: picksArb, back: fc.option(fc.nat({ max: 2 }), { freq: 2 }) });
/**
 * A sequence: the clusters most of its edits go to, then 3-4 edits. The first is one that makes
 * clusters interact (a shared name, cmon id or deployment) and is always reverted, since what an
 * edit reported in files it did not touch must also go again when it is undone.
 */
const sequenceArb = fc
  .record({
    focus: fc.uniqueArray(fc.constantFrom(...initialRepo().clusters.map((c) => c.base)), { minLength: 2, maxLength: 3 }),
    first: fc.record({ op: fc.constantFrom('rename', 'cmonId', 'deployment', 'setting'), picks: picksArb, back: fc.nat({ max: 2 }) }),
    rest: fc.array(editArb, { minLength: 2, maxLength: 3 }),
  })
  .map(({ focus, first, rest }) => ({ focus, edits: [first, ...rest] }));

function randFrom(picks: number[]): Rand {
  let i = 0;
  const int = (n: number) => picks[i++ % picks.length]! % n;
  return { int, pick: (xs) => xs[int(xs.length)]! };
}

const CACHE_LINE = /^succession: ([0-9]+) of ([0-9]+) policy file\(s\) unchanged since the cached build \([^)]*\)(?:; built again: [0-9]+ changed file\(s\)(?:, with the [1-9][0-9]* unchanged cluster\(s\) sharing a name, cmon id or orchestrator deployment with them)?)?\.$/;

const tmp = tempDirs('succession-cache-edits-');

describe('succession build --cache over random edits to a policy repository', () => {
  it('reports and writes exactly what a build without the cache does, after every edit', { timeout: 240_000 }, () => {
    // What the sequences exercised: a seed whose sequences miss part of it judges nothing there.
    const seen = { scoped: 0, built: 0, refused: 0, rebuiltAfterHandEdit: 0, findingsMovedInUntouchedFile: 0, findingGoneFromUntouchedFile: 0, reverts: 0, edits: new Set<string>() };
    let run = 0;
    fc.assert(
      fc.property(sequenceArb, ({ focus, edits }) => {
        run++;
        const d = tmp();
        const [cached, plain] = [join(d, 'cached'), join(d, 'plain')];
        const cacheFile = join(d, 'cache');
        const ctx: Context = { repo: { ...initialRepo(), focus }, outs: [join(cached, 'out'), join(plain, 'out')] };
        const written = new Map<string, string>();
        const log: string[] = [];
        const where = () => `run ${run} of seed ${SEED}, focus ${focus.join(', ')}; edits applied:\n${log.map((l, i) => `  ${i + 1}. ${l}`).join('\n') || '  (none: the generated repository)'}\n`;

        /** Writes the policies to both copies; returns the paths whose text changed. */
        const writePolicies = (): Set<string> => {
          const files = render(ctx.repo);
          const changed = new Set([...files].filter(([rel, text]) => written.get(rel) !== text).map(([rel]) => rel));
          for (const rel of written.keys()) if (!files.has(rel)) changed.add(rel);
          for (const root of [cached, plain]) {
            for (const [rel, text] of files) {
              if (written.get(rel) === text) continue;
              mkdirSync(dirname(join(root, 'policies', rel)), { recursive: true });
              writeFileSync(join(root, 'policies', rel), text);
            }
            for (const rel of written.keys()) if (!files.has(rel)) rmSync(join(root, 'policies', rel));
          }
          written.clear();
          for (const [rel, text] of files) written.set(rel, text);
          return changed;
        };
        /** Each file's findings (only its warnings and errors when `serious`), as JSON. */
        const byFile = (findings: Finding[], serious = false) => {
          const m = new Map<string, string[]>();
          for (const f of findings) if (!serious || f.severity !== 'info') m.set(f.file, [...(m.get(f.file) ?? []), JSON.stringify(f)]);
          return m;
        };
        let handEdited = false;

        /** Runs `args` with the cache in cached/ and without it in plain/, and compares all they say. */
        const compare = (args: string[]) => {
          const what = `${where()}command: succession ${args.join(' ')}`;
          const withCache = runBuilt([...args, '--cache-location', cacheFile], cached);
          const without = runBuilt(args, plain);
          for (const r of [withCache, without]) expect(`${r.stdout}${r.stderr}`, `${what}\na password reached the output`).not.toContain(SECRET);
          expect(withCache.code, `${what}\nexit code; stderr with the cache:\n${withCache.stderr}\nwithout:\n${without.stderr}`).toBe(without.code);
          const lines = withCache.stderr.split('\n');
          const cacheLines = lines.filter((l) => CACHE_LINE.test(l));
          expect(cacheLines, `${what}\nthe cache's own line`).toHaveLength(1);
          const [, hit, total] = CACHE_LINE.exec(cacheLines[0]!)!;
          if (cacheLines[0]!.includes('built again')) seen.scoped++;
          expect(Number(total), `${what}\n${cacheLines[0]}`).toBe(written.size);
          expect(Number(hit), `${what}\n${cacheLines[0]}`).toBeLessThanOrEqual(written.size);
          expect(lines.filter((l) => !CACHE_LINE.test(l)), `${what}\nstandard error other than the cache's line`).toEqual(without.stderr.split('\n'));
          if (args.includes('json')) {
            const parse = (s: string, side: string) => {
              try {
                return JSON.parse(s) as { findings: Finding[] };
              } catch {
                throw new Error(`${what}\nstandard output ${side} is no JSON:\n${s}`);
              }
            };
            const plainReport = parse(without.stdout, 'without the cache');
            expect(parse(withCache.stdout, 'with the cache'), `${what}\nthe JSON report`).toEqual(plainReport);
            ctx.repo.findings = plainReport.findings;
          } else {
            expect(withCache.stdout, `${what}\nstandard output`).toBe(without.stdout);
          }
          return without;
        };

        const step = (n: number) => {
          const [before, beforeSerious] = [byFile(ctx.repo.findings), byFile(ctx.repo.findings, true)];
          const changed = writePolicies();
          // why: --check before the build sees the drift an edit made, and updates the cache too.
          if (n % 2 === 1) compare(['build', 'policies', '--out', 'out', '--check', '--format', 'json', '--verbose']);
          const built = compare(['build', 'policies', '--out', 'out', '--format', 'json', '--verbose']);
          if (built.code === 0) seen.built++;
          else seen.refused++;
          if (built.code === 0 && handEdited) seen.rebuiltAfterHandEdit++;
          if (built.code === 0) handEdited = false;
          const [after, afterSerious] = [byFile(ctx.repo.findings), byFile(ctx.repo.findings, true)];
          const untouched = [...new Set([...before.keys(), ...after.keys()])].filter((f) => f.startsWith('policies/') && !changed.has(f.slice('policies/'.length)));
          if (n > 0 && untouched.some((f) => JSON.stringify(before.get(f)) !== JSON.stringify(after.get(f)))) seen.findingsMovedInUntouchedFile++;
          if (untouched.some((f) => (beforeSerious.get(f) ?? []).some((j) => !(afterSerious.get(f) ?? []).includes(j)))) seen.findingGoneFromUntouchedFile++;
          const trees = ctx.outs.map((o) => (existsSync(o) ? fileTree(o) : new Map<string, string>()));
          expect(trees[0], `${where()}the output trees`).toEqual(trees[1]);
          if (n % 3 === 2) {
            const stylish = compare(['build', 'policies', '--out', 'out', '--check']);
            const notes = /^succession: [0-9]+ info notes; --verbose shows them$/m;
            if (built.code === 0) expect(stylish.stderr, `${where()}the note count line`).toMatch(notes);
          }
          return built;
        };

        expect(step(0).code, `${where()}the generated repository builds`).toBe(0);
        /** Makes a change, logs it, and builds; returns the policy files it changed. */
        const change = (label: string, make: () => string): Set<string> => {
          const before = render(ctx.repo);
          log.push(`${label}: ${make()}`);
          const now = render(ctx.repo);
          step(log.length);
          return new Set([...before.keys(), ...now.keys()].filter((f) => before.get(f) !== now.get(f)));
        };
        const due: { at: number; edit: Made }[] = [];
        edits.forEach(({ op, picks, back }, i) => {
          const rand = randFrom(picks);
          const before = structuredClone(ctx.repo);
          const files = change(op, () => {
            const said = EDITS[op]!(ctx, rand);
            if (said !== undefined) seen.edits.add(op);
            if (said !== undefined && op === 'output') handEdited = true;
            return said ?? `nothing to do; ${EDITS.description!(ctx, rand)}`;
          });
          if (back !== null && files.size > 0) due.push({ at: i + back, edit: { n: log.length, before, files } });
          for (const d of due.filter((x) => x.at <= i || i === edits.length - 1)) {
            due.splice(due.indexOf(d), 1);
            seen.reverts++;
            change('and back', () => revert(ctx.repo, d.edit));
          }
        });
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    expect([...seen.edits].sort(), 'every edit of the catalogue was made').toEqual(Object.keys(EDITS).sort());
    // why: a catalogue whose edits always broke the build would compare nothing but findings.
    expect(seen.scoped, 'builds scoped to a change (src/compile/scoped-build.ts)').toBeGreaterThanOrEqual(2 * RUNS);
    expect(seen.built).toBeGreaterThan(2 * RUNS);
    expect(seen.refused).toBeGreaterThan(RUNS);
    expect(seen.rebuiltAfterHandEdit, 'builds that had to notice a generated file edited by hand').toBeGreaterThanOrEqual(3);
    expect(seen.findingsMovedInUntouchedFile, 'steps where an edit changed the findings of a file it did not touch').toBeGreaterThanOrEqual(RUNS);
    expect(seen.findingGoneFromUntouchedFile, 'steps where an edit took a warning or error away from a file it did not touch').toBeGreaterThanOrEqual(3);
  });
});
