import type { Finding } from '../findings.js';
import { terminalText } from '../util/terminal-text.js';
import type { ClusterDiff, DeploymentDiff, DiffResult, FailureChange, Outcome, SettingChange, WorstStall } from './model.js';

// why: both renderers print the same facts; each turns a plain line into its syntax through `esc`,
// which makes policy values, file names and host names unable to add lines or markup.
type Esc = (text: string) => string;

const MAX_NAMES = 10;

function names(list: readonly string[]): string {
  const shown = list.slice(0, MAX_NAMES).join(', ');
  return list.length > MAX_NAMES ? `${shown} and ${list.length - MAX_NAMES} more` : shown;
}

const value = (v: string | undefined) => (v === undefined ? '(not set)' : v === '' ? '(empty)' : v);
const stall = (s: number | null | undefined) => (s === undefined ? '–' : s === null ? 'unbounded' : `${s}s`);
function arrow(c: SettingChange, esc: Esc): string {
  if (c.added === undefined || c.removed === undefined) return `${esc(value(c.before))} → ${esc(value(c.after))}`;
  const parts = [c.added.length ? `added ${esc(names(c.added))}` : '', c.removed.length ? `removed ${esc(names(c.removed))}` : ''];
  return parts.filter(Boolean).join('; ');
}
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The one-line summary of a cluster's change. */
export function headline(d: ClusterDiff): string {
  const parts: string[] = [];
  const added = d.candidates.filter((c) => c.change === 'added').length;
  const removed = d.candidates.length - added;
  if (added + removed > 0) parts.push(`candidates ${[added ? `+${added}` : '', removed ? `−${removed}` : ''].filter(Boolean).join(' ')}`);
  const successors = d.failures?.changes.filter((c) => c.before?.successor !== c.after?.successor).length ?? 0;
  if (successors > 0) parts.push(`successor changes in ${plural(successors, 'failure')}`);
  const w = d.failures?.worst;
  if (w && stall(w.before?.stallSeconds) !== stall(w.after?.stallSeconds)) parts.push(`worst write stall ${stall(w.before?.stallSeconds)} → ${stall(w.after?.stallSeconds)}`);
  const settings = d.config.cmon.length + d.config.orchestrator.length + d.config.mha.length;
  if (settings > 0) parts.push(plural(settings, 'generated setting'));
  if (d.deployments.length > 0) parts.push(`orchestrator deployment ${d.deployments.join(', ')} changes`);
  if (d.findings.added.length > 0) parts.push(plural(d.findings.added.length, 'new finding'));
  if (d.findings.resolved.length > 0) parts.push(`${d.findings.resolved.length} resolved`);
  if (parts.length === 0 && d.policy.length > 0) parts.push(plural(d.policy.length, 'policy setting'));
  return `${d.name} ${d.status}${parts.length ? `: ${parts.join('; ')}` : ''}`;
}

/** The blast radius: fleet settings and deployment keys, each with the clusters it reaches. */
function blastRadius(r: DiffResult, esc: Esc): string[] {
  const out = r.fleet.map((f) => `fleet ${esc(f.setting)}: ${arrow(f, esc)} — reaches ${plural(f.clusters.length, 'changed cluster')}${f.clusters.length ? `: ${esc(names(f.clusters))}` : ''}`);
  for (const d of r.deployments) {
    const keys = [...new Set(d.nodes.flatMap((n) => n.changes.map((c) => c.setting)))];
    for (const key of keys) out.push(`${esc(key)} of orchestrator deployment ${esc(d.name)} changes for ${plural(d.clusters.length, 'cluster')}: ${esc(names(d.clusters))}`);
  }
  return out;
}

/** A deployment's key changes, one line per key when every node changes alike, else per node. */
function deploymentLines(d: DeploymentDiff, esc: Esc): string[] {
  const byKey = new Map<string, { node: string; change: SettingChange }[]>();
  for (const n of d.nodes) for (const c of n.changes) byKey.set(c.setting, [...(byKey.get(c.setting) ?? []), { node: n.node, change: c }]);
  const out: string[] = [];
  for (const [key, list] of byKey) {
    const uniform = list.length === d.nodeCount && list.every((x) => arrow(x.change, esc) === arrow(list[0]!.change, esc));
    if (uniform) out.push(`${esc(key)}: ${arrow(list[0]!.change, esc)} (every node)`);
    else for (const x of list) out.push(`${esc(x.node)}: ${esc(key)}: ${arrow(x.change, esc)}`);
  }
  return out;
}

function outcome(o: Outcome | undefined, missing: string, esc: Esc): { successor: string; acks: string; stall: string } {
  if (!o) return { successor: missing, acks: '–', stall: '–' };
  return { successor: esc(o.successor ?? 'none'), acks: o.ackers.length ? esc(o.ackers.join(', ')) : 'none', stall: stall(o.stallSeconds) };
}

function failureLine(c: FailureChange, status: ClusterDiff['status'], esc: Esc): string {
  const b = outcome(c.before, status === 'added' ? '(no cluster)' : '(not managed)', esc);
  const a = outcome(c.after, status === 'removed' ? '(no cluster)' : '(not managed)', esc);
  const part = (label: string, x: string, y: string) => (x === y ? `${label} ${x}` : `${label} ${x} → ${y}`);
  return `${esc(c.failed)} fails, ${c.engine}: ${part('successor', b.successor, a.successor)}; ${part('semi-sync acks', b.acks, a.acks)}; ${part('write stall', b.stall, a.stall)}`;
}

