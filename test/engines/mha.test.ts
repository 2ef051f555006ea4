/**
 * MHA 0.58 (Debian's mha4mysql-manager / mha4mysql-node) reading what `succession build`
 * generates, on a real MariaDB topology: db1 the primary, db2 and db3 its replicas, db4 a replica
 * of db2. MHA's own code reads each generated config (MHA::Config, MHA::ServerManager through
 * mha-state.pl, masterha_check_repl, masterha_manager); the test asserts that it takes every key,
 * holds the values the policy asks for, and stops exactly where MHA stops on MariaDB.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/simulate/model.js';
import { versionParseStop } from '../../src/simulate/mha.js';
import { BIN } from '../cli/helpers.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, startTopology, writeAndSync, type LiveTopology } from '../live/topology.js';
import { engineDescribe } from './engines.js';

const STATE = fileURLToPath(new URL('./mha-state.pl', import.meta.url));
const MHA_USER = { user: 'mha', password: 'mha-pw#7' };
const REPL = { user: 'repl', password: 'repl' };
const NODES = ['db1', 'db2', 'db3', 'db4'] as const;
type NodeName = (typeof NODES)[number];
type Flag = 'candidate_master' | 'no_master' | 'neither';

interface Variant {
  name: string;
  /** Each server's entry under `hosts:`, with `{dbN}` for host keys. */
  hosts: Record<NodeName, string>;
  /** Further top-level policy lines. */
  extra: string;
  /** What the policy asks MHA to hold for each server, spelled out here rather than compiled. */
  flags: Record<NodeName, Flag>;
}

const VARIANTS: Variant[] = [
  {
    name: 'prefer and must_not',
    hosts: { db1: '{}', db2: '{ promotion: prefer }', db3: '{}', db4: '{ source: "{db2}", promotion: must_not }' },
    extra: '',
    flags: { db1: 'neither', db2: 'candidate_master', db3: 'neither', db4: 'no_master' },
  },
  {
    name: 'whitelist',
    hosts: { db1: '{}', db2: '{}', db3: '{}', db4: '{ source: "{db2}" }' },
    extra: 'candidates:\n  whitelist: ["{db3}"]\n',
    flags: { db1: 'no_master', db2: 'no_master', db3: 'candidate_master', db4: 'no_master' },
  },
];

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string> = {}): Run {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const succession = (args: string[], env: Record<string, string> = {}) => run(process.execPath, [BIN, ...args], env);
const state = (args: string[]) => run('perl', [STATE, ...args]);

interface ConfigServer {
  id: string;
  hostname: string;
  port: string;
  candidate_master: string;
  no_master: string;
  [key: string]: string;
}

interface ServersState {
  gtid_failover_mode: number;
  master: string;
  alive_slaves: string[];
  unmanaged: string[];
  candidates: string[];
  bad: string[];
  new_master: string | null;
  servers: { id: string; port: string; mysql_version: string }[];
  commands: Record<string, string>;
}

/** Every value MHA holds as a string: Config.pm mixes numbers it defaults and strings it read. */
function strings(servers: Record<string, unknown>[]): ConfigServer[] {
  return servers.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, String(v)])) as ConfigServer);
}

/** MHA's fatal errors about the config itself (Config.pm, MasterMonitor.pm). */
const CONFIG_ERRORS = /Parameter name \S+ is invalid|does not have hostname|Block name .* is invalid|No server is defined|must be positive integer|Parameter ping_type must be|not defined in the configuration file/;

