import { existsSync, realpathSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { affectedClusters, diffRepositories, type Side } from '../../diff/index.js';
import { CHANGE_KINDS, type ChangeKind, type DiffResult } from '../../diff/model.js';
import { renderMarkdown, renderStylish } from '../../diff/render.js';
import { analyze, type Analysis, type ReadCache } from '../../lint.js';
import type { Topology } from '../../topology/model.js';
import { UsageError, readInputs, startDirOf, withFleet, writeOut } from '../io.js';
import { checkout, defaultBase, repositoryTop, resolveRevision, type Checkout } from '../revisions.js';
import { addTopologyOptions, topologiesFor, type TopologyOptions } from '../topology.js';

interface DiffOptions extends TopologyOptions {
  policies?: string[];
  fleet?: string;
  format: 'stylish' | 'markdown' | 'json';
  failOnChange: ChangeKind[];
}

function parseKinds(text: string, previous: ChangeKind[]): ChangeKind[] {
  const names = text.split(',').map((k) => k.trim()).filter(Boolean);
  for (const n of names) if (!(CHANGE_KINDS as readonly string[]).includes(n)) throw new UsageError(`unknown --fail-on-change kind "${n}" (kinds: ${CHANGE_KINDS.join(', ')})`);
  return [...new Set([...previous, ...(names as ChangeKind[])])];
}

function isDirectory(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** One side as read: its analysis, and where its recorded topology would be. */
export interface Read {
  side: Side;
  topologyFile: string;
}

/** Reads the policies of one side with `dir` as the working directory, so that paths read alike on both sides. */
export function readSide(label: string, dir: string, paths: readonly string[], fleet: string | undefined, cache: ReadCache): Read {
  const home = process.cwd();
  if (!isDirectory(dir)) throw new UsageError(`${label} has no directory ${relative(home, dir) || '.'}: run diff from a directory that exists in both revisions`);
  process.chdir(dir);
  try {
    const first = paths[0] ?? '.';
    let analysis: Analysis;
    try {
      analysis = analyze(withFleet(readInputs(paths), fleet, startDirOf(first)), cache);
    } catch (e) {
      if (e instanceof UsageError) throw new UsageError(e.lines.map((l) => `${label}: ${l}`));
      throw e;
    }
    return { side: { label, analysis }, topologyFile: resolve(isDirectory(first) ? first : startDirOf(first), 'topology.json') };
  } finally {
    process.chdir(home);
  }
}

// why: an interrupted run must not leave checked-out revisions behind.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Reads both sides (checking revisions out as needed), runs `work` while they exist, then removes every checkout. */
export async function withSides<T>(base: string | undefined, head: string | undefined, opts: Pick<DiffOptions, 'policies' | 'fleet'>, work: (b: Read, h: Read) => Promise<T>): Promise<T> {
  const home = process.cwd();
  // why: most files are the same in both revisions; each is parsed and validated once.
  const cache: ReadCache = new Map();
  const dirs = [base, head].filter((a) => a !== undefined && isDirectory(a));
  if (dirs.length > 0) {
    if (dirs.length !== 2) throw new UsageError('give two revisions or two directories, not one of each');
    const paths = opts.policies ?? ['.'];
    return work(readSide(base!, resolve(base!), paths, opts.fleet, cache), readSide(head!, resolve(head!), paths, opts.fleet, cache));
  }
  const top = repositoryTop(home);
  const paths = opts.policies ?? ['policies/'];
  const from = base === undefined ? defaultBase(top) : { rev: resolveRevision(top, base), label: base };
  const to = head === undefined ? undefined : { rev: resolveRevision(top, head), label: head };
  const checkouts: Checkout[] = [];
  const cleanup = () => checkouts.forEach((c) => c.remove());
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  try {
    const at = (rev: { rev: string; label: string }) => {
      const c = checkout(top, rev.rev);
      checkouts.push(c);
      // why: git names the top by its real path; the working directory may be reached through a link.
      return readSide(`${rev.label} (${rev.rev.slice(0, 12)})`, join(c.dir, relative(top, realpathSync(home))), paths, opts.fleet, cache);
    };
    const b = at(from);
    const h = to === undefined ? readSide('working tree', home, paths, opts.fleet, cache) : at(to);
    return await work(b, h);
  } finally {
    cleanup();
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/** The diff of two sides read, against `--topology`, else the head's recorded topology, else the base's. */
export async function compareSides(b: Read, h: Read, opts: TopologyOptions): Promise<DiffResult> {
  const affected = affectedClusters(b.side.analysis, h.side.analysis);
  const topology = opts.topology ?? [h.topologyFile, b.topologyFile].find((f) => existsSync(f));
  let topologies: Map<string, Topology> | undefined;
  if (topology !== undefined && affected.length > 0) topologies = await topologiesFor(affected, { ...opts, topology }, h.side.analysis.repo.fleet ?? b.side.analysis.repo.fleet);
  else if (topology !== undefined) topologies = new Map();
  return diffRepositories(b.side, h.side, topologies);
}

export function registerDiff(program: Command): void {
  addTopologyOptions(
    program
      .command('diff')
      .description('review a policy change: per cluster, what changes in candidates, failovers, generated settings and findings')
      .argument('[base]', 'base revision or directory (default: the merge base of HEAD with origin/HEAD, main or master)')
      .argument('[head]', 'head revision or directory (default: the working tree)')
      .option('--policies <paths...>', 'policy paths inside each side (default: policies/ in a revision, . in a directory)')
      .option('--fleet <file>', 'fleet file to use on both sides (default: the nearest fleet.yaml)')
      .addOption(new Option('-f, --format <name>', 'output format').choices(['stylish', 'markdown', 'json']).default('stylish'))
      .option('--fail-on-change <kinds>', `exit 1 when such a change exists (comma list, repeatable): ${CHANGE_KINDS.join(', ')}`, parseKinds, []),
  ).action(async (base: string | undefined, head: string | undefined, opts: DiffOptions) => {
    if (base === undefined && head !== undefined) throw new UsageError('a head needs a base');
    // why: standard input can be read once, and diff reads the policies twice.
    if (opts.policies?.includes('-')) throw new UsageError('diff compares files; "-" (standard input) cannot be read for both sides');
    const result = await withSides(base, head, opts, (b, h) => compareSides(b, h, opts));
    const text = opts.format === 'json' ? `${JSON.stringify(result, null, 2)}\n` : opts.format === 'markdown' ? renderMarkdown(result) : renderStylish(result);
    await writeOut(text);
    const failing = result.clusters.some((c) => c.kinds.some((k) => opts.failOnChange.includes(k)));
    process.exitCode = failing ? 1 : 0;
  });
}
