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
import { logErrors } from './observe.js';
import { runScenario, type ScenarioRun, type TopologySource } from './scenario.js';
import { SCENARIOS } from './scenarios.js';

const DOC = fileURLToPath(new URL('../../docs/engines.md', import.meta.url));
const SOURCES: TopologySource[] = ['discover', 'orchestrator-api'];
/**
 * Runs of a scenario when orchestrator's own race (Observed.successorUnread) spoils one. Three were
 * not always enough: one CI run on 2026-12-02 hit the race twice in a row in the same scenario.
 */
const ATTEMPTS = 5;

/** Appends a run's figures (timings, every server's state, orchestrator's log) to SUCCESSION_ENGINE_RESULTS, for whoever reports on the suite. */
function record(run: ScenarioRun): ScenarioRun {
  const file = process.env.SUCCESSION_ENGINE_RESULTS;
  if (file) appendFileSync(file, `${JSON.stringify({ scenario: run.scenario.id, fork: run.build.fork, names: Object.fromEntries(run.names), predictions: run.predictions, observed: run.observed, checkFindings: run.checkFindings })}\n`);
  return run;
}

const agrees = (run: ScenarioRun) => SOURCES.every((source) => disagreements(run.predictions[source], run.observed, run.scenario.bound).length === 0);

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
          let run = record(await runScenario(s, build));
          for (let attempt = 2; attempt <= ATTEMPTS && run.observed.successorUnread && !agrees(run); attempt++) {
            // why: a race inside orchestrator (see Observed.successorUnread and docs/engines.md), said aloud, never silently absorbed.
            console.warn(`orchestrator (${fork}) ${s.id}: orchestrator could not read the server it promoted during the recovery and the outcome differs from the prediction; running the scenario again (attempt ${attempt} of ${ATTEMPTS}).`);
            run = record(await runScenario(s, build));
          }
          runs.push(run);
          const threads = Object.entries(run.observed.threads).map(([k, t]) => `${run.names.get(k) ?? k}: ${t}`).join('; ');
          const name = (k: string) => run.names.get(k) ?? k;
          const account = `replication: ${threads}; lost: ${run.observed.lost.map(name).join(', ') || 'none'}; orchestrator's steps:\n${run.observed.steps.join('\n')}\norchestrator's errors:\n${logErrors(run.observed).join('\n')}`;
          for (const source of SOURCES) expect(disagreements(run.predictions[source], run.observed, s.bound), `prediction from ${source} (${account})`).toEqual([]);
          for (const rule of s.checkFindings ?? []) expect(run.checkFindings, 'succession check').toContain(rule);
        }, ATTEMPTS * 300_000);
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
