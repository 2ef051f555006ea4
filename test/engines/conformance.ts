/**
 * The conformance suite for one orchestrator fork: every scenario, run against the real engine,
 * must agree with `succession simulate` from both topology sources; the results are the fork's
 * section of docs/engines.md, which must match (UPDATE_DOCS=1 rewrites it).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { disagreements } from './agree.js';
import { engineDescribe, ORCHESTRATOR_BUILDS, type OrchestratorFork } from './engines.js';
import { renderSection, replaceSection } from './report.js';
import { runScenario, type ScenarioRun, type TopologySource } from './scenario.js';
import { SCENARIOS } from './scenarios.js';

const DOC = fileURLToPath(new URL('../../docs/engines.md', import.meta.url));
const SOURCES: TopologySource[] = ['discover', 'orchestrator-api'];

export function conformance(fork: OrchestratorFork): void {
  engineDescribe(`orchestrator (${fork}) against succession simulate`, 'orchestrator', () => {
    const build = ORCHESTRATOR_BUILDS.find((b) => b.fork === fork);
    if (!build) {
      it(`needs the ${fork} build in SUCCESSION_ORCHESTRATOR_BINS`, () => {
        throw new Error(`SUCCESSION_ORCHESTRATOR_BINS has no ${fork}= entry`);
      });
      return;
    }
    const repeat = Math.max(1, Number(process.env.SUCCESSION_ENGINE_REPEAT ?? 1));
    const scenarios = SCENARIOS.filter((s) => !s.forks || s.forks.includes(fork));
    const runs: ScenarioRun[] = [];
    for (const s of scenarios) {
      for (let n = 1; n <= repeat; n++) {
        it(`${s.id}${repeat > 1 ? ` (run ${n} of ${repeat})` : ''}: ${s.title}`, async () => {
          const run = await runScenario(s, build);
          runs.push(run);
          // why: the figures of a run (timings, every server's state) for whoever reports on the suite.
          if (process.env.SUCCESSION_ENGINE_RESULTS) appendFileSync(process.env.SUCCESSION_ENGINE_RESULTS, `${JSON.stringify({ scenario: s.id, fork, names: Object.fromEntries(run.names), predictions: run.predictions, observed: run.observed, checkFindings: run.checkFindings })}\n`);
          const threads = Object.entries(run.observed.threads).map(([k, t]) => `${run.names.get(k) ?? k}: ${t}`).join('; ');
          for (const source of SOURCES) expect(disagreements(run.predictions[source], run.observed, s.bound), `prediction from ${source} (replication: ${threads})`).toEqual([]);
          for (const rule of s.checkFindings ?? []) expect(run.checkFindings, 'succession check').toContain(rule);
        }, 300_000);
      }
    }
    it(`docs/engines.md shows the ${fork} results`, () => {
      expect(runs.length, 'every scenario ran').toBe(scenarios.length * repeat);
      const page = readFileSync(DOC, 'utf8');
      const updated = replaceSection(page, fork, renderSection(build, runs));
      if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, updated);
      else expect(updated, 'docs/engines.md is stale: rerun with UPDATE_DOCS=1').toBe(page);
    });
  });
}
