import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLive, liveFindingsOf } from '../../src/check.js';
import { analyze, type Analysis } from '../../src/lint.js';
import { viewOf } from '../../src/live/view.js';
import type { ClusterPolicy } from '../../src/policy/model.js';
import { RULES_BY_ID } from '../../src/rules/index.js';
import { simulateFailure, SimulationError } from '../../src/simulate/index.js';
import type { Simulation } from '../../src/simulate/model.js';
import { renderSimulation } from '../../src/simulate/render.js';
import { disagreement } from '../../src/simulate/summary.js';
import type { Topology } from '../../src/topology/model.js';
import { readSnapshot } from '../../src/topology/snapshot.js';
import { terminalText } from '../../src/util/terminal-text.js';
import { caseNames, isLiveRule, loadCase } from '../rules/harness.js';
import { recorded, withInstance } from './helpers.js';

const SHOP = fileURLToPath(new URL('../../policies/clusters/shop.yaml', import.meta.url));
const ALL = ['orchestrator', 'cmon', 'mha'] as const;

function shop(text = readFileSync(SHOP, 'utf8')): { analysis: Analysis; cluster: ClusterPolicy } {
  const analysis = analyze([{ path: 'policies/clusters/shop.yaml', text }]);
  expect(analysis.readFindings).toEqual([]);
  return { analysis, cluster: analysis.repo.clusters[0]! };
}

const drifted = recorded('shop-drifted');

function text(analysis: Analysis, cluster: ClusterPolicy, topology: Topology, sim: Simulation, color = false): string {
  return renderSimulation(topology, sim, viewOf(cluster, topology).component.map((i) => i.key), { color, check: liveFindingsOf(analysis, cluster, topology) });
}

/** What `check` says about `cluster` from its live rules: the findings in its file, or inherited by it. */
function checkSays(analysis: Analysis, cluster: ClusterPolicy, topology: Topology) {
  const mine = (f: { file: string; related?: { file: string }[] }) => f.file === cluster.file.path || (f.related ?? []).some((r) => r.file === cluster.file.path);
  return checkLive(analysis, (c) => (c === cluster ? topology : undefined)).filter((f) => RULES_BY_ID.get(f.ruleId)?.scope === 'live' && mine(f));
}

