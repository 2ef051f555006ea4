import { readFileSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { compareFindings, type Finding } from '../../findings.js';
import { exitCodeFor, fleetCandidates, position, type KeyedFinding } from '../../lint.js';
import { scopedBuild, type ScopedBuild } from '../../compile/scoped-build.js';
import targetCannotExpress from '../../rules/target-cannot-express.js';
import unsafeEngineValue from '../../rules/unsafe-engine-value.js';
import { lintParallel, programIdentity, warmWorkers, type ShardOutput } from '../../lint-parallel.js';
import { BuildCache, cacheKey, keyed, loadCache, vouchedFacts } from '../../compile/build-cache.js';
import { sha256 } from '../../compile/artifact.js';
import { VERSION } from '../../version.js';
import { TARGETS, type TargetName } from '../../compile/index.js';
import { buildOutputs, existingDir, writableDir, type BuildOutputs, type DeferredNotes } from '../../compile/outputs.js';
import { cmonEntries, renderCnf } from '../../compile/cmon.js';
import { cnfClusterId, mergeCnf } from '../../compile/cmon-merge.js';
import { diffTree, OutputError, removeStaleTemps, treeFiles, writeFiles, type Drift, type FileToWrite } from '../../compile/emit.js';
import { TempWriter, discardWritten, type WrittenAhead } from '../../compile/temp-files.js';
import { Notes } from '../../compile/unexpressed.js';
import { driftDiff, MAX_DIFFS } from '../../compile/drift-diff.js';
import { terminalText } from '../../util/terminal-text.js';
import type { Repo } from '../../rules/rule.js';
import { addConfigOptions, resolveRun, type ConfigOptions } from '../config.js';
import { UsageError, readInputs, reportFatal, startDirOf, withFleet } from '../io.js';
import { errnoText } from '../../util/errno.js';
import { addReportOptions, emitFindings, infoCounted, type ReportOptions } from '../output.js';

interface BuildOptions extends ReportOptions, ConfigOptions {
  out?: string;
  target: string;
  check?: boolean;
  mergeInto?: string;
  fleet?: string;
  cache?: boolean;
  cacheLocation?: string;
}

function parseTargets(text: string): TargetName[] {
  const names = text.split(',').map((t) => t.trim()).filter(Boolean);
  for (const n of names) if (!(TARGETS as readonly string[]).includes(n)) throw new UsageError(`unknown target "${n}" (targets: ${TARGETS.join(', ')})`);
  if (names.length === 0) throw new UsageError('--target names no target');
  return TARGETS.filter((t) => names.includes(t));
}

const DRIFT_TEXT: Record<Drift['kind'], string> = {
  stale: 'is stale: its content differs from what the policies compile to.',
  missing: 'is missing.',
  extra: 'is not produced by the build (a removed cluster or node, or a hand-made file).',
};

function driftFinding(file: string, kind: Drift['kind']): Finding {
  const hint = kind === 'extra' ? 'Delete it, or move hand-made files out of the generated directories.' : 'Run `succession build` and commit the result.';
  return { ruleId: 'build-drift', severity: 'error', file, line: 1, column: 1, endLine: 1, endColumn: 1, message: `Generated file ${DRIFT_TEXT[kind]}`, hint };
}

/**
 * The file `--merge-into` names, through any symbolic link: the link stays, its target is updated.
 * Read as bytes: what the merge does not manage must stay byte for byte, UTF-8 or not.
 */
function readMergeTarget(file: string): { real: string; bytes: Buffer } {
  try {
    const real = realpathSync(file);
    return { real, bytes: readFileSync(real) };
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${errnoText(e)}`);
  }
}

/** The merged bytes of `--merge-into FILE` and the file they go to, or the findings that stop the merge. */
function merge(file: string, repo: Repo): { real: string; current: Buffer; bytes?: Buffer; findings: Finding[] } {
  const { real, bytes: existing } = readMergeTarget(file);
  const name = /cmon_([0-9]+)\.cnf$/.exec(file)?.[1] ?? /cmon_([0-9]+)\.cnf$/.exec(real)?.[1];
  const id = cnfClusterId(existing) ?? name;
  if (id === undefined) throw new UsageError(`${file} has no cluster_id line and is not named cmon_<id>.cnf`);
  const cluster = repo.clusters.find((c) => String(c.cmon?.clusterId) === id);
  if (!cluster) throw new UsageError(`no policy has cmon.clusterId ${id} (the cluster of ${file})`);
  const notes = new Notes('cmon');
  const entries = cmonEntries(cluster, repo.fleet, notes);
  if (renderCnf(entries, cluster, notes) === undefined) {
    // why: a value cmon cannot carry would otherwise drop out of the merge and delete its line.
    const unsafe = notes.reports.filter((r) => r.ruleId === unsafeEngineValue.id);
    return { real, current: existing, findings: unsafe.map((r) => position(r.ruleId, unsafeEngineValue.severity, r.report)) };
  }
  const result = mergeCnf(existing, entries);
  const findings: Finding[] = result.problems.map(({ related, ...p }) => ({
    ruleId: 'cnf-duplicate-managed-key',
    severity: 'error',
    file,
    ...p,
    ...(related ? { related: related.map((r) => ({ file, ...r })) } : {}),
  }));
  return { real, current: existing, ...(result.bytes ? { bytes: result.bytes } : {}), findings };
}

export function registerBuild(program: Command): void {
  addReportOptions(
    addConfigOptions(
      program
        .command('build')
        .description('compile the policies into cmon, orchestrator and MHA configs (lint errors stop the build)')
        .argument('[paths...]', 'files, directories, globs, or - for standard input (default: the paths of succession.config.yaml, else policies/)')
        .option('-o, --out <dir>', 'output directory (required unless only --merge-into is used)')
        .option('-t, --target <list>', `comma-separated targets: ${TARGETS.join(',')}`, TARGETS.join(','))
        .option('--check', 'write nothing; exit 1 when any generated file is stale, missing or extra')
        .option('--merge-into <file>', 'update only the keys succession manages in an existing cmon_<id>.cnf')
        .option('--fleet <file>', 'fleet file to use (default: the nearest fleet.yaml at or above the first path)')
        .option('--cache', 'parse and compile only the policies changed since the last build with --cache (results kept in --cache-location)')
        .option('--cache-location <file>', `the build cache file (implies --cache; default: ${DEFAULT_CACHE})`)
        .option('--verbose', 'show every info finding (what an engine cannot express); by default one line on standard error counts them'),
    ),
    false,
  ).action(async (args: string[], opts: BuildOptions) => {
    const targets = parseTargets(opts.target);
    if (opts.out === undefined && opts.mergeInto === undefined) throw new UsageError('build needs --out DIR (or --merge-into FILE)');
    const run = resolveRun(args, opts);
    const first = run.paths.find((p) => p !== '-');
    const location = opts.out !== undefined && (opts.cache || opts.cacheLocation !== undefined) ? (opts.cacheLocation ?? DEFAULT_CACHE) : undefined;
    const program = `${VERSION}\u0000${programIdentity()}`;
    const loaded = location === undefined ? undefined : loadCache(location);
    if (loaded?.ignored !== undefined) reportFatal(`ignored the build cache ${location}: ${loaded.ignored}; it is rewritten.`);
    const programSha = sha256(program);
    const vouch = loaded && ((path: string, stat: string) => vouchedFacts(loaded.stored, programSha, path, stat));
    // why: with a cache, most files are answered for without a worker; without one, every file goes to one.
    const read = readInputs(run.paths, { ignored: run.ignored, origin: run.origin, ...(vouch ? { vouch } : { found: warmWorkers }) });
    const inputs = withFleet(read, opts.fleet, first === undefined ? process.cwd() : startDirOf(first));
    const outDir = existingDir(opts.out);
    const cache = loaded && {
      location: location!,
      cache: new BuildCache(keyed(loaded.stored, cacheKey({ program, targets, outDir: resolve(opts.out!), fleetInputs: fleetCandidates(inputs) })), programSha),
    };
    const scoped = cache && outDir !== undefined && opts.mergeInto === undefined ? scopedBuild(cache.cache, inputs, outDir, targets, fleetCandidates(inputs)) : undefined;
    // why: a build that writes has its changed files written ahead to temporary files as they are compiled (see TempWriter).
    const writeTo = opts.check || opts.out === undefined ? undefined : writableDir(opts.out);
    const ahead: WrittenAhead[] = [];
    // why: deferred info notes are read only when they are shown or configured.
    const notesShown = !infoCounted(opts) || NOTE_RULES.some((id) => run.config?.rules.has(id));
    let lintFindings: Finding[];
    let outputs: () => BuildOutputs;
    let repo: Repo | undefined;
    let notes: DeferredNotes | undefined;
    let stopped = () => {};
    if (scoped) {
      lintFindings = scoped.findings;
      notes = scoped.notes;
      outputs = () => scoped.outputs;
      saveCache(cache!, cache!.cache.stored.fleetPath, [scoped.shard], inputs.length, scoped.repoFindings, scoped.outputs.deployments, scoped);
    } else {
      // why: the same lint as `succession lint`, so a build never accepts what lint rejects. The
      // worker threads also compile each cluster and compare its files with the output directory.
      const compileJob = { targets, ...(outDir === undefined ? {} : { outDir }), ...(cache ? { hashes: true } : {}), ...(writeTo === undefined ? {} : { writeTo }), keepNotes: notesShown };
      const cached = cache?.cache.lookup(inputs, outDir);
      const linted = await lintParallel(inputs, undefined, { compile: compileJob, ...(cached && cached.paths.size > 0 ? { cached } : {}) });
      const { analysis, extraFindings, clusterFiles } = linted;
      // why: shards whose comparison is not used (see ParallelResult.clusterFiles) wrote for nothing; this thread compiles again.
      if (linted.written) {
        if (clusterFiles) ahead.push(linted.written);
        else discardWritten([linted.written]);
      }
      lintFindings = linted.findings;
      notes = clusterFiles?.notes;
      repo = analysis.repo;
      const shards = clusterFiles && { ...clusterFiles, findings: extraFindings ?? [] };
      const save = (deployments?: ReadonlyMap<string, [string, string][]>) => {
        if (cache) saveCache(cache, analysis.repo.fleetFiles[0]?.path, linted.shards, inputs.length, linted.repoFindings ?? [], deployments);
      };
      let built: BuildOutputs | undefined;
      outputs = () => {
        if (built === undefined) {
          const writer = writeTo === undefined ? undefined : new TempWriter(writeTo);
          if (writer) ahead.push({ temps: writer.temps, dirs: writer.made, created: writer.created });
          save((built = buildOutputs(analysis.repo, targets, outDir, shards, writer)).deployments);
        }
        return built;
      };
      // why: a build stopped by its lint findings compiles no deployment; its cache then cannot serve a scoped build.
      stopped = () => save();
    }
    // why: whatever stops the build before the renames leaves no file written ahead behind.
    let renamed = false;
    try {
      const gate = run.configure(lintFindings);
      if (exitCodeFor(gate, opts.failOn) === 1) {
        stopped();
        await emitFindings(gate, opts, inputs.length, true);
        reportFatal('build stopped by the findings above; nothing was written.');
        process.exitCode = 1;
        return;
      }
      const built = outputs();
      const merged = opts.mergeInto === undefined ? undefined : merge(opts.mergeInto, repo!);
      const readNotes = notes !== undefined && notes.count > 0 && notesShown;
      const uncounted = notes === undefined || readNotes ? 0 : notes.count;
      // why: build findings are not suppressible by policy comments; `lint` would call such a comment unused.
      const findings = run.configure([...gate, ...built.findings, ...(readNotes && notes ? notes.read() : []), ...(merged?.findings ?? [])]).sort(compareFindings);
      if (exitCodeFor(findings, opts.failOn) === 1) {
        await emitFindings(findings, opts, inputs.length, true, uncounted);
        reportFatal('build stopped by the findings above; nothing was written.');
        process.exitCode = 1;
        return;
      }
      try {
        if (built.outputError !== undefined) throw new OutputError(built.outputError);
        if (opts.check) {
          await check(opts, targets, built, merged, findings, inputs.length, uncounted);
        } else {
          await write(opts, targets, built, merged, ahead);
          renamed = true;
          process.exitCode = await emitFindings(findings, opts, inputs.length, true, uncounted);
        }
      } catch (e) {
        if (!(e instanceof OutputError)) throw e;
        reportFatal(`${e.message}; nothing was written.`);
        process.exitCode = 2;
      }
    } finally {
      if (!renamed) discardWritten(ahead);
    }
  });
}

/** The rules of the compile findings a build may leave unread (see DeferredNotes). */
const NOTE_RULES = [targetCannotExpress.id, unsafeEngineValue.id];

/** The default --cache-location, in the working directory as ESLint's .eslintcache. */
const DEFAULT_CACHE = '.successioncache';

/**
 * Keeps what this build learnt for the next one; a build whose shards could not all use the fleet
 * file in force (see lintParallel) keeps nothing. The cache is not output: failing to write it is
 * said, not fatal.
 */
function saveCache(
  c: { location: string; cache: BuildCache },
  fleetPath: string | undefined,
  shards: ShardOutput[] | undefined,
  files: number,
  repoFindings: readonly KeyedFinding[],
  deployments: ReadonlyMap<string, [string, string][]> | undefined,
  scoped?: ScopedBuild,
): void {
  const met = scoped === undefined || scoped.met === 0 ? '' : `, with the ${scoped.met} unchanged cluster(s) sharing a name, cmon id or orchestrator deployment with them`;
  const scope = scoped === undefined || scoped.shard.files.length === 0 ? '' : `; built again: ${scoped.shard.files.length} changed file(s)${met}`;
  reportFatal(`${c.cache.hitCount} of ${files} policy file(s) unchanged since the cached build (${c.location})${scope}.`);
  if (shards === undefined) return;
  try {
    c.cache.save(c.location, fleetPath, shards, repoFindings, deployments);
  } catch (e) {
    reportFatal(`cannot write the build cache ${c.location}: ${errnoText(e)}.`);
  }
}

type Merged = ReturnType<typeof merge>;

async function check(opts: BuildOptions, targets: TargetName[], outputs: BuildOutputs, merged: Merged | undefined, findings: Finding[], files: number, uncounted: number): Promise<void> {
  const drift: Finding[] = [];
  const diffs: (string | undefined)[] = [];
  // why: a diff is only worth computing for the files shown; the rest are counted.
  const diff = (file: string, current: () => Buffer | undefined, wanted: Buffer | undefined) => (diffs.length < MAX_DIFFS ? driftDiff(file, current(), wanted) : undefined);
  if (opts.out !== undefined) {
    // why: a check writes nothing ahead (see TempWriter), so every changed file has its content here.
    const wanted = new Map(outputs.comparison.changed.map((c) => [c.path, 'content' in c ? c.content : undefined]));
    for (const d of diffTree(opts.out, outputs.comparison, targets)) {
      const file = join(opts.out, d.path);
      const content = wanted.get(d.path);
      drift.push(driftFinding(file, d.kind));
      diffs.push(diff(file, () => (d.kind === 'missing' ? undefined : readIfFile(file)), content === undefined ? undefined : Buffer.from(content, 'utf8')));
    }
  }
  if (opts.mergeInto !== undefined && merged?.bytes !== undefined && !merged.bytes.equals(merged.current)) {
    drift.push(driftFinding(opts.mergeInto, 'stale'));
    diffs.push(diff(opts.mergeInto, () => merged.current, merged.bytes));
  }
  process.exitCode = await emitFindings([...findings, ...drift], opts, files, true, uncounted);
  if (drift.length === 0) reportFatal('generated files are up to date.');
  else showDiffs(diffs);
}

/** The diffs of the first stale files on stderr (for whoever reads the CI log), each line made terminal-safe. */
function showDiffs(diffs: readonly (string | undefined)[]): void {
  const shown = diffs.filter((d) => d !== undefined).slice(0, MAX_DIFFS);
  const text = shown.map((d) => d.split('\n').map((l) => terminalText(l)).join('\n')).join('');
  process.stderr.write(text);
  const rest = diffs.length - shown.length;
  if (rest > 0) reportFatal(`${rest} more drifted file(s) without a diff shown (binary, or past the first ${MAX_DIFFS}).`);
}

function readIfFile(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

async function write(opts: BuildOptions, targets: TargetName[], outputs: BuildOutputs, merged: Merged | undefined, ahead: readonly WrittenAhead[]): Promise<void> {
  const files: FileToWrite[] = [];
  let extra: Drift[] = [];
  let total = 0;
  if (opts.out !== undefined) {
    const own = new Set(ahead.flatMap((a) => a.temps));
    const { removed, remaining } = removeStaleTemps(opts.out, targets, own);
    for (const t of removed) reportFatal(`removed ${join(opts.out, t)}, left by an interrupted build.`);
    extra = diffTree(opts.out, outputs.comparison, targets, remaining).filter((d) => d.kind === 'extra');
    // why: the files found equal to the build's are not read again; writeFiles still compares the others, unless written ahead.
    files.push(...treeFiles(opts.out, outputs.comparison.changed));
    total += outputs.comparison.paths.length;
  }
  if (opts.mergeInto !== undefined && merged?.bytes !== undefined) {
    files.push({ file: merged.real, content: merged.bytes, label: opts.mergeInto });
    total++;
  }
  const r = await writeFiles(files, ahead.flatMap((a) => [...a.dirs]));
  const where = opts.out === undefined ? '' : ` (output directory ${opts.out})`;
  reportFatal(`wrote ${r.written.length} file(s), ${total - r.written.length} unchanged${where}.`);
  for (const d of extra) reportFatal(`${join(opts.out!, d.path)} is not produced by this build; delete it or \`build --check\` fails.`);
}
