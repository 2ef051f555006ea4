import { sha256 } from './compile/artifact.js';
import { compileClusterReports, findingKey, positioned } from './compile/index.js';
import { splitOwnNotes } from './compile/deferred-notes.js';
import type { UnplacedNote } from './compile/unplaced-note.js';
import { compareArtifacts, type Comparison } from './compile/emit.js';
import { TempWriter } from './compile/temp-files.js';
import { fleetOf, lintShard, type PerCluster } from './lint.js';
import type { ClusterOutputs, ShardJob, ShardOutput } from './lint-parallel.js';

/**
 * A shard's work: lint its files and, for a build, compile each cluster and compare its files with
 * the output directory, writing the changed ones ahead (see TempWriter) when the build writes.
 * Runs on a worker thread, or on the main thread when few files are left to do (a build whose
 * cache answered for the others).
 */
export function runShard(job: ShardJob, fleetRead?: ReturnType<typeof fleetOf>): ShardOutput {
  const build = job.compile;
  const comparison: Comparison = { paths: [], changed: [] };
  let outputError: string | undefined;
  const writer = build?.writeTo === undefined ? undefined : new TempWriter(build.writeTo);
  // why: a note about a fleet default is raised by every cluster that inherits it (two in three
  // notes on the bench fleet); sent once, the shard's message is a third of the size. A note in the
  // cluster's own file can come from that cluster alone, so only the others are remembered for
  // the whole shard (the 50,000 notes' keys were 6 MiB of a shard's heap).
  const shared = new Map<string, number>();
  let distinct = 0;
  // why: a cluster's info notes in its own file are kept apart, unpositioned (see DeferredNotes),
  // and only counted unless they will be read (kept, the 50,000 notes raised the peak RSS of a
  // build of the bench fleet by some 30 MiB); a worker sends them as one JSON text (see
  // forMessage). The build cache keeps every finding with its cluster instead.
  const deferNotes = build !== undefined && !build.hashes;
  const notes: UnplacedNote[] = [];
  let noteCount = 0;
  const clusterOutputs: ClusterOutputs[] = [];
  const barred: [string, string[]][] = [];
  // why: the cluster's AST and resolved policy exist here already; on the main thread they would be
  // built again. Its files are compared with the output directory at once, so that only the changed
  // ones (none, on a rebuild with nothing changed) travel back.
  const perCluster: PerCluster | undefined =
    build &&
    ((cluster, fleet) => {
      const { artifacts, reports, barred: filters } = compileClusterReports(cluster, fleet, build.targets);
      let placed = reports;
      if (deferNotes) {
        const split = splitOwnNotes(cluster, reports);
        noteCount += split.notes.length;
        if (build.keepNotes) notes.push(...split.notes);
        placed = split.others;
      }
      if (filters !== undefined) barred.push([cluster.file.path, filters]);
      if (outputError === undefined) {
        try {
          compareArtifacts(build.outDir, artifacts, comparison, writer);
          outputError = writer?.error;
        } catch (e) {
          outputError = (e as Error).message;
        }
      }
      const fresh = [];
      const extra: number[] = [];
      const own = new Map<string, number>();
      for (const f of positioned(placed)) {
        const key = findingKey(f);
        const seen = f.file === cluster.file.path ? own : shared;
        let at = seen.get(key);
        if (at === undefined) {
          seen.set(key, (at = distinct++));
          fresh.push(f);
        }
        extra.push(at);
      }
      if (build.hashes) {
        clusterOutputs.push({
          path: cluster.file.path,
          name: cluster.name,
          cmonId: cluster.cmon?.clusterId ?? null,
          deployment: cluster.orchestrator?.deployment ?? null,
          extra,
          outputs: artifacts.map((a) => [a.path, sha256(a.content)]),
        });
      }
      return fresh;
    });
  // why: the build cache keeps every finding positioned, and nearly every cluster has a note in its own file.
  const linted = lintShard(job.inputs, job.fleetInputs, perCluster, fleetRead ?? fleetOf(job.fleetInputs), build?.hashes === true);
  const written = writer && { temps: writer.temps, dirs: [...writer.made], created: writer.created };
  return {
    ...linted,
    ...(build ? { comparison, outputError, barred } : {}),
    ...(build?.hashes ? { clusterOutputs } : {}),
    ...(deferNotes ? { notes: build.keepNotes ? { count: noteCount, notes } : { count: noteCount } } : {}),
    ...(written ? { written } : {}),
  };
}

/**
 * A worker's output as it is sent: its notes as JSON text. Copied between threads as objects, the
 * 25,000 notes of a shard of the bench fleet cost the main thread some 100 ms to take apart; one
 * text is copied at once, and parsed only if the notes are shown.
 */
export function forMessage(output: ShardOutput): ShardOutput {
  const notes = output.notes;
  return notes && 'notes' in notes && notes.notes !== undefined ? { ...output, notes: { count: notes.count, json: JSON.stringify(notes.notes) } } : output;
}
