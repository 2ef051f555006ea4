import { anchors, esc } from './escape.js';
import { clusterSection, findingList, tocRow } from './cluster.js';
import type { ReportModel } from './model.js';
import { legendHtml } from './svg.js';
import { CSS, SCRIPT } from './style.js';

function rulesSection(model: ReportModel): string {
  if (model.rules.length === 0) return '';
  const items = model.rules.map(
    (r) => `<dt id="rule-${esc(r.id)}"><code>${esc(r.id)}</code> <span class="sev ${esc(r.severity)}">${esc(r.severity)}</span></dt><dd>${esc(r.description)} <a href="${esc(r.url)}">Rule documentation</a> (also <code>succession rules ${esc(r.id)}</code>)</dd>`,
  );
  return `<section class="rules"><h2>Rules cited</h2><dl>${items.join('')}</dl></section>`;
}

function baseSection(model: ReportModel): string {
  const b = model.base;
  if (!b) return '';
  const changed = model.clusters.filter((c) => c.change).length;
  const parts = [`<p>Compared with <strong>${esc(b.label)}</strong> (head: ${esc(b.head)}): ${changed} cluster${changed === 1 ? '' : 's'} change${changed === 1 ? 's' : ''}; they come first, marked <span class="badge changed">changed</span>. Moved successors and stalls read <del>before</del> → <ins>after</ins>.</p>`];
  if (b.removed.length) parts.push(`<p>Removed clusters: ${b.removed.map((n) => `<code>${esc(n)}</code>`).join(', ')}</p>`);
  const r = model.repoFindingChanges;
  if (r?.added.length) parts.push(`<p>New repository findings:</p>${findingList(r.added, 'added')}`);
  if (r?.resolved.length) parts.push(`<p>Resolved repository findings:</p>${findingList(r.resolved, 'resolved')}`);
  if (b.notes.length) parts.push(`<ul class="notes">${b.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return `<section class="base"><h2>What the change moves</h2>${parts.join('')}</section>`;
}

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG, a few lines of inline script
 * (the cluster filter; the page reads fully without it) and no reference to anything it would have
 * to load. Every value from a policy, a topology or a finding is escaped. Pure and deterministic.
 */
export function renderReport(model: ReportModel): string {
  const idOf = anchors('cluster-');
  const ids = model.clusters.map((c) => idOf(c.name));
  const toc = model.clusters.map((c, n) => tocRow(c, ids[n]!)).join('');
  const notes = model.notes.length ? `<ul class="notes">${model.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  const repo = model.repoFindings.length ? `<section><h2>Repository findings</h2>${findingList(model.repoFindings)}</section>` : '';
  const filter = model.clusters.length > 1 ? '<p class="filter"><label>Filter clusters <input type="search" id="filter" autocomplete="off" placeholder="name"></label> <span id="shown"></span></p>' : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // why: the page must load nothing; the policy forbids every fetch, should a value ever slip through as markup.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(model.title)}</title>`,
    `<style>${CSS}</style></head><body><main>`,
    `<header><h1>${esc(model.title)}</h1>`,
    `<p class="meta">${model.clusters.length} cluster${model.clusters.length === 1 ? '' : 's'} · topology: ${model.topology !== undefined ? esc(model.topology) : 'none'}</p>`,
    notes,
    legendHtml(),
    '</header>',
    baseSection(model),
    `<section class="toc"><h2>Clusters</h2>${filter}<div class="scroll"><table id="toc"><tr><th scope="col">cluster</th><th scope="col">hosts</th><th scope="col">candidates</th><th scope="col">worst stall</th><th scope="col">findings</th><th scope="col">change</th></tr>${toc}</table></div></section>`,
    model.clusters.map((c, n) => clusterSection(c, ids[n]!)).join(''),
    repo,
    rulesSection(model),
    `</main>${filter ? `<script>${SCRIPT}</script>` : ''}</body></html>`,
    '',
  ].join('\n');
}
