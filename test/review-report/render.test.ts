import { describe, expect, it } from 'vitest';
import { layoutTree, NODE } from '../../src/review-report/layout.js';
import type { ClusterReport, ReportHost, ReportModel } from '../../src/review-report/model.js';
import { renderReport } from '../../src/review-report/page.js';
import { exampleReport } from './fixtures.js';

const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>"\'&\u202e\u001b[31m';

function host(key: string, over: Partial<ReportHost> = {}): ReportHost {
  return { key, primary: false, declared: true, candidate: false, reasons: ['not on the whitelist'], promotion: 'neutral', semiSyncPriority: 0, ...over };
}

function hostileModel(): ReportModel {
  const finding = { ruleId: hostile, severity: 'error' as const, file: hostile, line: 1, column: 1, endLine: 1, endColumn: 2, message: hostile, hint: hostile };
  const cluster: ClusterReport = {
    name: hostile,
    file: hostile,
    description: hostile,
    engines: ['orchestrator'],
    hosts: [host(hostile, { primary: true, dc: hostile, role: 'backup' }), host('db2:3306', { source: hostile, dc: hostile, candidate: true, reasons: [], candidateChange: { change: 'added', reasons: [hostile] } })],
    treeFrom: 'topology',
    n1: [{ failed: hostile, failedRole: 'primary', cells: [{ engine: 'orchestrator', now: { successor: hostile, stallSeconds: 3, ackers: [] }, changed: true, before: { successor: null, stopped: hostile, stallSeconds: null, ackers: [] } }] }],
    worst: { failed: hostile, engine: 'orchestrator', stallSeconds: null },
    findings: [finding],
    notes: [hostile],
    change: { status: 'changed', kinds: ['successor'], settings: [hostile], findings: { added: [finding], resolved: [finding] } },
  };
  return {
    title: hostile,
    topology: hostile,
    base: { label: hostile, head: hostile, notes: [hostile], removed: [hostile] },
    clusters: [cluster, { ...cluster, name: `${hostile}2` }],
    repoFindings: [finding],
    repoFindingChanges: { added: [finding], resolved: [finding] },
    rules: [{ id: hostile, severity: 'error', description: hostile, url: hostile }],
    notes: [hostile],
  };
}

describe('report page', () => {
  it('turns no policy or topology value into markup', () => {
    const html = renderReport(hostileModel());
    // the page's own script is the only one; no value opened an element or an attribute
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html).not.toContain('<img');
    // every value's "<" is escaped, so each tag left is the renderer's own: none of them has an event handler
    const tags = html.slice(0, html.lastIndexOf('<script>') + '<script>'.length).match(/<[a-zA-Z][^>]*>/g)!.map((t) => t.replace(/"[^"]*"/g, '""'));
    expect(tags.filter((t) => /\son[a-z]+=/i.test(t))).toEqual([]);
    expect(new Set(tags.map((t) => /^<([a-zA-Z0-9]+)/.exec(t)![1]))).toEqual(
      new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'main', 'header', 'h1', 'h2', 'h3', 'p', 'ul', 'li', 'svg', 'g', 'rect', 'circle', 'text', 'path', 'section', 'strong', 'code', 'span', 'a', 'div', 'label', 'input', 'table', 'tr', 'th', 'td', 'del', 'ins', 'dl', 'dt', 'dd', 'script']),
    );
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;&quot;&#39;&amp;\\u202e\\x1b[31m');
    expect(html).not.toContain('\u202e');
    expect(html).not.toContain('\u001b');
  });

  it('draws one box per host in each cluster, with a legend, and is deterministic', () => {
    const model = exampleReport();
    const html = renderReport(model);
    expect(renderReport(exampleReport())).toBe(html);
    for (const c of model.clusters) {
      const section = html.slice(html.indexOf(`data-name="${c.name}" data-hosts`), html.indexOf('</section>', html.indexOf(`data-name="${c.name}" data-hosts`)));
      expect(section.match(/<g class="host /g)).toHaveLength(c.hosts.length);
      for (const h of c.hosts) expect(section).toContain(`data-host="${h.key}"`);
    }
    expect(html).toContain('<ul class="legend">');
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//);
  });

  it('marks what a base moves: before → after, the candidate that leaves, new findings with their rule', () => {
    const html = renderReport(exampleReport({ base: true }));
    expect(html).toContain('<del>rha-db-02:3306</del> → <ins>rha-db-03:3306</ins>');
    expect(html).toMatch(/<g class="host candidate cand-removed|<g class="host excluded cand-removed/);
    expect(html).toContain('href="#rule-single-promotable-candidate"');
    expect(html).toContain('id="rule-single-promotable-candidate"');
    expect(html).toContain('href="https://github.com/succession-dev/succession/blob/main/docs/rules/single-promotable-candidate.md"');
  });
});

describe('tree layout', () => {
  it('lays a wide cluster out without overlaps, growing in height, not width', () => {
    const hosts = [host('p:1', { primary: true }), ...Array.from({ length: 60 }, (_, n) => host(`r${n}:1`, { source: 'p:1' })), host('deep:1', { source: 'r7:1' })];
    const layout = layoutTree(hosts);
    expect(layout.hosts).toHaveLength(62);
    expect(layout.links).toHaveLength(61);
    expect(layout.width).toBeLessThan(3 * (NODE.width + NODE.gapX) + 40);
    const boxes = layout.hosts.map((p) => [p.x, p.y]);
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i]!, boxes[j]!];
        const apart = Math.abs(a[0]! - b[0]!) >= NODE.width || Math.abs(a[1]! - b[1]!) >= NODE.height;
        expect(apart).toBe(true);
      }
    }
    for (const p of layout.hosts) expect(p.y + NODE.height).toBeLessThanOrEqual(layout.height);
  });

  it('draws hosts outside the primary\'s tree as further roots', () => {
    const layout = layoutTree([host('p:1', { primary: true }), host('lost:1')]);
    expect(layout.hosts.map((p) => p.x)).toEqual([layout.hosts[0]!.x, layout.hosts[0]!.x]);
    expect(layout.links).toHaveLength(0);
  });
});
