import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import type { Topology } from '../../src/topology/model.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, liveDescribe, loggedCommands, startTopology, writeAndSync, type LiveTopology } from './topology.js';

// What orchestrator's topology user may do in a recovery, read on a real MariaDB 10.11 topology:
// a primary db1 with three replicas (db2 preferred, db3 neutral, db4 never promoted), and on every
// server an account with what a recovery needs and one with the monitoring privileges of the
// observed failover that changed nothing. The generated meta table is applied, as build.md says, so
// that orchestrator's Detect queries have their rows.

const ENV = { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD };
/** Passwords with `#` and `;`: the credentials files must quote them, as orchestrator's gcfg reader needs. */
const USERS = {
  orc_admin: { password: 'Adm#pw;4e1', grants: 'SELECT, RELOAD, PROCESS, REPLICATION SLAVE, BINLOG MONITOR, SLAVE MONITOR, REPLICATION SLAVE ADMIN, REPLICATION MASTER ADMIN, READ_ONLY ADMIN' },
  orc_monitor: { password: 'Mon#pw;9c2', grants: 'SELECT, PROCESS, REPLICATION CLIENT, REPLICATION SLAVE, SLAVE MONITOR, REPLICATION MASTER ADMIN' },
} as const;
const WRONG_PASSWORD = 'Wrong#pw;5d';

interface JsonFinding {
  ruleId: string;
  line: number;
  column: number;
  message: string;
}

