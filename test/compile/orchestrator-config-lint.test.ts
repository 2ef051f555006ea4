import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { httpAdvertiseProblem, lintOrchestratorConfig } from '../../src/compile/orchestrator-config-lint.js';
import { orchestratorKeys } from '../../src/compile/orchestrator-schema.js';
import { ORCHESTRATOR_RELEASES, type OrchestratorRelease } from '../../src/policy/model.js';

const OK = '"RecoverMasterClusterFilters": ["alias=shop"]';

function at(text: string, release?: OrchestratorRelease): string[] {
  return lintOrchestratorConfig('o.json', text, release).map((f) => `${f.line}:${f.column} ${f.ruleId}`);
}

describe('lintOrchestratorConfig', () => {
  it('accepts null for any key (orchestrator keeps the default)', () => {
    expect(at(`{"RaftBind": null, "RaftNodes": null, ${OK}}`)).toEqual([]);
  });

  it('reads strict JSON (orchestrator does), with the position of the error, and wants an object', () => {
    expect(at('{\n  "RaftEnabled": true,\n}')).toEqual(['3:1 syntax']);
    expect(at('{\n  // comment\n  "RaftEnabled": true\n}')).toEqual(['2:3 syntax']);
    expect(at('[1, 2]')).toEqual(['1:1 orchestrator-type-mismatch']);
  });

  it('matches keys case-insensitively and reports two spellings of one key', () => {
    expect(at(`{\n  "RecoveryPeriodBlockSeconds": 60,\n  "recoveryperiodblockseconds": 30,\n  ${OK}\n}`)).toEqual(['3:3 orchestrator-key-case', '3:3 orchestrator-key-case']);
  });

  it('reports a key written twice with the same spelling, and uses the later value as orchestrator does', () => {
    const text = `{\n  "RecoveryPeriodBlockMinutes": 5,\n  "RecoveryPeriodBlockSeconds": 60,\n  "RecoveryPeriodBlockSeconds": 0,\n  ${OK}\n}`;
    expect(at(text)).toEqual(['4:3 orchestrator-key-case']);
    expect(lintOrchestratorConfig('o.json', text)[0]!.message).toBe('RecoveryPeriodBlockSeconds is set twice; orchestrator keeps the later value.');
  });

  it('points type mismatches at the value, inside arrays at the element', () => {
    expect(at(`{\n  "RaftEnabled": "true",\n  ${OK}\n}`)).toEqual(['2:18 orchestrator-type-mismatch']);
    expect(at(`{\n  "RaftNodes": ["a", 2],\n  ${OK}\n}`)).toEqual(['2:22 orchestrator-type-mismatch']);
    expect(at(`{"InstancePollSeconds": 1.5, ${OK}}`)).toEqual(['1:25 orchestrator-type-mismatch']);
  });

  it('takes the release values of the fleet file, openark-3.2.6 first (the default)', () => {
    const fleet = JSON.parse(readFileSync(new URL('../../schemas/fleet.schema.json', import.meta.url), 'utf8')) as { $defs: Record<string, { properties?: { release?: { enum: string[]; default: string } } }> };
    const release = Object.values(fleet.$defs).find((d) => d.properties?.release)!.properties!.release!;
    expect(ORCHESTRATOR_RELEASES).toEqual(release.enum);
    expect(ORCHESTRATOR_RELEASES[0]).toBe(release.default);
  });

  it('marks the keys of one build only with the releases that read them', () => {
    const marked = Object.entries(orchestratorKeys()).filter(([, s]) => s['x-releases'] !== undefined);
    expect(marked.map(([k]) => k).sort()).toEqual(Object.keys(orchestratorKeys()).filter((k) => orchestratorKeys()[k]!['x-percona-only']).sort());
    for (const [, s] of marked) for (const r of s['x-releases']!) expect(ORCHESTRATOR_RELEASES).toContain(r);
  });

  it('reads a percona key only with the percona release; openark ignores it, whatever its type', () => {
    const text = `{\n  "MySQLTopologyMaxAllowedPacket": "64M",\n  ${OK}\n}`;
    expect(at(text)).toEqual(['2:3 orchestrator-key-not-in-release']);
    expect(at(text, 'openark-3.2.6')).toEqual(['2:3 orchestrator-key-not-in-release']);
    expect(at(text, 'percona-3.2.6-13')).toEqual(['2:36 orchestrator-type-mismatch']);
    expect(at(`{"mysqltopologymaxallowedpacket": 67108864, ${OK}}`)).toEqual(['1:2 orchestrator-key-not-in-release']);
    expect(at(`{"MySQLTopologyMaxAllowedPacket": 67108864, ${OK}}`, 'percona-3.2.6-13')).toEqual([]);
    const [f] = lintOrchestratorConfig('o.json', text);
    expect(f!.message).toBe('Only percona-3.2.6-13 reads MySQLTopologyMaxAllowedPacket; openark-3.2.6 (--release) ignores it silently, so the setting has no effect.');
    expect(f!.hint).toContain('--release percona-3.2.6-13');
  });

  it('knows that percona v3.2.6-13 reads none of the later percona keys and checks none of them at start-up', () => {
    const text = `{"InstancePollSeconds": 10, "DeadInstancePollSecondsMax": 5, "DeadInstancePollSecondsMultiplyFactor": 0.5, ${OK}}`;
    for (const release of ORCHESTRATOR_RELEASES) {
      expect(at(text, release)).toEqual(['1:29 orchestrator-key-not-in-release', '1:62 orchestrator-key-not-in-release']);
    }
    expect(lintOrchestratorConfig('o.json', text, 'percona-3.2.6-13')[0]!.message).toBe(
      'DeadInstancePollSecondsMax came to percona/orchestrator after v3.2.6-13; percona-3.2.6-13 (--release) ignores it silently, so the setting has no effect.',
    );
  });

  it('suggests only keys the release reads', () => {
    const typo = `{"MySQLTopologyMaxAllowedPackt": 1, ${OK}}`;
    expect(lintOrchestratorConfig('o.json', typo, 'openark-3.2.6')[0]!.message).not.toContain('MySQLTopologyMaxAllowedPacket');
    expect(lintOrchestratorConfig('o.json', typo, 'percona-3.2.6-13')[0]!.message).toContain('Did you mean "MySQLTopologyMaxAllowedPacket"?');
  });

  it('accepts SlaveLagQuery as the lag query FailMasterPromotionOnLagMinutes needs, but flags the legacy name', () => {
    expect(at(`{"FailMasterPromotionOnLagMinutes": 1, "SlaveLagQuery": "select 1", ${OK}}`)).toEqual(['1:40 orchestrator-legacy-synonym']);
    expect(at(`{"FailMasterPromotionOnLagMinutes": 1, ${OK}}`)).toEqual(['1:2 orchestrator-lag-minutes-without-query']);
    expect(at(`{"ReplicationLagQuery": "select 1", "SlaveLagQuery": "select 1", ${OK}}`)).toEqual([]);
  });

  it('derives the raft leader URL the way orchestrator does', () => {
    const raft = '"RaftEnabled": true, "RaftDataDir": "/var/lib/orchestrator"';
    expect(at(`{${raft}, ${OK}}`)).toEqual([]);
    expect(at(`{${raft}, "ListenAddress": "0.0.0.0", ${OK}}`)).toEqual(['1:63 orchestrator-raft-incomplete']);
    expect(at(`{${raft}, "ListenAddress": "0.0.0.0", "HTTPAdvertise": "http://orc-1:3000", ${OK}}`)).toEqual([]);
    expect(at(`{${raft}, "RaftBind": "", ${OK}}`)).toEqual(['1:63 orchestrator-raft-incomplete']);
  });

  it("checks HTTPAdvertise in orchestrator's order", () => {
    expect(httpAdvertiseProblem('orc-1:3000')).toContain('scheme');
    expect(httpAdvertiseProblem('ftp://orc-1:3000')).toContain('scheme');
    expect(httpAdvertiseProblem('http://:3000')).toContain('host name');
    expect(httpAdvertiseProblem('http://orc-1')).toContain('port number');
    expect(httpAdvertiseProblem('http://orc-1:3000/')).toContain('path');
    expect(httpAdvertiseProblem('https://[::1]:3000')).toBeUndefined();
  });

  it('flags RecoveryPeriodBlockMinutes only while the seconds are in effect', () => {
    expect(at(`{"RecoveryPeriodBlockMinutes": 5, ${OK}}`)).toEqual(['1:2 orchestrator-recovery-block-minutes-ignored']);
    expect(at(`{"RecoveryPeriodBlockMinutes": 5, "RecoveryPeriodBlockSeconds": 0, ${OK}}`)).toEqual([]);
  });

  it('finds patterns without a capture group, including Go named groups', () => {
    expect(at(`{"DataCenterPattern": "(?:dc)[0-9]", ${OK}}`)).toEqual(['1:23 orchestrator-pattern-without-capture-group']);
    expect(at(`{"DataCenterPattern": "-(?P<dc>dc[0-9])-", ${OK}}`)).toEqual([]);
  });

  it('accepts ${ENV} passwords and flags literals', () => {
    expect(at(`{"MySQLTopologyPassword": "\${ORC_TOPOLOGY_PASSWORD}", ${OK}}`)).toEqual([]);
    expect(at(`{"MySQLOrchestratorPassword": "x", ${OK}}`)).toEqual(['1:31 orchestrator-password-literal']);
  });
});
