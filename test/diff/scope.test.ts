import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffRepositories } from '../../src/diff/index.js';
import { analyzeChange } from '../../src/diff/scope.js';
import { analyze, type PolicyInput } from '../../src/lint.js';
import { applyMutation, mutationArb } from '../property/mutations.js';

// A small repository whose clusters share deployments, hosts' spellings and settings, so that a
// single edit can collide with an untouched file: analyzeChange must then read that file too.

const DEPLOYMENTS = ['east', 'west', 'north'];

function fleet(extra = ''): PolicyInput {
  const deps = DEPLOYMENTS.map((d) => `    ${d}:\n      raft:\n        nodes: [${d}-orc-a, ${d}-orc-b, ${d}-orc-c]`).join('\n');
  return {
    path: 'policies/fleet.yaml',
    text: `kind: fleet
defaultPort: 3306
defaults:
  candidates: { maxLagSeconds: 10 }
  semiSync: { waitForReplicaCount: 1, enforcement: exact, lockedMasterSeconds: 60 }
  antiFlapping: { recoveryBlockSeconds: 30 }
orchestrator:
  deployments:
${deps}
cmon:
  configDir: /etc/cmon.d
${extra}`,
  };
}

function cluster(i: number): PolicyInput {
  const name = `c${i}`;
  return {
    path: `policies/clusters/${name}.yaml`,
    text: `kind: cluster
name: ${name}
primary: ${name}-db-1:3306
cmon: { clusterId: ${i + 1} }
orchestrator: { deployment: ${DEPLOYMENTS[i % DEPLOYMENTS.length]} }
mha: { enabled: ${i % 2 === 0} }
datacenters:
  home: dc1
hosts:
  ${name}-db-1:3306: { dc: dc1, semiSyncPriority: 100 }
  ${name}-db-2:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  ${name}-db-3:3306: { dc: dc1 }
  ${name}-db-4:3306: { dc: dc2, role: backup, promotion: must_not }
candidates:
  whitelist: [${name}-db-2:3306, ${name}-db-3:3306]
`,
  };
}

const COUNT = 9;
// why: findings before any edit, in clusters an edit may name: c8 disagrees with its deployment, c6 reuses c3's cmon id.
const REPO: PolicyInput[] = [fleet(), ...Array.from({ length: COUNT }, (_, i) => cluster(i))].map((i) => {
  if (i.path.endsWith('/c8.yaml')) return { ...i, text: i.text.replace('datacenters:', 'antiFlapping: { recoveryBlockSeconds: 90 }\ndatacenters:') };
  if (i.path.endsWith('/c6.yaml')) return { ...i, text: i.text.replace('clusterId: 7', 'clusterId: 4') };
  return i;
});

/** The diff as JSON, from every file analysed and from analyzeChange's files. */
function both(base: readonly PolicyInput[], head: readonly PolicyInput[]) {
  const sorted = (inputs: readonly PolicyInput[]) => [...inputs].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const cache = new Map();
  const fullBase = analyze(sorted(base), cache);
  const fullHead = analyze(sorted(head), cache);
  const scoped = analyzeChange(sorted(base), sorted(head), new Map());
  const full = diffRepositories({ label: 'base', analysis: fullBase }, { label: 'head', analysis: fullHead }, scoped.unchangedFiles);
  const fast = diffRepositories({ label: 'base', analysis: scoped.base }, { label: 'head', analysis: scoped.head }, scoped.unchangedFiles);
  return { full: JSON.stringify(full, null, 1), fast: JSON.stringify(fast, null, 1), scope: scoped.scope, read: scoped.head.sources.length, result: full };
}

function edit(inputs: readonly PolicyInput[], path: string, from: string | RegExp, to: string): PolicyInput[] {
  return inputs.map((i) => {
    if (i.path !== path) return i;
    const text = i.text.replace(from, to);
    expect(text, `${path}: ${String(from)}`).not.toBe(i.text);
    return { ...i, text };
  });
}

const c = (i: number) => `policies/clusters/c${i}.yaml`;