liveDescribe("orchestrator's topology user on a live MariaDB topology", () => {
  let t: LiveTopology;
  let dir: string;
  const key = (name: string): string => t.nodes[name]!.key;
  const cnf = (name: string): string => join(dir, `${name}.cnf`);
  const outputs: string[] = [];

  /** A policy repository whose fleet declares the orchestrator deployment managing the cluster. */
  const repo = (name: string, topologyCredentialsFile: string): string => {
    const root = join(dir, name);
    mkdirSync(root, { recursive: true });
    writeFileSync(join(root, 'fleet.yaml'), ['kind: fleet', 'orchestrator:', '  deployments:', '    main:', '      raft: { nodes: [orc1, orc2, orc3] }', `      topologyCredentialsFile: ${topologyCredentialsFile}`, ''].join('\n'));
    writeFileSync(
      join(root, 'live.yaml'),
      [
        'kind: cluster',
        'name: live',
        `primary: ${key('db1')}`,
        'orchestrator: { deployment: main }',
        'hosts:',
        `  ${key('db1')}: { dc: dc1 }`,
        `  ${key('db2')}: { dc: dc1, promotion: prefer }`,
        `  ${key('db3')}: { dc: dc1 }`,
        `  ${key('db4')}: { dc: dc1, promotion: must_not }`,
        '',
      ].join('\n'),
    );
    return root;
  };

  const check = (root: string, ...extra: string[]) => {
    const r = run(['check', root, '--topology', `mysql://${key('db1')}`, '-f', 'json', ...extra], { env: ENV });
    outputs.push(r.stdout, r.stderr);
    return { ...r, findings: r.stdout === '' ? [] : (JSON.parse(r.stdout) as { findings: JsonFinding[] }).findings };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-orc-user-live-'));
    t = await startTopology([{ name: 'db1' }, { name: 'db2', source: 'db1' }, { name: 'db3', source: 'db1' }, { name: 'db4', source: 'db1' }]);
    for (const name of Object.keys(t.nodes)) {
      const admin = await t.admin(name);
      await admin.query('SET SESSION sql_log_bin=0');
      for (const [user, u] of Object.entries(USERS)) {
        await admin.query(`CREATE USER '${user}'@'127.0.0.1' IDENTIFIED BY '${u.password}'`);
        await admin.query(`GRANT ${u.grants} ON *.* TO '${user}'@'127.0.0.1'`);
      }
    }
    for (const [user, u] of Object.entries(USERS)) writeFileSync(cnf(user), `[client]\nuser=${user}\npassword="${u.password}"\n`, { mode: 0o600 });
    writeFileSync(cnf('wrong'), `[client]\nuser=orc_admin\npassword="${WRONG_PASSWORD}"\n`, { mode: 0o600 });
    const built = run(['build', repo('setup', join(dir, 'absent.cnf')), '--out', join(dir, 'generated')]);
    expect(built.status, built.stdout + built.stderr).toBe(0);
    const meta = spawnSync('mariadb', ['--no-defaults', '-uroot', `--socket=${t.nodes.db1!.socket}`], { input: readFileSync(join(dir, 'generated', 'orchestrator', 'main', 'meta', 'live.sql')), encoding: 'utf8' });
    expect(meta.status, meta.stderr).toBe(0);
    await writeAndSync(t, 'db1', ['db2', 'db3', 'db4']);
  });
  afterAll(async () => {
    await t?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the user with what a recovery needs: no finding, nothing on stderr', () => {
    const r = check(repo('admin', join(dir, 'absent.cnf')), '--orchestrator-credentials', cnf('orc_admin'));
    expect(r.stderr).toBe('');
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('the monitoring-only user: a finding at each host, naming what it lacks there', () => {
    const r = check(repo('monitor', join(dir, 'absent.cnf')), '--orchestrator-credentials', cnf('orc_monitor'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.findings.map((f) => `${f.line}:${f.column} ${f.ruleId}`)).toEqual([6, 7, 8, 9].map((l) => `${l}:3 live-orchestrator-user-privileges`));
    const replication = 'REPLICATION SLAVE ADMIN (STOP/START SLAVE, CHANGE MASTER TO; or SUPER), RELOAD (RESET SLAVE ALL)';
    const [db1, db2, db3, db4] = r.findings.map((f) => f.message);
    for (const [m, name] of [[db1, 'db1'], [db2, 'db2'], [db3, 'db3']] as const) {
      expect(m).toContain(`orchestrator's topology user orc_monitor lacks ${replication}, READ_ONLY ADMIN (SET GLOBAL read_only) on ${key(name)}.`);
    }
    // db4 is never promoted: orchestrator only re-points it, so read_only is not asked of it.
    expect(db4).toContain(`lacks ${replication} on ${key('db4')}.`);
    expect(db4).not.toContain('READ_ONLY ADMIN');
  });

  it("without the option, the deployment's topologyCredentialsFile is used when readable", () => {
    const r = check(repo('from-fleet', cnf('orc_monitor')));
    expect(r.stderr).toBe('');
    expect(r.findings.map((f) => f.ruleId)).toEqual(Array(4).fill('live-orchestrator-user-privileges'));
  });

  it('and when neither is there, one line on stderr says that the privileges were not verified', () => {
    const absent = join(dir, 'absent.cnf');
    const r = check(repo('unverified', absent));
    expect(r.stderr).toBe(
      `succession: note: the recovery privileges of orchestrator's topology user were not verified for cluster live; to verify them, give --orchestrator-credentials FILE (orchestrator's MySQLTopologyCredentialsConfigFile); the deployment's topologyCredentialsFile ${absent} is not readable here (no such file or directory)\n`,
    );
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('a wrong password is a finding at each host: orchestrator can neither read nor change them', () => {
    const r = check(repo('wrong', join(dir, 'absent.cnf')), '--orchestrator-credentials', cnf('wrong'));
    expect(r.stderr).toBe('');
    expect(r.findings).toHaveLength(4);
    for (const f of r.findings) expect(f.message).toMatch(/^orchestrator's topology user orc_admin cannot log in to 127\.0\.0\.1:\d+ \(Access denied for user 'orc_admin'@'127\.0\.0\.1' \(using password: YES\)\)/);
  });

  it('discover records it in the snapshot', () => {
    const r = run(['discover', '--seed', key('db1'), '--orchestrator-credentials', cnf('orc_monitor')], { env: ENV });
    outputs.push(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    const snapshot = JSON.parse(r.stdout) as { instances: Topology['instances'] };
    expect(snapshot.instances.map((i) => i.orchestratorUser)).toEqual(
      Array(4).fill({
        user: 'orc_monitor',
        may: { replication: false, readOnly: false, semiSyncSource: true, semiSyncReplica: false },
        missing: ['REPLICATION SLAVE ADMIN', 'RELOAD', 'READ_ONLY ADMIN'],
      }),
    );
  });

  it('no password, and no password hash from SHOW GRANTS, ever appears in any output', () => {
    expect(outputs.length).toBeGreaterThan(10);
    for (const text of outputs) {
      for (const secret of [USERS.orc_admin.password, USERS.orc_monitor.password, WRONG_PASSWORD, DISCOVERY_PASSWORD, 'IDENTIFIED BY PASSWORD']) expect(text).not.toContain(secret);
    }
  });

  it("orchestrator's users issued SHOW GRANTS and the generated Detect queries, nothing else (general log of every server)", () => {
    for (const node of Object.values(t.nodes)) {
      for (const user of [...Object.keys(USERS)]) {
        const queries = loggedCommands(node.generalLog, user).filter((c) => c.command !== 'Connect' && c.command !== 'Quit');
        expect(queries.length, `${node.name} ${user}`).toBeGreaterThan(0);
        for (const q of queries) expect(`${q.command} ${q.argument}`).toMatch(/^Query (SHOW GRANTS|SELECT COALESCE\(\(SELECT `\w+` FROM `meta`\.`failover_policy` WHERE .*\))$/s);
      }
    }
  });
});
