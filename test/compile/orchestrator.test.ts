import { describe, expect, it } from 'vitest';
import { hostFilter, metaSql, sqlString, stableJson } from '../../src/compile/orchestrator.js';
import { compileOrchestrator } from '../../src/compile/orchestrator-files.js';
import { lintOrchestratorConfig } from '../../src/compile/orchestrator-config-lint.js';
import { orchestratorConfigValidator } from '../../src/compile/orchestrator-schema.js';
import { analyze } from '../../src/lint.js';
import type { ClusterPolicy } from '../../src/policy/model.js';
import { FLEET, cluster, exampleInputs, repoOf } from './helpers.js';
import { lex } from './sql-lexer.js';

const EVIL = ["it's", 'back\\', "\\'; DROP TABLE t; --", 'new\nline', 'cr\rlf', 'nul\u0000byte', 'ctrl\u001az', '"double"', '`tick`', '; # -- /*', '\\\\\''];

function configsOf(files: Record<string, string>) {
  return compileOrchestrator(repoOf(files)).artifacts.filter((a) => a.path.endsWith('.json'));
}

describe('orchestrator target on the example repository', () => {
  const { repo } = analyze(exampleInputs());
  const { artifacts } = compileOrchestrator(repo);
  const configs = artifacts.filter((a) => a.path.endsWith('orchestrator.conf.json'));

  it('writes one config per raft node, the meta SQL, the client env and the provenance list', () => {
    expect(artifacts.map((a) => a.path).sort()).toEqual([
      'orchestrator/main/meta/shop.sql',
      'orchestrator/main/orchestrator-client.env',
      'orchestrator/main/provenance.txt',
      'orchestrator/main/rha-orc-01/orchestrator.conf.json',
      'orchestrator/main/rha-orc-02/orchestrator.conf.json',
      'orchestrator/main/rha-orc-03/orchestrator.conf.json',
    ]);
  });

  it('every config validates against schemas/orchestrator-config.schema.json and lints clean', () => {
    const validate = orchestratorConfigValidator();
    for (const c of configs) {
      expect(validate(JSON.parse(c.content)), JSON.stringify(validate.errors)).toBe(true);
      expect(lintOrchestratorConfig(c.path, c.content)).toEqual([]);
    }
  });

  it("gives each node its own RaftBind/RaftAdvertise/HTTPAdvertise and all nodes' RaftNodes", () => {
    const parsed = configs.map((c) => JSON.parse(c.content) as Record<string, unknown>);
    expect(parsed.map((p) => p.RaftBind)).toEqual(['rha-orc-01:10008', 'rha-orc-02:10008', 'rha-orc-03:10008']);
    expect(parsed.map((p) => p.RaftAdvertise)).toEqual(parsed.map((p) => p.RaftBind));
    expect(parsed.map((p) => p.HTTPAdvertise)).toEqual(['http://rha-orc-01:3000', 'http://rha-orc-02:3000', 'http://rha-orc-03:3000']);
    for (const p of parsed) {
      expect(p.RaftNodes).toEqual(['rha-orc-01:10008', 'rha-orc-02:10008', 'rha-orc-03:10008']);
      expect(p).toMatchObject({
        RaftEnabled: true,
        RaftDataDir: '/var/lib/orchestrator',
        DefaultRaftPort: 10008,
        ListenAddress: ':3000',
        BackendDB: 'sqlite3',
        SQLite3DataFile: '/var/lib/orchestrator/orchestrator.sqlite3',
        MySQLTopologyCredentialsConfigFile: '/etc/orchestrator/topology.cnf',
        RecoverMasterClusterFilters: ['alias=shop'],
        PromotionIgnoreHostnameFilters: ['^rha-db-01:3306$', '^rha-db-04:3306$', '^rha-db-05:3306$'],
        PreventCrossDataCenterMasterFailover: true,
        EnforceExactSemiSyncReplicas: true,
        RecoverLockedSemiSyncMaster: false,
        RecoveryPeriodBlockSeconds: 30,
        ReasonableLockedSemiSyncMasterSeconds: 60,
        PreFailoverProcesses: ['/usr/local/bin/pre-failover.sh {failedHost} {failedPort}'],
      });
    }
  });

  it('lists every node in ORCHESTRATOR_API', () => {
    const env = artifacts.find((a) => a.path.endsWith('.env'))!.content;
    expect(env).toContain('ORCHESTRATOR_API="http://rha-orc-01:3000/api http://rha-orc-02:3000/api http://rha-orc-03:3000/api"\n');
  });

  it('lists the sha256 of every node config in provenance.txt', async () => {
    const { createHash } = await import('node:crypto');
    const text = artifacts.find((a) => a.path.endsWith('provenance.txt'))!.content;
    for (const c of configs) expect(text).toContain(`${createHash('sha256').update(c.content).digest('hex')}  ${c.path.split('/').slice(2).join('/')}`);
  });
});