const CASES: [string, (r: PolicyInput[]) => PolicyInput[]][] = [
  ['a cluster policy line (whitelist)', (r) => edit(r, c(4), 'whitelist: [c4-db-2:3306, c4-db-3:3306]', 'whitelist: [c4-db-3:3306]')],
  ['a description', (r) => edit(r, c(4), 'kind: cluster\n', 'kind: cluster\ndescription: edited\n')],
  ['a file added', (r) => [...r, cluster(20)]],
  ['a file removed', (r) => r.filter((i) => i.path !== c(5))],
  ['a file renamed', (r) => r.map((i) => (i.path === c(5) ? { ...i, path: 'policies/clusters/zz.yaml' } : i))],
  ['a file renamed to sort first in its deployment', (r) => r.map((i) => (i.path === c(7) ? { ...i, path: 'policies/clusters/a.yaml' } : i))],
  ['a cluster renamed', (r) => edit(r, c(4), 'name: c4', 'name: c44')],
  ['a cluster renamed to an untouched cluster\'s name', (r) => edit(r, c(4), 'name: c4', 'name: c2')],
  ['a cluster renamed to an untouched cluster\'s name in other letter case', (r) => edit(r, c(4), 'name: c4', 'name: C2')],
  ['a cluster renamed to the name of a later cluster that disagrees with its own deployment', (r) => edit(r, c(1), 'name: c1', 'name: c8')],
  ['a cluster renamed to the name of a later cluster whose cmon id is taken', (r) => edit(r, c(0), 'name: c0', 'name: c6')],
  ['a cmon cluster id taken from a cluster whose id is taken', (r) => edit(r, c(0), 'clusterId: 1', 'clusterId: 4')],
  ['a duplicate name removed', (r) => edit(edit(r, c(4), 'name: c4', 'name: c2'), c(4), 'name: c2', 'name: c4')],
  ['a cmon cluster id taken from an untouched file', (r) => edit(r, c(4), 'clusterId: 5', 'clusterId: 2')],
  ['a cmon cluster id taken from a cluster of another deployment', (r) => edit(r, c(4), 'clusterId: 5', 'clusterId: 3')],
  ['a cmon cluster id written in hexadecimal', (r) => edit(r, c(4), 'clusterId: 5', 'clusterId: 0x3')],
  ['a cmon cluster id written as a float', (r) => edit(r, c(4), 'clusterId: 5', 'clusterId: 0.3e1')],
  ['a host of an untouched cluster declared again', (r) => edit(r, c(4), '  c4-db-3:3306: { dc: dc1 }', '  c4-db-3:3306: { dc: dc1 }\n  c1-db-3:3306: { dc: dc1 }')],
  ['a host declared twice in the cluster', (r) => edit(r, c(4), '  c4-db-3:3306: { dc: dc1 }', '  c4-db-3:3306: { dc: dc1 }\n  C4-DB-3: { dc: dc1 }')],
  ['a cluster moved to another deployment', (r) => edit(r, c(4), 'deployment: west', 'deployment: east')],
  ['a deployment setting of one cluster', (r) => edit(r, c(4), 'datacenters:', 'antiFlapping: { recoveryBlockSeconds: 90 }\ndatacenters:')],
  ['a deployment setting of the first cluster of a deployment', (r) => edit(r, c(1), 'datacenters:', 'antiFlapping: { recoveryBlockSeconds: 90 }\ndatacenters:')],
  ['a hook with an unknown placeholder', (r) => edit(r, c(4), 'datacenters:', 'hooks:\n  preFailover: ["/bin/x {nope}"]\ndatacenters:')],
  ['a must_not host', (r) => edit(r, c(4), '  c4-db-3:3306: { dc: dc1 }', '  c4-db-3:3306: { dc: dc1, promotion: must_not }')],
  ['a must_not host that an untouched cluster of the deployment bars too', (r) => edit(r, c(4), 'hosts:\n', 'hosts:\n  c1-db-4:3306: { dc: dc2, role: backup }\n')],
  ['a must_not host that a cluster of another deployment bars', (r) => edit(r, c(4), 'hosts:\n', 'hosts:\n  c2-db-4:3306: { dc: dc2, role: backup }\n')],
  ['a host leaves the whitelist of an untouched cluster\'s host', (r) => edit(edit(r, c(7), 'hosts:\n', 'hosts:\n  c4-db-2:3306: { dc: dc2, role: backup }\n'), c(4), 'whitelist: [c4-db-2:3306, c4-db-3:3306]', 'whitelist: [c4-db-3:3306]')],
  ['a fleet default', (r) => edit(r, 'policies/fleet.yaml', 'maxLagSeconds: 10', 'maxLagSeconds: 5')],
  ['a deployment setting in the fleet file', (r) => edit(r, 'policies/fleet.yaml', 'recoveryBlockSeconds: 30', 'recoveryBlockSeconds: 45')],
  ['a second fleet file added', (r) => [...r, { path: 'policies/b-fleet.yaml', text: fleet().text }]],
  ['a file that no longer parses', (r) => edit(r, c(4), 'hosts:', ': [\nhosts:')],
  ['a file that no longer validates', (r) => edit(r, c(4), 'primary:', 'primry:')],
  ['a deployment name of 100,000 characters', (r) => edit(r, c(4), 'deployment: west', `deployment: ${'x'.repeat(100_000)}west`)],
  ['a suppression added', (r) => edit(r, c(4), 'candidates:', '# succession-disable-next-line single-promotable-candidate -- test\ncandidates:')],
];

