import type { Instance, Topology } from '../topology/model.js';
import { terminalText } from '../util/terminal-text.js';
import type { EachFailure } from './index.js';
import type { EnginePrediction, Simulation } from './model.js';

interface TreeNode {
  key: string;
  children: TreeNode[];
}

/** Builds the forest of `keys` from source edges; a node whose source is outside is a root. */
function forest(keys: string[], sourceOf: (k: string) => string | undefined): TreeNode[] {
  const nodes = new Map(keys.map((k) => [k, { key: k, children: [] as TreeNode[] }]));
  const roots: TreeNode[] = [];
  for (const k of [...keys].sort()) {
    const src = sourceOf(k);
    const parent = src === undefined || src === k ? undefined : nodes.get(src);
    if (parent && !reaches(nodes, sourceOf, src!, k)) parent.children.push(nodes.get(k)!);
    else roots.push(nodes.get(k)!);
  }
  return roots;
}

// why: co-primaries point at each other; the cycle is cut where it would close.
function reaches(nodes: Map<string, TreeNode>, sourceOf: (k: string) => string | undefined, from: string, target: string): boolean {
  let cur: string | undefined = from;
  for (let i = 0; cur !== undefined && i <= nodes.size; i++) {
    if (cur === target) return true;
    cur = sourceOf(cur);
  }
  return false;
}

function lines(roots: TreeNode[], label: (k: string) => string): string[] {
  const out: string[] = [];
  const walk = (n: TreeNode, depth: number) => {
    out.push(`${depth === 0 ? '' : `${'  '.repeat(depth - 1)}+ `}${label(n.key)}`);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}

function describe(i: Instance | undefined): string[] {
  if (!i) return [];
  if (!i.reachable) return ['unreachable'];
  const tags: string[] = [];
  if (i.dataCenter) tags.push(i.dataCenter);
  if (i.version) tags.push(`${i.version.major}.${i.version.minor}.${i.version.patch}`);
  if (i.readOnly === false) tags.push('rw');
  if (i.replication) {
    const r = i.replication;
    if (r.ioThread !== 'yes' || r.sqlThread !== 'yes') tags.push(`replication ${r.ioThread === 'yes' ? '' : 'IO stopped'}${r.sqlThread === 'yes' ? '' : `${r.ioThread === 'yes' ? '' : ', '}SQL stopped`}`);
    else if (r.lagSeconds) tags.push(`lag ${r.lagSeconds}s`);
    if (r.sqlDelay > 0) tags.push(`delay ${r.sqlDelay}s`);
  }
  if (i.semiSync?.sourceEnabled) tags.push('semi-sync source');
  if (i.semiSync?.replicaEnabled) tags.push('semi-sync replica');
  return tags;
}

function fmtStall(s: number | null): string {
  return s === null ? 'unbounded (until someone intervenes)' : `${Math.round(s)}s`;
}

/** The tree once the engine is done, as the prediction's after-state says. */
function afterTree(topology: Topology, p: EnginePrediction): string[] {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  const after = new Map(p.after.map((h) => [h.key, h]));
  const acks = new Set(p.semiSync.ackers);
  return lines(forest([...after.keys()], (k) => after.get(k)?.source), (k) => {
    const h = after.get(k)!;
    const i = byKey.get(k);
    const tags: string[] = [];
    if (k === p.promoted) tags.push('new primary');
    if (i?.dataCenter) tags.push(i.dataCenter);
    if (i?.version) tags.push(`${i.version.major}.${i.version.minor}.${i.version.patch}`);
    if (!h.readOnly && k !== p.promoted) tags.push('rw');
    if (h.source !== undefined && !h.replicating) tags.push(`not replicating${h.source.startsWith('//') ? ' (detached)' : ''}`);
    if (h.source === undefined && h.semiSyncSource) tags.push('semi-sync source');
    if (acks.has(k)) tags.push('semi-sync ack');
    return `${k}${tags.length ? ` [${tags.join(', ')}]` : ''}`;
  });
}

// why: cluster, host and data-center names come from policies and from what servers report; each
// line is rendered with terminalText so that none can add a line or control the terminal.
function text(lines: readonly string[]): string {
  return `${lines.map(terminalText).join('\n')}\n`;
}

/** Human-readable simulation: the topology before, then per engine the outcome and the tree after. */
export function renderSimulation(topology: Topology, sim: Simulation, componentKeys: string[]): string {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  const out: string[] = [`Cluster ${sim.cluster}: ${sim.failed} fails (${sim.failedRole})`, '', 'Before:'];
  out.push(
    ...lines(forest(componentKeys, (k) => byKey.get(k)?.source), (k) => {
      const tags = describe(byKey.get(k));
      return `${k}${tags.length ? ` [${tags.join(', ')}]` : ''}${k === sim.failed ? '  ✗ fails' : ''}`;
    }).map((l) => `  ${l}`),
  );
  for (const p of sim.engines) {
    out.push('', `${p.engine}:`);
    if (sim.failedRole === 'primary') out.push(`  promoted: ${p.promoted ?? 'none — the failover fails'}`);
    if (p.ranking.length) out.push(`  considered, best first: ${p.ranking.join(', ')}`);
    for (const e of p.excluded) out.push(`  excluded ${e.key}: ${e.reasons.join(', ')}`);
    if (p.semiSync.inUse) {
      const s = p.semiSync;
      out.push(
        `  semi-sync after: ${s.primaryEnabled ? `${s.ackers.length} of ${s.waitForReplicaCount} acknowledgement(s)${s.ackers.length ? ` (${s.ackers.join(', ')})` : ''} — ${s.met ? 'met' : 'NOT met'}` : 'off on the primary (writes are asynchronous)'}`,
      );
    }
    out.push('  timeline:');
    for (const t of p.timeline) out.push(`    +${String(Math.round(t.at)).padStart(5)}s  ${t.event}`);
    out.push(`  worst-case write stall: ${fmtStall(p.writeStallSeconds)}`);
    for (const n of p.notes) out.push(`  note: ${n}`);
    if (p.promoted || p.replacement) out.push('  after:', ...afterTree(topology, p).map((l) => `    ${l}`));
  }
  return text(out);
}

/** Summary of `--each-single-failure`: one line per failure and engine, then the worst case. */
export function renderEach(each: EachFailure): string {
  const out: string[] = ['failure                         engine        promoted                        write stall'];
  for (const sim of each.simulations) {
    for (const p of sim.engines) {
      out.push(`${`${sim.failed} (${sim.failedRole})`.padEnd(32)}${p.engine.padEnd(14)}${(p.promoted ?? (sim.failedRole === 'primary' ? 'none' : '-')).padEnd(32)}${fmtStall(p.writeStallSeconds)}`);
    }
  }
  if (each.worst) out.push('', `worst case: losing ${each.worst.failed} under ${each.worst.engine} stalls writes for ${fmtStall(each.worst.writeStallSeconds)}`);
  return text(out);
}
