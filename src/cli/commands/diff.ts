import { Option, type Command } from 'commander';
import { affectedClusters, diffRepositories } from '../../diff/index.js';
import { CHANGE_KINDS, type ChangeKind, type DiffResult } from '../../diff/model.js';
import { renderMarkdown, renderStylish } from '../../diff/render.js';
import { analyzeChange } from '../../diff/scope.js';
import type { ReadCache } from '../../lint.js';
import type { Topology } from '../../topology/model.js';
import { addConfigOptions } from '../config.js';
import { isDirectory, readDirectory, readRevision, readWorkingTree, type SideOptions, type SideRead } from '../diff-sides.js';
import { UsageError, writeOut } from '../io.js';
import { defaultBase, repositoryTop, resolveRevision } from '../revisions.js';
import { addTopologyOptions, topologiesFor, type TopologyOptions } from '../topology.js';

interface DiffOptions extends TopologyOptions, SideOptions {
  format: 'stylish' | 'markdown' | 'json';
  failOnChange: ChangeKind[];
}

function parseKinds(text: string, previous: ChangeKind[]): ChangeKind[] {
  const names = text.split(',').map((k) => k.trim()).filter(Boolean);
  for (const n of names) if (!(CHANGE_KINDS as readonly string[]).includes(n)) throw new UsageError(`unknown --fail-on-change kind "${n}" (kinds: ${CHANGE_KINDS.join(', ')})`);
  return [...new Set([...previous, ...(names as ChangeKind[])])];
}

// why: an interrupted run must not leave checked-out revisions or temporary files behind.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/** Reads both sides (from git objects, checking revisions out where needed), runs `work`, then removes every checkout. */
export async function withSides<T>(base: string | undefined, head: string | undefined, opts: SideOptions, work: (b: SideRead, h: SideRead) => Promise<T>): Promise<T> {
  const dirs = [base, head].filter((a) => a !== undefined && isDirectory(a));
  if (dirs.length > 0) {
    if (dirs.length !== 2) throw new UsageError('give two revisions or two directories, not one of each');
    return work(readDirectory(base!, opts), readDirectory(head!, opts));
  }
  const top = repositoryTop(process.cwd());
  const from = base === undefined ? defaultBase(top) : { rev: resolveRevision(top, base), label: base };
  const to = head === undefined ? undefined : { rev: resolveRevision(top, head), label: head };
  const cleanups: (() => void)[] = [];
  const cleanup = () => cleanups.splice(0).forEach((c) => c());
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.kill(process.pid, signal);
  };
  for (const s of SIGNALS) process.once(s, onSignal);
  try {
    const at = (rev: { rev: string; label: string }) => readRevision(`${rev.label} (${rev.rev.slice(0, 12)})`, top, rev.rev, opts, cleanups);
    const b = await at(from);
    const h = to === undefined ? readWorkingTree(opts) : await at(to);
    return await work(b, h);
  } finally {
    cleanup();
    for (const s of SIGNALS) process.off(s, onSignal);
  }
}

/** The diff of two sides read, against `--topology`, else the head's recorded topology, else the base's. */
export async function compareSides(b: SideRead, h: SideRead, opts: TopologyOptions): Promise<DiffResult> {
  // why: most files are the same on both sides; each is parsed and validated once.
  const cache: ReadCache = new Map();
  const scoped = analyzeChange(b.inputs, h.inputs, cache);
  const affected = affectedClusters(scoped.base, scoped.head);
  const topology = opts.topology ?? h.topologyFile ?? b.topologyFile;
  let topologies: Map<string, Topology> | undefined;
  if (topology !== undefined && affected.length > 0) topologies = await topologiesFor(affected, { ...opts, topology }, scoped.head.repo.fleet ?? scoped.base.repo.fleet);
  else if (topology !== undefined) topologies = new Map();
  const side = (s: SideRead, analysis: typeof scoped.base) => ({ label: s.label, analysis, configure: s.configure });
  return diffRepositories(side(b, scoped.base), side(h, scoped.head), scoped.unchangedFiles, topologies);
}

export function registerDiff(program: Command): void {
  addTopologyOptions(
    addConfigOptions(
      program
        .command('diff')
        .description('review a policy change: per cluster, what changes in candidates, failovers, generated settings and findings')
        .argument('[base]', 'base revision or directory (default: the merge base of HEAD with origin/HEAD, main or master)')
        .argument('[head]', 'head revision or directory (default: the working tree)')
        .option('--policies <paths...>', 'policy paths inside each side (default: the configuration\'s paths, else policies/ in a revision, . in a directory)')
        .option('--fleet <file>', 'fleet file to use on both sides (default: the configuration\'s fleet, else the nearest fleet.yaml)')
        .addOption(new Option('-f, --format <name>', 'output format').choices(['stylish', 'markdown', 'json']).default('stylish'))
        .option('--fail-on-change <kinds>', `exit 1 when such a change exists (comma list, repeatable): ${CHANGE_KINDS.join(', ')}`, parseKinds, []),
    ),
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