describe('orchestrator backends and credentials', () => {
  it('writes MySQL backend settings with a credentials file and never a password', () => {
    const fleet = FLEET.replace(
      'topologyCredentialsFile: /etc/orchestrator/topology.cnf',
      'topologyCredentialsFile: /etc/orchestrator/topology.cnf\n      backend: { type: mysql, mysqlHost: orc-db, mysqlPort: 3307, credentialsFile: /etc/orchestrator/backend.cnf }',
    );
    const [first] = configsOf({ 'fleet.yaml': fleet, 'a.yaml': cluster('a', 1) });
    const config = JSON.parse(first!.content) as Record<string, unknown>;
    expect(config).toMatchObject({
      BackendDB: 'mysql',
      MySQLOrchestratorHost: 'orc-db',
      MySQLOrchestratorPort: 3307,
      MySQLOrchestratorDatabase: 'orchestrator',
      MySQLOrchestratorCredentialsConfigFile: '/etc/orchestrator/backend.cnf',
    });
    expect(Object.keys(config).filter((k) => /password/i.test(k))).toEqual([]);
    expect(config).not.toHaveProperty('SQLite3DataFile');
    expect(orchestratorConfigValidator()(config)).toBe(true);
  });

  it('puts nodes with their own raft port in their own directory', () => {
    const fleet = FLEET.replace('nodes: [orc-1, orc-2, orc-3]', "nodes: [orc-1, 'orc-1:10009', '[::1]:10010']");
    const paths = configsOf({ 'fleet.yaml': fleet, 'a.yaml': cluster('a', 1) }).map((a) => a.path);
    expect(paths).toEqual(['orchestrator/main/orc-1/orchestrator.conf.json', 'orchestrator/main/orc-1_10009/orchestrator.conf.json', 'orchestrator/main/__1_10010/orchestrator.conf.json']);
  });
});

describe('promotion filters', () => {
  it('anchors and escapes host:port, without IPv6 brackets (orchestrator matches InstanceKey.StringCode())', () => {
    expect(hostFilter('db.example.com', 3306)).toBe('^db\\.example\\.com:3306$');
    expect(hostFilter('::1', 3306)).toBe('^::1:3306$');
    expect(new RegExp(hostFilter('db.example.com', 3306)).test('dbxexample.com:3306')).toBe(false);
    expect(new RegExp(hostFilter('db.example.com', 3306)).test('db.example.com:33060')).toBe(false);
  });
});

describe('hook commands in JSON', () => {
  it('cannot add a key or change another hook', () => {
    const command = '/bin/x "}, \\"RaftEnabled\\": false, {" \\ \n "PreFailoverProcesses": []';
    const text = cluster('a', 1, `hooks:\n  preFailover: [${JSON.stringify(command)}]\n`);
    const [first] = configsOf({ 'fleet.yaml': FLEET, 'a.yaml': text });
    const config = JSON.parse(first!.content) as Record<string, unknown>;
    expect(config.PreFailoverProcesses).toEqual([command]);
    expect(config.RaftEnabled).toBe(true);
    expect(orchestratorConfigValidator()(config)).toBe(true);
  });
});

