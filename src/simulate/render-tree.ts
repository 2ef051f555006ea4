// The replication trees simulate draws: before the failure and after each engine.
import { cyclesOf } from '../util/cycles.js';
import type { Styled } from './styled.js';

export interface TreeNode {
  key: string;
  children: TreeNode[];
}

/**
 * Builds the forest of `keys` from source edges; a node whose source is outside is a root. A ring
 * (co-primaries) has no such node: one edge of it is cut, at the member `writable` picks (else the
 * smallest key), so the ring is drawn as a tree under it.
 */
export function forest(keys: string[], sourceOf: (k: string) => string | undefined, writable: (k: string) => boolean): TreeNode[] {
  const nodes = new Map(keys.map((k) => [k, { key: k, children: [] as TreeNode[] }]));
  const next = (k: string) => {
    const src = sourceOf(k);
    return src !== undefined && nodes.has(src) ? src : undefined;
  };
  const cut = new Set(cyclesOf([...keys].sort(), next).map((ring) => ring.find(writable) ?? ring[0]!));
  const roots: TreeNode[] = [];
  for (const k of [...keys].sort()) {
    const src = cut.has(k) ? undefined : next(k);
    if (src !== undefined) nodes.get(src)!.children.push(nodes.get(k)!);
    else roots.push(nodes.get(k)!);
  }
  return roots;
}

/**
 * The tag of a host drawn at the top although its source is drawn too: the edge that closes a
 * ring was cut to draw the tree, and is named here so that it is not lost.
 */
export function ringEdges(roots: TreeNode[], keys: string[], sourceOf: (k: string) => string | undefined): (k: string) => string | undefined {
  const drawn = new Set(keys);
  const tops = new Set(roots.map((r) => r.key));
  return (k) => {
    const src = sourceOf(k);
    return tops.has(k) && src !== undefined && drawn.has(src) ? `ring: replicates from ${src}` : undefined;
  };
}

/** The tree as indented lines, each a host's label (pieces, so that a label can carry colour). */
export function lines(roots: TreeNode[], label: (k: string) => readonly (string | Styled)[]): (string | Styled)[][] {
  const out: (string | Styled)[][] = [];
  const walk = (n: TreeNode, depth: number) => {
    out.push([depth === 0 ? '' : `${'  '.repeat(depth - 1)}+ `, ...label(n.key)]);
    for (const c of n.children) walk(c, depth + 1);
  };
  for (const r of roots) walk(r, 0);
  return out;
}
