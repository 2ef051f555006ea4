import { createHash } from 'node:crypto';
import ini from 'ini';
import { describe, expect, it } from 'vitest';
import { HEADER_LINES } from '../../src/compile/artifact.js';
import { cnfValue, compileCmon } from '../../src/compile/cmon.js';
import { compile } from '../../src/compile/index.js';
import { analyze } from '../../src/lint.js';
import { FLEET, cluster, exampleInputs, repoOf } from './helpers.js';

function parsed(content: string): Record<string, unknown> {
  return ini.parse(content) as Record<string, unknown>;
}

describe('cmon target on the example repository', () => {
  const { repo } = analyze(exampleInputs());
  const artifacts = compileCmon(repo).artifacts.sort((a, b) => (a.path < b.path ? -1 : 1));

  it('writes one file per cluster with a cmon section', () => {
    expect(artifacts.map((a) => a.path)).toEqual(['cmon/cmon_1.cnf', 'cmon/cmon_2.cnf']);
  });

  it('parses back with ini to exactly the intended keys and values', () => {
    expect(parsed(artifacts[0]!.content)).toEqual({
      cluster_id: '1',
      cluster_name: 'shop',
      type: 'replication',
      vendor: 'oracle',
      mysql_server_addresses: 'rha-db-01:3306,rha-db-02:3306,rha-db-03:3306,rha-db-04:3306,rha-db-05:3306',
      replication_failover_whitelist: 'rha-db-02:3306,rha-db-03:3306',
      enable_cluster_autorecovery: '1',
      enable_node_autorecovery: '1',
      replication_pre_failover_script: '/usr/local/bin/pre-failover.sh',
      replication_post_failover_script: '/usr/local/bin/post-failover.sh',
      logfile: '/var/log/cmon_1.log',
    });
    expect(parsed(artifacts[1]!.content)).toEqual({
      cluster_id: '2',
      cluster_name: 'dr',
      type: 'replication',
      vendor: 'oracle',
      mysql_server_addresses: ['141', '142', '143', '144', '145', '146', '147'].map((n) => `10.0.0.${n}:3306`).join(','),
      replication_failover_whitelist: '10.0.0.141:3306,10.0.0.142:3306,10.0.0.143:3306',
      enable_cluster_autorecovery: '1',
      enable_node_autorecovery: '1',
      replication_post_failover_script: '/usr/local/bin/notify-failover.sh',
      logfile: '/var/log/cmon_2.log',
    });
  });

  it('starts with a header naming the policy files and the sha256 of the body', () => {
    const lines = artifacts[0]!.content.split('\n');
    expect(lines[0]).toContain('policies/clusters/shop.yaml, policies/fleet.yaml');
    const body = lines.slice(HEADER_LINES).join('\n');
    expect(lines[2]).toBe('# Cluster shop: Web shop orders and payments');
    expect(lines[1]).toContain(createHash('sha256').update(body).digest('hex'));
  });
});

describe('candidate folding', () => {
  it('folds DR, blacklisted, role and must_not hosts out of the whitelist and writes no blacklist', () => {
    const repo = repoOf({
      'fleet.yaml': FLEET,
      'a.yaml': cluster(
        'a',
        1,
        `datacenters: { home: dc1, preventCrossDatacenter: true }
candidates:
  whitelist: [a-2:3306, a-3:3306, a-4:3306, a-5:3306]
  blacklist: [a-3:3306]
`,
      ),
    });
    const cnf = parsed(compileCmon(repo).artifacts[0]!.content);
    expect(cnf.replication_failover_whitelist).toBe('a-2:3306');
    expect(cnf).not.toHaveProperty('replication_failover_blacklist');
  });

  it('writes a blacklist (and no whitelist) when the policy has no whitelist', () => {
    const repo = repoOf({
      'fleet.yaml': FLEET,
      'a.yaml': cluster('a', 1, `datacenters: { home: dc1, preventCrossDatacenter: true }\ncandidates: { blacklist: [a-3:3306] }\n`),
    });
    const cnf = parsed(compileCmon(repo).artifacts[0]!.content);
    expect(cnf.replication_failover_blacklist).toBe('a-3:3306,a-4:3306,a-5:3306');
    expect(cnf).not.toHaveProperty('replication_failover_whitelist');
  });

  it('writes neither list when nothing is excluded', () => {
    const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1).replace('  a-5:3306: { dc: dc1, role: backup }\n', '').replace('{ dc: dc2 }', '{ dc: dc1 }') });
    const cnf = parsed(compileCmon(repo).artifacts[0]!.content);
    expect(Object.keys(cnf).filter((k) => k.startsWith('replication_failover_'))).toEqual([]);
  });

  it('blacklists every host when no whitelisted host survives, since an empty whitelist means "any host"', () => {
    const repo = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1, 'candidates: { whitelist: [a-5:3306] }\n') });
    const r = compileCmon(repo);
    const cnf = parsed(r.artifacts[0]!.content);
    expect(cnf.replication_failover_blacklist).toBe('a-1:3306,a-2:3306,a-3:3306,a-4:3306,a-5:3306');
    expect(cnf).not.toHaveProperty('replication_failover_whitelist');
    expect(r.reports.map((x) => x.report.message).join('\n')).toContain('an empty whitelist means "any host"');
  });
});

