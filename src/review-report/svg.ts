import { cut, esc } from './escape.js';
import { layoutTree, NODE, type PlacedHost } from './layout.js';
import type { ReportHost } from './model.js';

/** The kind of box a host gets; the legend shows the same. */
export function hostClass(h: ReportHost): string {
  const kind = h.primary ? 'primary' : h.candidate ? 'candidate' : 'excluded';
  const extra = [
    h.declared ? '' : 'undeclared',
    h.inTopology === false ? 'absent' : '',
    h.candidateChange ? `cand-${h.candidateChange.change}` : '',
    h.settingChanges ? 'set-changed' : '',
  ].filter(Boolean);
  return ['host', kind, ...extra].join(' ');
}

function details(h: ReportHost): string {
  return [h.dc ?? 'no dc', h.promotion ?? '', h.role ?? ''].filter(Boolean).join(' · ');
}

/** The third line: what the host is in a failover, in a few words. */
function standing(h: ReportHost): string {
  if (h.candidateChange) return h.candidateChange.change === 'added' ? '+ candidate now' : `− ${(h.candidateChange.reasons[0] ?? 'not a candidate').replace(/ \(.*$/, '')}`;
  if (h.settingChanges) return `Δ ${h.settingChanges[0]!.field}, was ${h.settingChanges[0]!.before ?? 'not set'}`;
  if (!h.declared) return 'not in the policy';
  if (h.inTopology === false) return 'not in the topology';
  if (h.primary) return 'primary';
  if (h.candidate) return 'candidate';
  // why: the box has room for the reason, not its detail ("not a direct replica (replicates from …)"); the tooltip has both.
  return (h.reasons[0] ?? '').replace(/ \(.*$/, '');
}

/** Everything about the host, for the tooltip and for screen readers. */
function title(h: ReportHost): string {
  const lines = [
    h.key,
    `role: ${h.primary ? 'primary' : (h.role ?? 'replica')}`,
    `dc: ${h.dc ?? '(none)'}`,
    `promotion: ${h.promotion ?? '(not in the policy)'}`,
    `semi-sync priority: ${h.semiSyncPriority ?? '(not in the policy)'}`,
    h.candidate ? 'candidate: yes' : `candidate: no (${h.reasons.join('; ')})`,
  ];
  if (h.candidateChange) lines.push(h.candidateChange.change === 'added' ? 'became a candidate with this change' : `stopped being a candidate with this change (${h.candidateChange.reasons.join('; ')})`);
  if (h.settingChanges) lines.push(...h.settingChanges.map((c) => `changes: ${c.field}: ${c.before ?? '(not set)'} → ${c.after ?? '(not set)'}`));
  if (h.ring) lines.push(h.ring);
  return lines.join('\n');
}

// why: SVG text does not wrap; boxes are made wide enough for the longest host key of the tree
// (up to NODE.maxWidth), from generous per-character widths of the page's fonts at its sizes.
const KEY_CHAR = 8.6;
const LINE_CHAR = 7.4;
const BADGE = 30;

/** The box width that fits the tree's longest host key beside a priority badge. */
export function boxWidth(hosts: readonly ReportHost[]): number {
  const longest = Math.max(0, ...hosts.map((h) => [...h.key].length));
  return Math.min(NODE.maxWidth, Math.max(NODE.width, Math.ceil(20 + longest * KEY_CHAR + BADGE)));
}

function box(p: PlacedHost, width: number): string {
  const h = p.host;
  const keyChars = Math.floor((width - 20 - BADGE) / KEY_CHAR);
  const lineChars = Math.floor((width - 20) / LINE_CHAR);
  // why: the primary's priority counts too: it is what it acknowledges with once it is a replica again.
  const prioritised = (h.semiSyncPriority ?? 0) > 0;
  const badge = prioritised
    ? `<g class="acker"><circle cx="${width - 6}" cy="6" r="14"/><text x="${width - 6}" y="10" text-anchor="middle">${esc(cut(String(h.semiSyncPriority), 3))}</text></g>`
    : '';
  return [
    // why: the title, the group's first child, is its tooltip and its accessible name both.
    `<g class="${hostClass(h)}" data-host="${esc(h.key)}" transform="translate(${p.x},${p.y})">`,
    `<title>${esc(title(h))}</title>`,
    `<rect width="${width}" height="${NODE.height}" rx="7"/>`,
    `<text x="10" y="20" class="k">${esc(cut(h.key, keyChars))}</text>`,
    `<text x="10" y="36" class="d">${esc(cut(details(h), lineChars))}</text>`,
    `<text x="10" y="52" class="s">${esc(cut(standing(h), lineChars))}</text>`,
    badge,
    '</g>',
  ].join('');
}

/**
 * The cluster's replication tree as a static SVG: a box per host (filled by what it is in a
 * failover, outlined when a change moves it), an edge from each source to its replicas. Drawn at
 * its natural size: a wide tree scrolls inside its container instead of shrinking its text.
 */
export function treeSvg(hosts: readonly ReportHost[], label: string): string {
  const layout = layoutTree(hosts, boxWidth(hosts));
  const edges = layout.links.map(({ from, to }) => {
    const x1 = from.x + layout.box;
    const y1 = from.y + NODE.height / 2;
    const x2 = to.x;
    const y2 = to.y + NODE.height / 2;
    const mid = (x1 + x2) / 2;
    return `<path d="M${x1},${y1}C${mid},${y1} ${mid},${y2} ${x2},${y2}"/>`;
  });
  return [
    `<svg class="tree" xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}" viewBox="0 0 ${layout.width} ${layout.height}" role="group" aria-label="${esc(label)}">`,
    `<g class="edges">${edges.join('')}</g>`,
    layout.hosts.map((p) => box(p, layout.box)).join(''),
    '</svg>',
  ].join('');
}

/** The legend: a small sample of each kind of box, drawn with the same classes as the trees; it wraps on a narrow screen. */
export function legendHtml(): string {
  const samples: [string, string][] = [
    ['host primary', 'primary'],
    ['host candidate', 'failover candidate'],
    ['host excluded', 'not a candidate (why: on the box)'],
    ['host excluded undeclared', 'in the topology, not in the policy'],
    ['host candidate cand-added', 'becomes a candidate (--base)'],
    ['host excluded cand-removed', 'stops being a candidate (--base)'],
    ['host candidate set-changed', 'its settings change (--base)'],
  ];
  const swatch = (cls: string) => `<svg width="34" height="20" viewBox="0 0 34 20" aria-hidden="true"><g class="${cls}"><rect x="2" y="2" width="30" height="16" rx="4"/></g></svg>`;
  const ack = `<svg width="30" height="30" viewBox="-15 -15 30 30" aria-hidden="true"><g class="acker"><circle r="14"/><text y="4" text-anchor="middle">50</text></g></svg>`;
  const items = [...samples.map(([cls, text]) => `<li>${swatch(cls)}${text}</li>`), `<li>${ack}semi-sync priority (&gt; 0: acknowledges writes as a replica)</li>`];
  return `<ul class="legend">${items.join('')}</ul>`;
}
