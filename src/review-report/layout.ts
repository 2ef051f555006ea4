import { hierarchy, tree } from 'd3-hierarchy';
import type { ReportHost } from './model.js';

/** Size of a host's box (its least width) and the gaps between boxes, in SVG user units (CSS pixels at scale 1). */
export const NODE = { width: 220, maxWidth: 440, height: 60, gapX: 48, gapY: 14 } as const;
const MARGIN = 12;

export interface PlacedHost {
  host: ReportHost;
  /** Top-left corner of the host's box. */
  x: number;
  y: number;
}

export interface Layout {
  hosts: PlacedHost[];
  /** Source → replica, from the right edge of the source's box to the left edge of the replica's. */
  links: { from: PlacedHost; to: PlacedHost }[];
  width: number;
  height: number;
  /** The width of every box: one per tree, so that the columns line up. */
  box: number;
}

interface TreeDatum {
  host?: ReportHost;
  children: TreeDatum[];
}

/**
 * Places the hosts as a left-to-right tree (primary at the left, replicas to its right), laid out
 * by d3-hierarchy's tidy tree (Reingold–Tilford, linear time). Left to right because clusters grow
 * wide rather than deep: the height grows with the number of hosts, the width only with depth.
 * Several roots (hosts outside the primary's tree) hang under an invisible root.
 */
export function layoutTree(hosts: readonly ReportHost[], box: number = NODE.width): Layout {
  const data = new Map(hosts.map((h): [string, TreeDatum] => [h.key, { host: h, children: [] }]));
  const top: TreeDatum = { children: [] };
  for (const h of hosts) (h.source !== undefined && data.has(h.source) ? data.get(h.source)! : top).children.push(data.get(h.key)!);
  const root = hierarchy(top, (d) => d.children);
  tree<TreeDatum>()
    .nodeSize([NODE.height + NODE.gapY, box + NODE.gapX])
    .separation(() => 1)(root);
  const nodes = root.descendants().filter((n) => n.data.host !== undefined);
  // why: d3 puts the breadth in x and the depth in y; the invisible root is depth 0.
  const minBreadth = Math.min(...nodes.map((n) => n.x!));
  const placed = new Map<ReportHost, PlacedHost>();
  for (const n of nodes) placed.set(n.data.host!, { host: n.data.host!, x: MARGIN + (n.depth - 1) * (box + NODE.gapX), y: MARGIN + n.x! - minBreadth });
  const links = nodes.filter((n) => n.parent?.data.host !== undefined).map((n) => ({ from: placed.get(n.parent!.data.host!)!, to: placed.get(n.data.host!)! }));
  const list = [...placed.values()];
  const width = list.length === 0 ? 0 : Math.max(...list.map((p) => p.x)) + box + MARGIN;
  const height = list.length === 0 ? 0 : Math.max(...list.map((p) => p.y)) + NODE.height + MARGIN;
  return { hosts: list, links, width, height, box };
}