describe('simulate, readable', () => {
  it('names each engine in one line at the top when they promote different hosts, and says nothing when they agree', () => {
    const { cluster } = shop();
    const sim = simulateFailure(cluster, drifted, undefined, ALL);
    expect(disagreement(sim)).toBe('engines disagree: orchestrator promotes rha-db-02:3306, cmon promotes rha-db-03:3306, MHA promotes rha-db-02:3306');
    expect(disagreement(simulateFailure(cluster, drifted, undefined, ['orchestrator', 'mha']))).toBeUndefined();
    const example = readSnapshot(fileURLToPath(new URL('../../policies/topology.json', import.meta.url)));
    expect(simulateFailure(cluster, example, undefined, ALL).engines.map((p) => p.promoted)).toEqual(['rha-db-02:3306', 'rha-db-02:3306', 'rha-db-02:3306']);
    expect(disagreement(simulateFailure(cluster, example, undefined, ALL))).toBeUndefined();
    // No primary failed: nobody promotes, whatever the engines do about the stall.
    expect(disagreement(simulateFailure(cluster, drifted, 'rha-db-02:3306', ALL))).toBeUndefined();
  });

  it('says which engine makes no attempt at all', () => {
    const { cluster } = shop(readFileSync(SHOP, 'utf8').replace('cmon: { clusterId: 1 }', 'cmon: { clusterId: 1, autoRecovery: { cluster: false } }'));
    const sim = simulateFailure(cluster, drifted, undefined, ['orchestrator', 'cmon']);
    expect(sim.engines[1]!.stopped).toBe('does not fail over (automatic recovery is off)');
    expect(disagreement(sim)).toBe('engines disagree: orchestrator promotes rha-db-02:3306, cmon does not fail over (automatic recovery is off)');
  });

  it("leads 'considered' with the promoted host and keeps the engine's order as numbers", () => {
    const { analysis, cluster } = shop();
    const out = text(analysis, cluster, drifted, simulateFailure(cluster, drifted, undefined, ['orchestrator'])).split('\n');
    expect(out).toContain(
      "  considered (#: the engine's order): rha-db-02:3306 (#5, promoted; check: live-candidate-replication-broken), rha-db-04:3306 (#1), rha-db-06:3306 (#2), rha-db-05:3306 (#3), rha-db-03:3306 (#4; check: live-candidate-newer-version)",
    );
  });

  it('shows what check says on the same topology, and marks a promoted host that check finds broken', () => {
    const { analysis, cluster } = shop();
    const said = checkSays(analysis, cluster, drifted);
    expect(said.map((f) => f.ruleId)).toContain('live-candidate-replication-broken');
    expect(liveFindingsOf(analysis, cluster, drifted).map((h) => h.finding)).toEqual(said);
    const out = text(analysis, cluster, drifted, simulateFailure(cluster, drifted, undefined, ALL));
    expect(out).toContain('\nsuccession check on this topology: 2 errors, 3 warnings, 0 info\n');
    for (const f of said) expect(out).toContain(`${f.message}  ${f.ruleId}\n`);
    const promoted = out.split('\n').filter((l) => l.startsWith('  promoted: '));
    expect(promoted).toEqual([
      '  promoted: rha-db-02:3306  ⚠ check: live-candidate-replication-broken',
      '  promoted: rha-db-03:3306  ⚠ check: live-candidate-newer-version',
      '  promoted: rha-db-02:3306  ⚠ check: live-candidate-replication-broken',
    ]);
  });

  it('leaves out what a suppression comment silences in check as well', () => {
    const suppressed = readFileSync(SHOP, 'utf8').replace(
      '  rha-db-03:3306:',
      '  # succession-disable-next-line live-candidate-newer-version -- the upgrade is planned (OPS-1)\n  rha-db-03:3306:',
    );
    const { analysis, cluster } = shop(suppressed);
    const kept = liveFindingsOf(analysis, cluster, drifted).map((h) => h.finding);
    expect(kept.map((f) => f.ruleId)).not.toContain('live-candidate-newer-version');
    expect(kept).toEqual(checkSays(analysis, cluster, drifted));
  });

  it('colours the promoted host, the failure and the stalls only when asked, and never lets a name add a control sequence', () => {
    const { analysis, cluster } = shop();
    const sim = simulateFailure(cluster, drifted, undefined, ALL);
    expect(text(analysis, cluster, drifted, sim)).not.toContain('\u001b');
    const coloured = text(analysis, cluster, drifted, sim, true);
    expect(coloured).toContain('  promoted: \u001b[32mrha-db-03:3306\u001b[0m');
    expect(coloured).toContain('  \u001b[31m✗ fails\u001b[0m');
    expect(coloured).toContain('  worst-case write stall: \u001b[31munbounded (until someone intervenes)\u001b[0m');
    expect(coloured).toContain('\u001b[33mengines disagree: ');
    expect(coloured).toContain('  \u001b[31merror  \u001b[0m  rha-db-02:3306 is a candidate');

    const hostile = withInstance(drifted, 'rha-db-03:3306', (i) => {
      i.dataCenter = 'dc1\u001b]0;owned\u0007\n  promoted: x\u202e';
    });
    const out = text(analysis, cluster, hostile, simulateFailure(cluster, hostile, undefined, ALL), true);
    // Only the colours succession writes are control sequences; everything else is shown escaped.
    expect(out.replace(/\u001b\[[0-9;]*m/g, '')).not.toMatch(/(?!\n)[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
    expect(out).toContain('dc1\\x1b]0;owned\\x07\\n  promoted: x\\u202e');
  });

  // Every live rule's fixture: simulate never shows a check finding differently, or promotes a host check calls broken unmarked.
  for (const rule of [...RULES_BY_ID.values()].filter(isLiveRule)) {
    for (const name of caseNames(rule.id)) {
      it(`agrees with check on ${rule.id}/${name}`, () => {
        const c = loadCase(rule.id, name);
        const analysis = analyze(c.inputs);
        for (const cluster of analysis.repo.clusters) {
          const said = checkSays(analysis, cluster, c.topology!);
          const live = liveFindingsOf(analysis, cluster, c.topology!);
          expect(live.map((h) => h.finding)).toEqual(said);
          let sim: Simulation;
          try {
            sim = simulateFailure(cluster, c.topology!, undefined, ALL);
          } catch (e) {
            if (e instanceof SimulationError) continue;
            throw e;
          }
          const out = text(analysis, cluster, c.topology!, sim);
          for (const f of said) expect(out).toContain(`${terminalText(f.message)}  ${f.ruleId}`);
          for (const p of sim.engines.filter((e) => e.promoted !== undefined)) {
            const errors = live.filter((h) => h.host === p.promoted && h.finding.severity === 'error').map((h) => h.finding.ruleId);
            if (errors.length) expect(out).toContain(`  promoted: ${p.promoted}  ⚠ check: ${[...new Set(errors)].join(', ')}`);
          }
        }
      });
    }
  }
});
