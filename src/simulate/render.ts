import type { HostFinding } from '../check.js';
import type { Instance, Topology } from '../topology/model.js';
import type { EachFailure } from './index.js';
import type { EnginePrediction, Simulation } from './model.js';
import { forest, lines, ringEdges } from './render-tree.js';
import { renderLines, styled, type Line, type Styled } from './styled.js';
import { disagreement } from './summary.js';

export interface RenderOptions {
  /** Colour, decided as for the findings output (--color/--no-color, FORCE_COLOR, NO_COLOR, a terminal). */
  color: boolean;
  /** What `check` reports from the live rules on the same topology. */
  check: readonly HostFinding[];
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
    const threads = [r.ioThread === 'connecting' ? 'IO connecting' : r.ioThread === 'no' ? 'IO stopped' : '', r.sqlThread === 'yes' ? '' : 'SQL stopped'].filter((t) => t !== '');
    if (threads.length > 0) tags.push(`replication ${threads.join(', ')}`);
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
function afterTree(topology: Topology, p: EnginePrediction): (string | Styled)[][] {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  const after = new Map(p.after.map((h) => [h.key, h]));
  const acks = new Set(p.semiSync.ackers);
  const sourceOf = (k: string) => after.get(k)?.source;
  const roots = forest([...after.keys()], sourceOf, (k) => after.get(k)?.readOnly === false);
  const ring = ringEdges(roots, [...after.keys()], sourceOf);
  return lines(roots, (k) => {
    const h = after.get(k)!;
    const i = byKey.get(k);
    const tags: string[] = [];
    if (k === p.promoted) tags.push('new primary');
    const edge = ring(k);
    if (edge) tags.push(edge);
    if (i?.dataCenter) tags.push(i.dataCenter);
    if (i?.version) tags.push(`${i.version.major}.${i.version.minor}.${i.version.patch}`);
    if (!h.readOnly && k !== p.promoted) tags.push('rw');
    if (h.source !== undefined && !h.replicating) tags.push(`not replicating${h.source.startsWith('//') ? ' (detached)' : ''}`);
    if (h.source === undefined && h.semiSyncSource) tags.push('semi-sync source');
    if (acks.has(k)) tags.push('semi-sync ack');
    return [k === p.promoted ? styled('ok', k) : k, tags.length ? ` [${tags.join(', ')}]` : ''];
  });
}

const SEVERITY_LABEL = { error: 'error  ', warning: 'warning', info: 'info   ' } as const;

/** check's live findings on the same topology, as the findings output shows them (without positions). */
function checkBlock(check: readonly HostFinding[]): Line[] {
  if (check.length === 0) return [];
  const count = (s: keyof typeof SEVERITY_LABEL) => check.filter((h) => h.finding.severity === s).length;
  const [e, w, i] = [count('error'), count('warning'), count('info')];
  return [
    '',
    [`succession check on this topology: ${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} info`],
    ...check.map(({ finding: f }): Line => ['  ', styled(f.severity, SEVERITY_LABEL[f.severity]), `  ${f.message}  `, styled('dim', f.ruleId)]),
  ];
}

/** The rules check reports as errors on `key`: a host the engine treats as fit that check does not. */
function checkErrors(check: readonly HostFinding[], key: string): string[] {
  return [...new Set(check.filter((h) => h.host === key && h.finding.severity === 'error').map((h) => h.finding.ruleId))];
}

/**
 * The hosts the engine considered, the promoted one first; each with its place in the engine's
 * order (#1 is the one it considers best) and the errors check reports on it.
 */
function considered(p: EnginePrediction, check: readonly HostFinding[]): Line {
  const lead = p.promoted !== undefined && p.ranking.includes(p.promoted) ? [p.promoted, ...p.ranking.filter((k) => k !== p.promoted)] : p.ranking;
  const out: (string | Styled)[] = ["  considered (#: the engine's order): "];
  lead.forEach((k, n) => {
    const errors = checkErrors(check, k);
    const tags = [`#${p.ranking.indexOf(k) + 1}`, ...(k === p.promoted ? ['promoted'] : [])].join(', ');
    out.push(n === 0 ? '' : ', ', k === p.promoted ? styled('ok', k) : k, ` (${tags}`);
    if (errors.length) out.push('; ', styled('fail', `check: ${errors.join(', ')}`));
    out.push(')');
  });
  return out;
}

function promotedLine(p: EnginePrediction, check: readonly HostFinding[]): Line {
  if (p.promoted === undefined) return ['  promoted: ', styled('fail', 'none — the failover fails')];
  const errors = checkErrors(check, p.promoted);
  return ['  promoted: ', styled('ok', p.promoted), ...(errors.length ? ['  ', styled('fail', `⚠ check: ${errors.join(', ')}`)] : [])];
}

/** A write stall: unbounded in the failure colour, any other stall in the warning colour. */
function stall(s: number | null): string | Styled {
  return s === 0 ? fmtStall(s) : styled(s === null ? 'fail' : 'warn', fmtStall(s));
}

function semiSyncLine(p: EnginePrediction): Line {
  const s = p.semiSync;
  if (!s.primaryEnabled) return ['  semi-sync after: off on the primary (writes are asynchronous)'];
  const acks = `${s.ackers.length} of ${s.waitForReplicaCount} acknowledgement(s)${s.ackers.length ? ` (${s.ackers.join(', ')})` : ''} — `;
  return ['  semi-sync after: ', acks, s.met ? 'met' : styled('warn', 'NOT met')];
}

function engineBlock(topology: Topology, sim: Simulation, p: EnginePrediction, check: readonly HostFinding[]): Line[] {
  const out: Line[] = ['', [styled('heading', `${p.engine}:`)]];
  if (sim.failedRole === 'primary') out.push(promotedLine(p, check));
  if (p.ranking.length) out.push(considered(p, check));
  for (const e of p.excluded) out.push(`  excluded ${e.key}: ${e.reasons.join(', ')}`);
  if (p.semiSync.inUse) out.push(semiSyncLine(p));
  out.push('  timeline:');
  for (const t of p.timeline) {
    const at = `    +${String(Math.round(t.at)).padStart(5)}s  `;
    out.push(t.kind === 'recovery-failed' ? [at, styled('fail', t.event)] : `${at}${t.event}`);
  }
  out.push(['  worst-case write stall: ', stall(p.writeStallSeconds)]);
  for (const n of p.notes) out.push(`  note: ${n}`);
  if (p.promoted || p.replacement) out.push('  after:', ...afterTree(topology, p).map((l) => ['    ', ...l]));
  return out;
}

/**
 * Human-readable simulation: a line when the engines disagree, what check reports on the same
 * topology, the topology before, then per engine the outcome and the tree after.
 */
export function renderSimulation(topology: Topology, sim: Simulation, componentKeys: string[], opts: RenderOptions): string {
  const byKey = new Map(topology.instances.map((i) => [i.key, i]));
  const summary = disagreement(sim);
  const out: Line[] = [`Cluster ${sim.cluster}: ${sim.failed} fails (${sim.failedRole})`];
  if (summary !== undefined) out.push([styled('warn', summary)]);
  out.push(...checkBlock(opts.check), '', 'Before:');
  const sourceOf = (k: string) => byKey.get(k)?.source;
  const roots = forest(componentKeys, sourceOf, (k) => byKey.get(k)?.readOnly === false);
  const ring = ringEdges(roots, componentKeys, sourceOf);
  out.push(
    ...lines(roots, (k) => {
      const edge = ring(k);
      const tags = [...(edge ? [edge] : []), ...describe(byKey.get(k))];
      return [`${k}${tags.length ? ` [${tags.join(', ')}]` : ''}`, ...(k === sim.failed ? ['  ', styled('fail', '✗ fails')] : [])];
    }).map((l) => ['  ', ...l]),
  );
  for (const p of sim.engines) out.push(...engineBlock(topology, sim, p, opts.check));
  return renderLines(out, opts.color);
}

/** Summary of `--each-single-failure`: what check reports, one line per failure and engine, then the worst case. */
export function renderEach(each: EachFailure, opts: RenderOptions): string {
  const out: Line[] = [...checkBlock(opts.check).slice(1), ...(opts.check.length ? [''] : [])];
  out.push('failure                         engine        promoted                        write stall');
  let marked = false;
  for (const sim of each.simulations) {
    for (const p of sim.engines) {
      const flagged = p.promoted !== undefined && checkErrors(opts.check, p.promoted).length > 0;
      const promoted = `${p.promoted ?? (sim.failedRole === 'primary' ? 'none' : '-')}${flagged ? ' ⚠' : ''}`;
      out.push([`${`${sim.failed} (${sim.failedRole})`.padEnd(32)}${p.engine.padEnd(14)}`, flagged ? styled('fail', promoted.padEnd(32)) : promoted.padEnd(32), stall(p.writeStallSeconds)]);
      marked ||= flagged;
    }
  }
  if (marked) out.push('', '⚠: check reports an error on the promoted host');
  if (each.worst) out.push('', [styled('heading', `worst case: losing ${each.worst.failed} under ${each.worst.engine} stalls writes for ${fmtStall(each.worst.writeStallSeconds)}`)]);
  return renderLines(out, opts.color);
}