describe('stable JSON', () => {
  it('sorts keys at every level and ends with a newline', () => {
    expect(stableJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: 2 } })).toBe('{\n  "a": {\n    "c": 2,\n    "d": [\n      {\n        "y": 2,\n        "z": 1\n      }\n    ]\n  },\n  "b": 1\n}\n');
  });
});

describe('meta SQL', () => {
  for (const mode of [false, true]) {
    const name = mode ? 'with NO_BACKSLASH_ESCAPES' : 'in the default SQL mode';
    it(`string literals cannot end early ${name}`, () => {
      for (const value of EVIL) {
        const lexed = lex(`SELECT ${sqlString(value)}, 1;`, mode);
        expect(lexed.statements).toEqual(['SELECT ?, 1']);
        if (!mode) expect(lexed.literals[0]).toEqual([value]);
      }
    });
  }

  it('is idempotent DDL plus one delete and one upsert in a transaction', () => {
    const { repo } = analyze(exampleInputs());
    const shop = repo.clusters.find((c) => c.name === 'shop')!;
    const lexed = lex(metaSql('meta', shop), false);
    expect(lexed.statements.map((s) => s.split(/\s+/).slice(0, 2).join(' '))).toEqual(['CREATE DATABASE', 'CREATE TABLE', 'START TRANSACTION', 'DELETE FROM', 'REPLACE INTO', 'COMMIT']);
    expect(lexed.statements[1]).toContain('IF NOT EXISTS');
    expect(lexed.literals[4]!.slice(0, 4)).toEqual(['rha-db-01', 'shop', 'dc1', 'must_not']);
    expect(lexed.literals[4]!.slice(4, 8)).toEqual(['rha-db-02', 'shop', 'dc1', 'prefer']);
  });

  it('keeps every hostile value inside its literal', () => {
    const base = repoOf({ 'fleet.yaml': FLEET, 'a.yaml': cluster('a', 1) }).clusters[0]!;
    for (const value of EVIL) {
      const hostile: ClusterPolicy = { ...base, name: value, hosts: base.hosts.map((h) => ({ ...h, host: value, name: value, dc: value })) };
      for (const mode of [false, true]) {
        const lexed = lex(metaSql('meta', hostile), mode);
        expect(lexed.statements).toHaveLength(6);
        if (!mode) expect(new Set(lexed.literals[4]!.filter((l) => !['must_not', 'prefer', 'neutral'].includes(l)))).toEqual(new Set([value]));
      }
    }
  });
});

describe('host spellings', () => {
  const spelled = `kind: cluster
name: six
primary: "[2001:0DB8::1]"
orchestrator: { deployment: main }
hosts:
  "[2001:0DB8::1]": { dc: dc1 }
  Rha-DB-02: { dc: dc1, promotion: prefer }
  "[0:0:0:0:0:ffff:a00:3]:3307": { dc: dc1 }
  db4: { dc: dc1, role: backup }
candidates:
  blacklist: ["[::ffff:10.0.0.3]:3307"]
`;
  const repo = repoOf({ 'fleet.yaml': FLEET, 'six.yaml': spelled });

  it('names servers in the meta rows and promotion filters as the policy writes them, for orchestrator compares names as strings', () => {
    const sql = metaSql('meta', repo.clusters[0]!);
    expect(sql).toContain("('2001:0DB8::1', 3306, 'six'");
    expect(sql).toContain("('Rha-DB-02', 3306, 'six'");
    expect(sql).toContain("('0:0:0:0:0:ffff:a00:3', 3307, 'six', 'dc1', 'must_not'");
    const [config] = configsOf({ 'fleet.yaml': FLEET, 'six.yaml': spelled });
    const filters = JSON.parse(config!.content).PromotionIgnoreHostnameFilters as string[];
    expect(filters).toContain(hostFilter('0:0:0:0:0:ffff:a00:3', 3307));
    expect(filters).toContain(hostFilter('db4', 3306));
  });

  it('compares the spellings by canonical key: the blacklist entry bars the host written otherwise', () => {
    expect(repo.clusters[0]!.hosts.map((h) => h.key)).toEqual(['[2001:db8::1]:3306', 'rha-db-02:3306', '10.0.0.3:3307', 'db4:3306']);
  });
});