const worstText = (w: WorstStall | undefined, esc: Esc) => (w ? `${stall(w.stallSeconds)} (${esc(w.failed)} fails, ${w.engine})` : '–');

function findingLine(f: Finding, esc: Esc): string {
  return `${f.severity} ${esc(f.file)}:${f.line}:${f.column} ${esc(f.message)} (${f.ruleId})`;
}

/** The sections of one cluster: a title and its lines, in a fixed order; empty sections are left out. */
function sections(d: ClusterDiff, esc: Esc): { title: string; lines: string[] }[] {
  const out: { title: string; lines: string[] }[] = [];
  const add = (title: string, lines: string[]) => lines.length > 0 && out.push({ title, lines });
  add('policy', d.policy.map((c) => `${esc(c.setting)}: ${arrow(c, esc)}${c.from === 'fleet' ? ' (from the fleet file)' : ''}`));
  add(
    'candidates',
    d.candidates.map((c) => (c.change === 'added' ? `+ ${esc(c.host)} (was not: ${esc(c.reasons.join(', '))})` : `- ${esc(c.host)} (now: ${esc(c.reasons.join(', '))})`)),
  );
  if (d.failures) {
    const lines = d.failures.changes.map((c) => failureLine(c, d.status, esc));
    const w = d.failures.worst;
    const [was, is] = [worstText(w.before, esc), worstText(w.after, esc)];
    if (was !== is) lines.push(`worst-case write stall: ${was} → ${is}`);
    else if (lines.length > 0) lines.push(`worst-case write stall: ${is} (unchanged)`);
    add('single-host failures', lines);
  }
  const settings = (list: SettingChange[]) => list.map((c) => `${esc(c.setting)}: ${arrow(c, esc)}`);
  add('cmon', settings(d.config.cmon));
  add('orchestrator', [...settings(d.config.orchestrator), ...d.deployments.map((n) => `the node configs of deployment ${esc(n)} change (see above)`)]);
  add('mha', settings(d.config.mha));
  add('findings', [...d.findings.added.map((f) => `+ ${findingLine(f, esc)}`), ...d.findings.resolved.map((f) => `- ${findingLine(f, esc)}`)]);
  add('notes', d.notes.map(esc));
  return out;
}

function summary(r: DiffResult): string {
  if (r.clusters.length === 0 && r.fleet.length === 0 && r.deployments.length === 0 && r.findings.added.length + r.findings.resolved.length === 0) {
    return `no change in behaviour (${plural(r.unchanged, 'policy file')} unchanged)`;
  }
  return `${plural(r.clusters.length, 'cluster')} changed, ${plural(r.unchanged, 'policy file')} unchanged`;
}

/** The report for a terminal. */
export function renderStylish(r: DiffResult): string {
  const esc = terminalText;
  const out = [`succession diff: ${esc(r.base)} → ${esc(r.head)}`, summary(r)];
  const radius = blastRadius(r, esc);
  if (radius.length > 0) out.push('', 'blast radius:', ...radius.map((l) => `  ${l}`));
  for (const d of r.deployments) out.push('', `orchestrator deployment ${esc(d.name)}:`, ...deploymentLines(d, esc).map((l) => `  ${l}`));
  for (const d of r.clusters) {
    out.push('', esc(headline(d)));
    for (const s of sections(d, esc)) out.push(`  ${s.title}:`, ...s.lines.map((l) => `    ${l}`));
  }
  const repo = [...r.findings.added.map((f) => `  + ${findingLine(f, esc)}`), ...r.findings.resolved.map((f) => `  - ${findingLine(f, esc)}`)];
  if (repo.length > 0) out.push('', 'findings outside any cluster:', ...repo);
  for (const n of r.notes) out.push('', `note: ${esc(n)}`);
  return `${out.join('\n')}\n`;
}

/** Markdown-safe text: one line, no HTML, no markup of its own. */
export function markdownText(text: string): string {
  return htmlText(text).replace(/[\\`*_{}[\]|~]/g, (c) => `\\${c}`);
}

/** Text for an HTML element (a `<summary>`), where GitHub reads no Markdown: one line, no tags. */
export function htmlText(text: string): string {
  return terminalText(text).replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** The report for a pull-request comment: a headline per cluster, its details collapsed. */
export function renderMarkdown(r: DiffResult): string {
  const esc = markdownText;
  const out = [`### succession diff: ${esc(r.base)} → ${esc(r.head)}`, '', summary(r)];
  const radius = blastRadius(r, esc);
  if (radius.length > 0) out.push('', '**Blast radius**', '', ...radius.map((l) => `- ${l}`));
  for (const d of r.deployments) out.push('', `<details><summary>orchestrator deployment ${htmlText(d.name)}</summary>`, '', ...deploymentLines(d, esc).map((l) => `- ${l}`), '', '</details>');
  for (const d of r.clusters) {
    out.push('', `<details><summary>${htmlText(headline(d))}</summary>`, '');
    for (const s of sections(d, esc)) out.push(`**${s.title}**`, '', ...s.lines.map((l) => `- ${l.replace(/^([+-]) /, '\\$1 ')}`), '');
    out.push('</details>');
  }
  const repo = [...r.findings.added.map((f) => `- \\+ ${findingLine(f, esc)}`), ...r.findings.resolved.map((f) => `- \\- ${findingLine(f, esc)}`)];
  if (repo.length > 0) out.push('', '**Findings outside any cluster**', '', ...repo);
  for (const n of r.notes) out.push('', `_note: ${esc(n)}_`);
  return `${out.join('\n')}\n`;
}
