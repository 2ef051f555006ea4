import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { browserDescribe, launchChromium } from './browser.js';

// The report in a real headless Chromium: it loads without errors and without a single request
// besides its own file, draws every cluster, and reads at desktop and at phone width.

let dir: string;
let browser: Browser;

/** A cluster with long host names and a description that would run a script and load an image, were it markup. */
const ODD = `kind: cluster
name: odd
description: "<script>window.pwned = 1</script><img src=http://127.0.0.1:9/x onerror=window.pwned=2>"
primary: a-very-long-host-name-for-the-primary.db.example.internal:3306
hosts:
  a-very-long-host-name-for-the-primary.db.example.internal:3306: { dc: dc1, semiSyncPriority: 100 }
  a-very-long-host-name-for-the-replica.db.example.internal:3306: { dc: dc1, promotion: prefer, semiSyncPriority: 100 }
  db3:3306: { source: a-very-long-host-name-for-the-replica.db.example.internal:3306 }
`;

/** The pages tested: the example repository, the proposed change against it (--base), and the odd cluster. */
const PAGES = {
  example: { args: () => [], clusters: { dr: 7, shop: 5 } },
  change: { args: () => ['test/diff/fixtures/proposed', '--base', 'policies', '--topology', 'policies/topology.json'], clusters: { dr: 7, shop: 5 } },
  odd: { args: () => [join(dir, 'odd-repo')], clusters: { odd: 3 } },
} as const;

const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

browserDescribe('report in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-report-browser-'));
    mkdirSync(join(dir, 'odd-repo'));
    writeFileSync(join(dir, 'odd-repo', 'fleet.yaml'), 'kind: fleet\n');
    writeFileSync(join(dir, 'odd-repo', 'odd.yaml'), ODD);
    for (const [name, page] of Object.entries(PAGES)) {
      const r = run(['report', ...page.args(), '--out', join(dir, name)]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a page, recording console errors, page errors and every request it makes. */
  async function open(name: keyof typeof PAGES, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));
    const url = pathToFileURL(join(dir, name, 'index.html')).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, problems, requests, url, close: () => context.close() };
  }

  /** Pixels of a screenshot that differ from its most common colour (the background). */
  function drawnPixels(png: Buffer): { drawn: number; total: number } {
    const img = PNG.sync.read(png);
    const counts = new Map<number, number>();
    const colours = new Uint32Array(img.width * img.height);
    for (let i = 0; i < colours.length; i++) {
      const c = img.data.readUInt32BE(i * 4);
      colours[i] = c;
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const background = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    return { drawn: colours.filter((c) => c !== background).length, total: colours.length };
  }

  async function layoutOf(page: Page) {
    return page.evaluate(() => {
      const doc = document.documentElement;
      const texts = [...document.querySelectorAll('main *')].filter((e) => e.childNodes.length > 0 && [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== ''));
      const small = texts.map((e) => ({ tag: e.tagName, size: parseFloat(getComputedStyle(e).fontSize), text: e.textContent!.slice(0, 40) })).filter((t) => t.size < 12);
      // each host's text stays inside its box, and the trees are drawn at their natural size (not shrunk)
      const overflowing: string[] = [];
      for (const g of document.querySelectorAll<SVGGElement>('svg.tree g.host')) {
        const box = g.querySelector('rect')!.getBBox();
        const badge = g.querySelector('.acker circle')?.getBBox();
        for (const t of g.querySelectorAll<SVGTextElement>(':scope > text')) {
          const b = t.getBBox();
          const under = badge !== undefined && b.y < badge.y + badge.height && b.x + b.width > badge.x;
          if (b.x + b.width > box.x + box.width - 4 || under) overflowing.push(t.textContent!);
        }
      }
      const shrunk = [...document.querySelectorAll<SVGSVGElement>('svg.tree')].filter((s) => Math.abs(s.getBoundingClientRect().width - Number(s.getAttribute('width'))) > 0.5).length;
      const scrolling = [...document.querySelectorAll<HTMLElement>('.scroll')].filter((s) => s.scrollWidth > s.clientWidth + 1).length;
      return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, small, overflowing, shrunk, scrolling };
    });
  }

  for (const viewport of VIEWPORTS) {
    for (const name of Object.keys(PAGES) as (keyof typeof PAGES)[]) {
      it(`${name} at ${viewport.width}x${viewport.height}: no error, no request, every cluster drawn, no horizontal overflow`, async () => {
        const { page, problems, requests, url, close } = await open(name, viewport);
        try {
          expect(problems).toEqual([]);
          expect(requests).toEqual([url]);
          expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
          const drawn = await page.$$eval('section.cluster', (sections) =>
            sections.map((s) => ({ name: s.getAttribute('data-name'), hosts: s.querySelectorAll('svg.tree g.host').length, declared: Number(s.getAttribute('data-hosts')) })),
          );
          expect(Object.fromEntries(drawn.map((d) => [d.name, d.hosts]))).toEqual(PAGES[name].clusters);
          for (const d of drawn) expect(d.hosts).toBe(d.declared);
          for (const tree of await page.$$('svg.tree')) {
            const { drawn: pixels, total } = drawnPixels(await tree.screenshot());
            // boxes, edges and labels: far more than a blank or a stray line
            expect(pixels / total).toBeGreaterThan(0.1);
          }
          const layout = await layoutOf(page);
          expect(layout.scrollWidth).toBeLessThanOrEqual(layout.clientWidth);
          expect(layout.small).toEqual([]);
          expect(layout.overflowing).toEqual([]);
          expect(layout.shrunk).toBe(0);
          // at phone width the wide tables and trees scroll inside their own containers
          if (viewport.width < 500) expect(layout.scrolling).toBeGreaterThan(0);
        } finally {
          await close();
        }
      });
    }
  }

  it('filters clusters by name', async () => {
    const { page, problems, close } = await open('example', VIEWPORTS[0]!);
    try {
      await page.fill('#filter', 'sho');
      expect(await page.isVisible('section.cluster[data-name="shop"]')).toBe(true);
      expect(await page.isVisible('section.cluster[data-name="dr"]')).toBe(false);
      expect(await page.textContent('#shown')).toBe('1 of 2 shown');
      expect(problems).toEqual([]);
    } finally {
      await close();
    }
  });

  it('the page of a change shows the moved successor', async () => {
    const { page, close } = await open('change', VIEWPORTS[0]!);
    try {
      expect(await page.textContent('section.cluster[data-name="shop"] td.moved')).toContain('rha-db-02:3306 → rha-db-03:3306');
      expect(readFileSync(join(dir, 'change', 'index.html'), 'utf8')).toContain('cand-removed');
    } finally {
      await close();
    }
  });
});