describe('what cmon cannot express', () => {
  it('is reported as info at the policy line that asks for it', () => {
    const text = cluster('a', 1, 'semiSync: { enforcement: exact }\nantiFlapping: { recoveryBlockSeconds: 60 }\nhooks:\n  postMasterFailover: ["/bin/notify"]\n');
    const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text }), ['cmon']);
    const at = r.findings.map((f) => `${f.file}:${f.line} ${f.severity} ${f.ruleId}`);
    expect(at).toContain('a.yaml:9 info target-cannot-express'); // promotion: prefer
    expect(at).toContain('a.yaml:13 info target-cannot-express'); // semiSync.enforcement
    expect(at).toContain('a.yaml:14 info target-cannot-express'); // recoveryBlockSeconds
    expect(at).toContain('a.yaml:16 info target-cannot-express'); // postMasterFailover
    expect(r.findings.every((f) => f.severity === 'info')).toBe(true);
  });
});

describe('cnf values', () => {
  it('leaves plain values alone and single-quotes special characters', () => {
    expect(cnfValue('rha-db-01:3306,[::1]:3306')).toBe('rha-db-01:3306,[::1]:3306');
    expect(cnfValue('/opt/x;y')).toBe("'/opt/x;y'");
    expect(cnfValue('/opt/#x')).toBe("'/opt/#x'");
    expect(cnfValue('a b=c')).toBe("'a b=c'");
  });

  it('refuses what single quotes cannot carry', () => {
    for (const v of ["it's", 'a\\b', 'a\nb', 'a\rb', 'a\u0000b', 'a\tb', 'a\u00a0b', 'a\u2009b', 'a\u3000b', 'a\ufeffb']) expect(cnfValue(v)).toBeUndefined();
  });

  const evil: [string, string | undefined][] = [
    // why: the script is run by a shell too; only a plain word is the same script for cmon as for the policy.
    ['/opt/hook;enable_cluster_autorecovery=0', undefined],
    ['/opt/hook#x', undefined],
    ['/opt/hook\nenable_cluster_autorecovery=0', '/opt/hook'],
    ['/opt/hook\r\nenable_node_autorecovery=0', undefined],
    ["/opt/it's", undefined],
    ['/opt/back\\slash', undefined],
    ['/opt/"dq"', undefined],
    ['/opt/hook\u00a0--fence', undefined],
    ['/opt/hook\u3000x', undefined],
    ['/opt/hooks/ünï.sh {failedHost}', '/opt/hooks/ünï.sh'],
  ];
  for (const [command, written] of evil) {
    it(`cannot inject a line through the hook ${JSON.stringify(command)}`, () => {
      const text = cluster('a', 1, `hooks:\n  preFailover: [${JSON.stringify(command)}]\n`);
      const r = compile(repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text }), ['cmon']);
      if (written === undefined) {
        expect(r.artifacts).toEqual([]);
        expect(r.findings.filter((f) => f.ruleId === 'unsafe-engine-value').map((f) => `${f.file}:${f.line}`)).toEqual(['a.yaml:14']);
        return;
      }
      const content = r.artifacts[0]!.content;
      const cnf = parsed(content);
      expect(Object.keys(cnf).sort()).toEqual(
        ['cluster_id', 'cluster_name', 'type', 'vendor', 'mysql_server_addresses', 'replication_failover_blacklist', 'enable_cluster_autorecovery', 'enable_node_autorecovery', 'replication_pre_failover_script', 'logfile'].sort(),
      );
      expect(cnf.replication_pre_failover_script).toBe(written);
      expect(cnf.enable_cluster_autorecovery).toBe('1');
      expect(cnf.enable_node_autorecovery).toBe('1');
      const lines = content.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
      expect(lines).toHaveLength(10);
    });
  }
});

describe('hostile host names', () => {
  it('are rejected by the policy schema before any build', () => {
    const text = cluster('a', 1).replace('a-3:3306: { dc: dc1 }', '"a-3;enable_cluster_autorecovery=0:3306": { dc: dc1 }');
    expect(() => repoOf({ 'fleet.yaml': FLEET, 'a.yaml': text })).toThrow(/does not parse/);
  });

  it('cannot add a line even past the schema: quoted when special, refused when unquotable', () => {
    const base = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1) });
    for (const host of ['x;y', 'x#y', 'x y=z', "x'y", 'x\ny', 'x\\y']) {
      const c = base.clusters[0]!;
      const hostile = { ...c, hosts: c.hosts.map((h, i) => (i === 2 ? { ...h, host, key: `${host}:3306` } : h)) };
      const r = compileCmon({ clusters: [hostile], fleet: base.fleet });
      const cnfLine = `mysql_server_addresses=${cnfValue(hostile.hosts.map((h) => h.key).sort().join(','))}`;
      if (cnfValue(`${host}:3306`) === undefined) {
        expect(r.artifacts).toEqual([]);
        expect(r.reports.some((x) => x.ruleId === 'unsafe-engine-value')).toBe(true);
      } else {
        const lines = r.artifacts[0]!.content.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
        expect(lines).toHaveLength(9);
        expect(lines).toContain(cnfLine);
      }
    }
  });
});