engineDescribe('MHA 0.58 reads the configs succession generates (MariaDB 10.11)', 'mha', () => {
  let topo: LiveTopology;
  let dir: string;
  let global: string;
  let scripts: { pre: string; post: string };
  const key = (n: NodeName) => topo.nodes[n]!.key;
  const port = (n: NodeName) => String(topo.nodes[n]!.port);
  const nodeOf = (p: string) => NODES.find((n) => port(n) === String(p));

  beforeAll(async () => {
    topo = await startTopology([{ name: 'db1' }, { name: 'db2', source: 'db1' }, { name: 'db3', source: 'db1' }, { name: 'db4', source: 'db2' }]);
    for (const n of NODES) {
      const c = await topo.admin(n);
      await c.query('SET SESSION sql_log_bin=0');
      await c.query(`CREATE USER '${MHA_USER.user}'@'127.0.0.1' IDENTIFIED BY '${MHA_USER.password}'`);
      // why: MHA runs SET sql_log_bin=0, STOP/CHANGE MASTER and SET GLOBAL read_only as this user.
      await c.query(`GRANT ALL PRIVILEGES ON *.* TO '${MHA_USER.user}'@'127.0.0.1'`);
    }
    await writeAndSync(topo, 'db1', ['db2', 'db3', 'db4']);
    dir = mkdtempSync(join(tmpdir(), 'succession-mha-'));
    // The secrets MHA needs live where docs/build.md says: the global config, never the generated one.
    global = join(dir, 'masterha_default.cnf');
    writeFileSync(global, `[server default]\npassword=${MHA_USER.password}\nrepl_password=${REPL.password}\n`, { mode: 0o600 });
    scripts = { pre: join(dir, 'master_ip_failover'), post: join(dir, 'report') };
    for (const s of Object.values(scripts)) writeFileSync(s, '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  });

  afterAll(async () => {
    await topo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("MHA's version parsers die on every version string, where succession's model says", () => {
    const here = run('mariadb', ['--no-defaults', '-uroot', `--socket=${topo.nodes.db1!.socket}`, '-N', '-e', 'SELECT VERSION()']).stdout.trim();
    // MySQL, Percona Server, MariaDB as built upstream, from Debian (the servers here) and from MariaDB's own repository.
    const versions = ['8.0.36', '5.7.44-log', '8.4.3', '8.0.36-28', '10.11.6-MariaDB', '10.11.6-MariaDB-log', here, '10.6.16-MariaDB-1:10.6.16+maria~ubu2204-log'];
    const r = state(['versions', ...versions]);
    expect(r.status, r.stderr).toBe(0);
    const stops = JSON.parse(r.stdout) as Record<string, string | null>;
    for (const v of versions) {
      expect(stops[v], v).toBe(versionParseStop(v).replace('MHA/NodeUtil.pm', '/usr/share/perl5/MHA/NodeUtil.pm'));
    }
    expect(stops['10.11.6-MariaDB']).toBe('Redundant argument in sprintf at /usr/share/perl5/MHA/NodeUtil.pm line 201');
    expect(stops[here]).toBe('Redundant argument in sprintf at /usr/share/perl5/MHA/NodeUtil.pm line 195');
  });

  for (const v of VARIANTS) {
    describe(v.name, () => {
      let repo: string;
      let conf: string;
      let built: Run;
      let patched: ServersState | undefined;
      /** ServerManager's view with the version parsing fixed; read once, two tests look at it. */
      const serversState = (): ServersState => {
        if (patched) return patched;
        const r = state(['servers', `--conf=${conf}`, `--global_conf=${global}`, '--fixed-version-parsing']);
        expect(r.status, r.stderr).toBe(0);
        patched = JSON.parse(r.stdout) as ServersState;
        return patched;
      };
      const fill = (t: string) => t.replace(/\{(db\d)\}/g, (_, n: NodeName) => key(n));

      beforeAll(() => {
        const base = join(dir, v.name.replace(/\W+/g, '-'));
        repo = join(base, 'repo');
        mkdirSync(join(repo, 'clusters'), { recursive: true });
        writeFileSync(
          join(repo, 'fleet.yaml'),
          [
            'kind: fleet',
            'mha:',
            '  sshUser: mha',
            `  user: ${MHA_USER.user}`,
            `  replicationUser: ${REPL.user}`,
            `  remoteWorkdir: ${join(base, 'remote')}`,
            `  masterBinlogDir: [${topo.nodes.db1!.datadir}]`,
            '',
          ].join('\n'),
        );
        const hosts = NODES.map((n) => `  "${key(n)}": ${fill(v.hosts[n])}\n`).join('');
        writeFileSync(
          join(repo, 'clusters', 'c1.yaml'),
          `kind: cluster\nname: c1\nprimary: "${key('db1')}"\nflavor: mariadb\nmha: { enabled: true, managerWorkdir: ${join(base, 'work')} }\nhosts:\n${hosts}${fill(v.extra)}` +
            `hooks:\n  preFailover: ["${scripts.pre} {failedHost}"]\n  postFailover: ["${scripts.post}"]\n`,
        );
        built = succession(['build', repo, '--out', join(base, 'generated'), '--target', 'mha', '--format', 'json']);
        conf = join(base, 'generated', 'mha', 'c1.cnf');
      });

      it('build writes the config and warns at mha.enabled that MHA cannot fail over MariaDB', () => {
        expect(built.status, built.stderr).toBe(0);
        const findings = (JSON.parse(built.stdout) as { findings: { ruleId: string; severity: string; line: number; message: string }[] }).findings;
        const warning = findings.find((f) => f.ruleId === 'mha-mariadb');
        expect(warning?.severity).toBe('warning');
        expect(warning?.line).toBe(5);
        expect(warning?.message).toContain('Redundant argument in sprintf at MHA/NodeUtil.pm line 195');
        expect(readFileSync(conf, 'utf8')).toContain(`master_binlog_dir=${topo.nodes.db1!.datadir}\n`);
      });

      it('MHA::Config takes every key and holds what the policy says', () => {
        const r = state(['config', `--conf=${conf}`, `--global_conf=${global}`]);
        expect(r.stderr).not.toMatch(CONFIG_ERRORS);
        expect(r.status, r.stderr).toBe(0);
        const servers = strings(JSON.parse(r.stdout) as Record<string, unknown>[]);
        const held = Object.fromEntries(
          servers.map((s) => [nodeOf(s.port), s.candidate_master === '1' ? 'candidate_master' : s.no_master === '1' ? 'no_master' : 'neither']),
        );
        expect(held).toEqual(v.flags);
        expect(servers.map((s) => `${s.hostname}:${s.port}`).sort()).toEqual(NODES.map(key).sort());
        // MHA breaks ties by block order; candidates come first (compile/mha.ts).
        expect(servers[0]!.candidate_master).toBe('1');
        const base = join(dir, v.name.replace(/\W+/g, '-'));
        for (const s of servers) {
          expect(s).toMatchObject({
            multi_tier_slave: '1',
            user: MHA_USER.user,
            repl_user: REPL.user,
            ssh_user: 'mha',
            remote_workdir: join(base, 'remote'),
            manager_workdir: join(base, 'work'),
            manager_log: join(base, 'work', 'manager.log'),
            master_binlog_dir: topo.nodes.db1!.datadir,
            master_ip_failover_script: scripts.pre,
            report_script: scripts.post,
          });
        }
      });

      it('masterha_check_repl reads the config, then stops on the version string', () => {
        const r = run('masterha_check_repl', [`--conf=${conf}`, `--global_conf=${global}`]);
        expect(r.stderr).not.toMatch(CONFIG_ERRORS);
        expect(r.stderr).toContain(`Reading server configuration from ${conf}..`);
        expect(r.stderr).toContain('MHA::MasterMonitor version 0.58.');
        expect(r.stderr).toContain('Error happened on checking configurations. Redundant argument in sprintf at /usr/share/perl5/MHA/NodeUtil.pm line 195.');
        expect(r.stdout).toContain('MySQL Replication Health is NOT OK!');
        expect(r.status).toBe(1);
      });

      it('with the version parsing fixed, MHA runs without GTIDs, sees the candidates and the chained replica, and stops at SSH', () => {
        const r = state(['check_repl', `--conf=${conf}`, `--global_conf=${global}`, '--fixed-version-parsing']);
        expect(r.stderr).not.toMatch(CONFIG_ERRORS);
        expect(r.stderr).toContain('GTID failover mode = 0');
        expect(r.stderr).toContain('GTID (with auto-pos) is not supported');
        const candidate = NODES.find((n) => v.flags[n] === 'candidate_master')!;
        expect(r.stderr).toMatch(new RegExp(`127\\.0\\.0\\.1\\(127\\.0\\.0\\.1:${port(candidate)}\\)  Version=[^\\n]*\\n[^\\n]*Replicating from[^\\n]*\\n[^\\n]*Primary candidate for the new Master \\(candidate_master is set\\)`));
        expect(r.stderr).toMatch(new RegExp(`Unmanaged Servers:\\n[^\\n]*127\\.0\\.0\\.1\\(127\\.0\\.0\\.1:${port('db4')}\\)`));
        expect(r.stderr).toContain('Starting SSH connection tests..');
        expect(r.stderr).toContain('SSH connection from mha@127.0.0.1(127.0.0.1:22) to mha@127.0.0.1(127.0.0.1:22) failed!');
        expect(r.stderr).toContain('Error happened on checking configurations. SSH Configuration Check Failed!');
        expect(r.status).toBe(1);
      });

      it("MHA's ServerManager promotes whom succession simulate says a patched MHA would, and simulate predicts no failover", () => {
        const s = serversState();
        const byId = new Map(s.servers.map((x) => [x.id, nodeOf(x.port)]));
        expect(s.gtid_failover_mode).toBe(0);
        expect(byId.get(s.master)).toBe('db1');
        expect(s.unmanaged.map((id) => byId.get(id))).toEqual(['db4']);
        expect(s.candidates.map((id) => byId.get(id))).toEqual(NODES.filter((n) => v.flags[n] === 'candidate_master'));
        expect(s.bad.map((id) => byId.get(id)).sort()).toEqual(['db2', 'db3'].filter((n) => v.flags[n as NodeName] === 'no_master'));

        const sim = succession(['simulate', 'c1', '--policies', repo, '--topology', `mysql://${key('db1')}`, '--engine', 'mha', '--format', 'json'], {
          MYSQL_USER: DISCOVERY_USER,
          MYSQL_PWD: DISCOVERY_PASSWORD,
        });
        expect(sim.status, sim.stderr).toBe(0);
        const p = (JSON.parse(sim.stdout) as Simulation).engines[0]!;
        expect(p.promoted).toBeUndefined();
        expect(p.writeStallSeconds).toBeNull();
        expect(p.notes[0]).toContain('"Redundant argument in sprintf at MHA/NodeUtil.pm line 195"');
        expect(p.notes[1]).toContain('GTID failover mode = 0');
        expect(p.notes[2]).toBe(`with those stops patched, MHA would promote ${key(byId.get(s.new_master!)!)}`);
      });

      it('over SSH MHA would find the binary logs in master_binlog_dir, and its node tools stop on MariaDB', () => {
        const s = serversState();
        const byId = new Map(s.servers.map((x) => [x.id, nodeOf(x.port)]));
        // The commands MHA hands to ssh, run here directly: this host is every server's host.
        const binlog = run('sh', ['-c', s.commands[s.master]!]);
        expect(binlog.stdout).toContain(`Binlog found at ${topo.nodes.db1!.datadir}, up to mysql-bin.`);
        expect(binlog.status).toBe(0);
        for (const id of s.alive_slaves) {
          const relay = run('sh', ['-c', `${s.commands[id]!} --slave_pass='${MHA_USER.password}'`]);
          expect(relay.stdout, byId.get(id)).toContain(`Relay log found at ${topo.nodes[byId.get(id)!]!.datadir}`);
          expect(relay.stderr, byId.get(id)).toContain("DBD::mysql::st execute failed: Unknown system variable 'super_read_only'");
          expect(relay.status).not.toBe(0);
        }
      });
    });
  }

  it('masterha_manager exits at start-up on the version string too: nothing watches the primary', () => {
    const base = join(dir, VARIANTS[0]!.name.replace(/\W+/g, '-'));
    const conf = join(base, 'generated', 'mha', 'c1.cnf');
    // why: masterha_manager opens manager_log before it creates manager_workdir (it fails with "Cannot write to ...manager.log" otherwise).
    mkdirSync(join(base, 'work'), { recursive: true });
    const r = run('masterha_manager', [`--conf=${conf}`, `--global_conf=${global}`]);
    const log = readFileSync(join(base, 'work', 'manager.log'), 'utf8');
    expect(log).toContain('Error happened on checking configurations. Redundant argument in sprintf at /usr/share/perl5/MHA/NodeUtil.pm line 195.');
    expect(log).toContain('Got exit code 1 (Not master dead).');
    expect(r.status).toBe(1);
  });
});