describe('analyzeChange: the diff from the changed files and those they can reach equals the diff from every file', () => {
  for (const [what, change] of CASES) {
    it(what, () => {
      const forward = both(REPO, change(REPO));
      expect(forward.fast).toBe(forward.full);
      const backward = both(change(REPO), REPO);
      expect(backward.fast).toBe(backward.full);
    });
  }

  it('reads fewer files than the repository holds for a cluster change, and every file for a fleet change', () => {
    const read = (what: string) => both(REPO, CASES.find(([w]) => w === what)![1](REPO));
    const whitelist = read('a cluster policy line (whitelist)');
    expect(whitelist.scope).toBe('changed');
    // why: the changed cluster and the fleet file; no other cluster of the deployment holds the host that leaves the whitelist.
    expect(whitelist.read).toBe(2);
    expect(whitelist.result.clusters.map((d) => d.name)).toEqual(['c4']);
    expect(whitelist.result.deployments.map((d) => [d.name, d.clusters])).toEqual([['west', ['c4']]]);
    // why: a deployment-wide setting needs every cluster of the deployment.
    const setting = read('a deployment setting of the first cluster of a deployment');
    expect(setting.read).toBe(1 + 1 + (COUNT / DEPLOYMENTS.length - 1));
    expect(setting.result.deployments.map((d) => [d.name, d.clusters])).toEqual([['west', ['c1', 'c4', 'c7']]]);
    expect(both(REPO, CASES.find(([w]) => w === 'a fleet default')![1](REPO)).scope).toBe('full');
  });

  it('reads an untouched file whose cmon cluster id is written as another number form', () => {
    for (const written of ['0x3', '0o3', '3.0', '0.3e1', '+03']) {
      const base = edit(REPO, c(2), 'clusterId: 3', `clusterId: ${written}`);
      const r = both(base, edit(base, c(4), 'clusterId: 5', 'clusterId: 3'));
      expect(r.fast, written).toBe(r.full);
      expect(r.result.clusters[0]!.findings.added.map((f) => f.ruleId), written).toEqual(['duplicate-cmon-cluster-id']);
    }
  });

  it('reads a file that collides with a changed one through an escape the text search cannot see', () => {
    // why: without a cmon id the changed cluster is found by its name and deployment only.
    const escaped = edit(edit(REPO, c(2), 'name: c2', 'name: "c\\x34"'), c(4), 'cmon: { clusterId: 5 }\n', '');
    const r = both(escaped, edit(escaped, c(4), 'primary:', 'description: x\nprimary:'));
    expect(r.fast).toBe(r.full);
    expect(r.result.clusters.flatMap((d) => d.findings.added.map((f) => f.ruleId))).toEqual([]);
  });

  it('holds when more files change than one search expression takes', { timeout: 60_000 }, () => {
    const many = [fleet(), ...Array.from({ length: 80 }, (_, i) => cluster(i))];
    // why: c0 to c69 change; c70 to c79 do not, and C75 must be found among them by name.
    const head = many.map((i) => (/\/c[0-6]?[0-9]\.yaml$/.test(i.path) ? { ...i, text: i.text.replace('kind: cluster\n', 'kind: cluster\ndescription: edited\n') } : i));
    const renamed = edit(head, c(5), 'name: c5', 'name: C75');
    const r = both(many, renamed);
    expect(r.scope).toBe('changed');
    expect(r.fast).toBe(r.full);
    expect(r.result.clusters.find((d) => d.name === 'C75')!.findings.added.map((f) => f.ruleId)).toContain('duplicate-cluster-name');
  });

  it('holds for any single edit of any file, damaging ones included', { timeout: 60_000 }, () => {
    const editArb = fc.oneof(
      fc.record({ kind: fc.constant('line' as const), file: fc.nat(COUNT), line: fc.nat(20), to: fc.constantFrom('name: c1', 'name: C3', 'cmon: { clusterId: 3 }', 'cmon: { clusterId: 0o3 }', 'orchestrator: { deployment: east }', 'antiFlapping: { recoveryBlockSeconds: 90 }', 'semiSync: { enforcement: off }', '  c0-db-2:3306: { dc: dc1 }', '', 'kind: fleet') }),
      fc.record({ kind: fc.constant('mutation' as const), file: fc.nat(COUNT), mutation: mutationArb }),
      fc.record({ kind: fc.constant('remove' as const), file: fc.nat(COUNT) }),
    );
    fc.assert(
      fc.property(editArb, (e) => {
        const target = REPO[e.file]!;
        let head: PolicyInput[];
        if (e.kind === 'remove') head = REPO.filter((i) => i !== target);
        else if (e.kind === 'mutation') head = REPO.map((i) => (i === target ? { ...i, text: applyMutation(i.text, e.mutation) } : i));
        else {
          const lines = target.text.split('\n');
          lines[e.line % lines.length] = e.to;
          head = REPO.map((i) => (i === target ? { ...i, text: lines.join('\n') } : i));
        }
        const r = both(REPO, head);
        expect(r.fast).toBe(r.full);
      }),
      { numRuns: 150 },
    );
  });
});
