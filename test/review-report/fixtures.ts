import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../cli/helpers.js';
import { analyze, type Analysis } from '../../src/lint.js';
import { findingsOf } from '../../src/diff/findings.js';
import { diffRepositories } from '../../src/diff/index.js';
import { readSnapshot } from '../../src/topology/snapshot.js';
import type { Topology } from '../../src/topology/model.js';
import { buildReport } from '../../src/review-report/build.js';
import type { ReportModel } from '../../src/review-report/model.js';

/** Every YAML file under `dir` (relative to the project root), read as `lint` reads them. */
export function analysisOf(dir: string): Analysis {
  const files = readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).sort();
  return analyze(files.map((f) => ({ path: join(dir, f), text: readFileSync(join(ROOT, dir, f), 'utf8') })));
}

export const TOPOLOGY: Topology = readSnapshot(join(ROOT, 'policies/topology.json'));

export function everyCluster(a: Analysis, t: Topology): Map<string, Topology> {
  return new Map(a.repo.clusters.map((c) => [c.name, t]));
}

/** The report of the example repository, with its topology, and with --base the proposed change's. */
export function exampleReport(opts: { topology?: boolean; base?: boolean; cluster?: string } = {}): ReportModel {
  const analysis = analysisOf(opts.base ? 'test/diff/fixtures/proposed' : 'policies');
  const names = new Set(analysis.repo.clusters.map((c) => c.name));
  const topology = opts.topology === false ? undefined : { byCluster: everyCluster(analysis, TOPOLOGY), label: 'policies/topology.json' };
  const diff = opts.base
    ? diffRepositories({ label: 'policies', analysis: analysisOf('policies') }, { label: 'proposed', analysis }, 0, everyCluster(analysisOf('policies'), TOPOLOGY))
    : undefined;
  return buildReport({
    title: 'example',
    analysis,
    findings: findingsOf(analysis, names),
    ...(opts.cluster ? { clusters: [opts.cluster] } : {}),
    ...(topology ? { topology } : {}),
    ...(diff ? { diff } : {}),
  });
}
