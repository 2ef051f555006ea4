import type { Finding } from '../findings.js';
import { esc } from './escape.js';
import type { ClusterReport, N1Cell, N1Row, Outcome } from './model.js';
import { treeSvg } from './svg.js';

export function stallText(s: number | null | undefined): string {
  return s === undefined ? '—' : s === null ? 'unbounded' : `${s} s`;
}

/** The successor in words: a lost primary without one is a failed failover; another host needs none. */
function outcomeText(o: Outcome | undefined, role: N1Row['failedRole']): { successor: string; stall: string; kind: string } {
  if (!o) return { successor: 'not managed', stall: '—', kind: 'idle' };
  const stall = stallText(o.stallSeconds);
  if (o.successor !== null) return { successor: o.successor, stall, kind: '' };
  if (role === 'primary') return { successor: o.stopped !== undefined ? `none: ${o.stopped}` : 'none promoted', stall, kind: 'lost' };
  return { successor: role === 'intermediate' ? 'replicas not moved' : 'no promotion needed', stall, kind: 'idle' };
}

function cell(c: N1Cell, role: N1Row['failedRole']): string {
  const now = outcomeText(c.now, role);
  if (!c.changed) return `<td><span class="succ${now.kind ? ` ${now.kind}` : ''}">${esc(now.successor)}</span><span class="stall">stall ${esc(now.stall)}</span></td>`;
  const was = outcomeText(c.before, role);
  const pair = (a: string, b: string) => (a === b ? esc(b) : `<del>${esc(a)}</del> → <ins>${esc(b)}</ins>`);
  return `<td class="moved" title="changed by this change"><span class="succ">${pair(was.successor, now.successor)}</span><span class="stall">stall ${pair(was.stall, now.stall)}</span></td>`;
}

function n1Table(c: ClusterReport): string {
  if (!c.n1) return '';
  const head = `<tr><th scope="col">host fails</th>${c.engines.map((e) => `<th scope="col">${esc(e)}</th>`).join('')}</tr>`;
  const rows = c.n1.map((r) => {
    const worst = c.worst?.failed === r.failed ? ' class="worst"' : '';
    const cells = c.engines.map((e) => r.cells.find((x) => x.engine === e)).map((x) => (x ? cell(x, r.failedRole) : '<td>—</td>'));
    return `<tr${worst}><th scope="row">${esc(r.failed)}<span class="stall">${esc(r.failedRole)}${worst ? ' · worst case' : ''}</span></th>${cells.join('')}</tr>`;
  });
  const worst = c.worst ? `<p class="worst-line">Worst case: <strong>${esc(c.worst.failed)}</strong> fails under ${esc(c.worst.engine)}, writes stall ${esc(stallText(c.worst.stallSeconds))}${c.change?.worstBefore ? ` (before: ${esc(c.change.worstBefore.failed)} under ${esc(c.change.worstBefore.engine)}, ${esc(stallText(c.change.worstBefore.stallSeconds))})` : ''}.</p>` : '';
  return `<h3>Single-host failures (N-1)</h3><p class="meta">Per engine: the host it promotes (or moves the replicas under) and how long writes stall.</p><div class="scroll"><table class="n1">${head}${rows.join('')}</table></div>${worst}`;
}

export function findingItem(f: Finding, mark = ''): string {
  const hint = f.hint ? `<div class="hint">${esc(f.hint)}</div>` : '';
  const rule = `<a class="rule" href="#rule-${esc(f.ruleId)}">${esc(f.ruleId)}</a>`;
  return `<li class="finding ${esc(f.severity)}${mark ? ` ${mark}` : ''}"><span class="sev">${esc(f.severity)}</span> <code>${esc(`${f.file}:${f.line}:${f.column}`)}</code> ${rule}<div>${esc(f.message)}</div>${hint}</li>`;
}

export function findingList(findings: readonly Finding[], mark = ''): string {
  return findings.length === 0 ? '' : `<ul class="findings">${findings.map((f) => findingItem(f, mark)).join('')}</ul>`;
}

function changeBox(c: ClusterReport): string {
  const ch = c.change;
  if (!ch) return '';
  const parts = [`<p><span class="badge ${esc(ch.status)}">${esc(ch.status)}</span>${ch.kinds.length ? ` moves: ${ch.kinds.map(esc).join(', ')}` : ' no change in candidates, successors or stalls'}</p>`];
  if (ch.settings.length) parts.push(`<ul class="settings">${ch.settings.map((s) => `<li><code>${esc(s)}</code></li>`).join('')}</ul>`);
  if (ch.findings.added.length) parts.push(`<p>New findings:</p>${findingList(ch.findings.added, 'added')}`);
  if (ch.findings.resolved.length) parts.push(`<p>Resolved findings:</p>${findingList(ch.findings.resolved, 'resolved')}`);
  return `<div class="change">${parts.join('')}</div>`;
}

function counts(findings: readonly Finding[]): string {
  const n = (s: string) => findings.filter((f) => f.severity === s).length;
  return [['error', n('error')], ['warning', n('warning')], ['info', n('info')]]
    .filter(([, k]) => k !== 0)
    .map(([s, k]) => `<span class="count ${s}">${k} ${s}${k === 1 ? '' : 's'}</span>`)
    .join(' ');
}

/** One row of the table of contents. */
export function tocRow(c: ClusterReport, id: string): string {
  const candidates = c.hosts.filter((h) => h.candidate).length;
  return [
    `<tr data-name="${esc(c.name)}"${c.change ? ' class="changed"' : ''}>`,
    `<th scope="row"><a href="#${esc(id)}">${esc(c.name)}</a></th>`,
    `<td>${c.hosts.length}</td><td>${candidates}</td>`,
    `<td>${c.worst ? esc(stallText(c.worst.stallSeconds)) : '—'}</td>`,
    `<td>${counts(c.findings) || '—'}</td>`,
    `<td>${c.change ? `<span class="badge ${esc(c.change.status)}">${esc(c.change.status)}</span> ${c.change.kinds.map(esc).join(', ')}` : ''}</td>`,
    '</tr>',
  ].join('');
}

/** One cluster's section: what it is, its tree, its N-1 table, its findings, and what a change moves. */
export function clusterSection(c: ClusterReport, id: string): string {
  const meta = [`<code>${esc(c.file)}</code>`, `engines: ${c.engines.map(esc).join(', ')}`, `tree from the ${c.treeFrom}`];
  const findings = c.findings.length ? `<h3>Findings ${counts(c.findings)}</h3>${findingList(c.findings)}` : '<h3>Findings</h3><p class="none">none</p>';
  const notes = c.notes.length ? `<ul class="notes">${c.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return [
    `<section class="cluster${c.change ? ' changed' : ''}" id="${esc(id)}" data-name="${esc(c.name)}" data-hosts="${c.hosts.length}">`,
    `<h2>${esc(c.name)}${c.change ? ` <span class="badge ${esc(c.change.status)}">${esc(c.change.status)}</span>` : ''}</h2>`,
    c.description !== undefined ? `<p class="desc">${esc(c.description)}</p>` : '',
    `<p class="meta">${meta.join(' · ')}</p>`,
    changeBox(c),
    `<div class="scroll tree-box">${treeSvg(c.hosts, `replication tree of ${c.name}`)}</div>`,
    n1Table(c),
    findings,
    notes,
    '</section>',
  ].join('');
}
