/**
 * The generated `orchestrator-client.env` used the two ways operators use it, with the real
 * `orchestrator-client` script of the orchestrator build (its `resources/bin/`) against a real
 * three-node raft deployment started from the generated node configs:
 * - sourced by a shell (`. orchestrator-client.env; orchestrator-client -c …`);
 * - as a systemd EnvironmentFile, read by systemd's own environment-file parser (the
 *   environment.d generator, which shares it), then handed to orchestrator-client.
 * And succession itself takes the topology from the same variable.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Simulation } from '../../src/simulate/model.js';
import { BIN } from '../cli/helpers.js';
import { freePort, startTopology, type LiveTopology } from '../live/topology.js';
import { engineDescribe, ORCHESTRATOR_BUILDS } from './engines.js';
import { startDeployment, type RunningDeployment } from './orchestrator.js';
import { applyMeta, createOrchestratorUser, discoverAll, ORCHESTRATOR_USER } from './scenario.js';

const SYSTEMD_ENV_PARSER = ['/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator', '/lib/systemd/user-environment-generators/30-systemd-environment-d-generator'].find((p) => existsSync(p));
const RAFT_HOSTS = ['127.0.0.1', '127.0.0.2', '127.0.0.3'];

engineDescribe('orchestrator-client with the generated orchestrator-client.env', 'orchestrator', () => {
  const build = ORCHESTRATOR_BUILDS[0]!;
  const client = join(dirname(build.binary), 'resources', 'bin', 'orchestrator-client');
  let topo: LiveTopology;
  let orc: RunningDeployment;
  let envFile = '';
  let repo = '';
  let primary = '';

  beforeAll(async () => {
    topo = await startTopology([{ name: 'db1' }, { name: 'db2', source: 'db1' }]);
    await createOrchestratorUser(topo, 'admin');
    primary = topo.nodes.db1!.key;
    const httpPort = await freePort();
    const raft = await Promise.all(RAFT_HOSTS.map(async (h) => `"${h}:${await freePort()}"`));
    repo = join(topo.dir, 'repo');
    mkdirSync(join(repo, 'clusters'), { recursive: true });
    const credentials = join(topo.dir, 'topology.cnf');
    writeFileSync(credentials, `[client]\nuser=${ORCHESTRATOR_USER.user}\npassword="${ORCHESTRATOR_USER.password}"\n`, { mode: 0o600 });
    writeFileSync(
      join(repo, 'fleet.yaml'),
      [
        'kind: fleet',
        'orchestrator:',
        '  deployments:',
        '    main:',
        `      release: ${build.release}`,
        `      httpPort: ${httpPort}`,
        `      raft: { nodes: [${raft.join(', ')}], dataDir: ${join(topo.dir, 'raft')} }`,
        '      instancePollSeconds: 1',
        `      backend: { type: sqlite, sqliteFile: ${join(topo.dir, 'orchestrator.sqlite3')} }`,
        `      topologyCredentialsFile: ${credentials}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(repo, 'clusters', 'c1.yaml'),
      `kind: cluster\nname: c1\nflavor: mariadb\nprimary: "${primary}"\norchestrator: { deployment: main }\nhosts:\n  "${primary}": {}\n  "${topo.nodes.db2!.key}": { promotion: prefer }\n`,
    );
    const generated = join(topo.dir, 'generated');
    const built = spawnSync(process.execPath, [BIN, 'build', repo, '--out', generated], { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`succession build failed: ${built.stderr}`);
    envFile = join(generated, 'orchestrator', 'main', 'orchestrator-client.env');
    applyMeta(topo, 'db1', join(generated, 'orchestrator', 'main', 'meta', 'c1.sql'));
    orc = await startDeployment(build, generated, 'main', topo.dir, { listen: RAFT_HOSTS.map((h) => `${h}:${httpPort}`) });
    await discoverAll(orc, primary, 2);
  }, 180_000);

  afterAll(async () => {
    await orc?.stop();
    await topo?.stop();
  });

  /** Environment without any orchestrator-client variable of the machine running the tests. */
  const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ORCHESTRATOR_')));

  it('names every raft node', () => {
    const text = readFileSync(envFile, 'utf8');
    for (const n of orc.nodes) expect(text).toContain(`${n.url}/api`);
  });

  it('works when sourced: orchestrator-client finds the leader and lists the cluster', () => {
    const r = spawnSync('bash', ['-c', '. "$1" && exec "$2" -c clusters-alias', 'sh', envFile, client], { encoding: 'utf8', env: cleanEnv() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${primary},c1`);
  });

  it('works as a systemd EnvironmentFile: systemd parses it without a warning and orchestrator-client runs with what it read', () => {
    if (SYSTEMD_ENV_PARSER === undefined) throw new Error("systemd's environment-file parser (30-systemd-environment-d-generator) not found: apt-get install systemd");
    const home = join(topo.dir, 'xdg');
    mkdirSync(join(home, 'environment.d'), { recursive: true });
    copyFileSync(envFile, join(home, 'environment.d', '50-orchestrator-client.conf'));
    const parsed = spawnSync(SYSTEMD_ENV_PARSER, [], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', XDG_CONFIG_HOME: home } });
    expect(parsed.stderr).toBe('');
    const line = parsed.stdout.split('\n').find((l) => l.startsWith('ORCHESTRATOR_API='));
    // why: the generator prints its result in the same syntax, quoting a value that has spaces.
    const value = line?.slice('ORCHESTRATOR_API='.length).replace(/^"(.*)"$/, '$1');
    expect(value).toBe(orc.nodes.map((n) => `${n.url}/api`).join(' '));
    const r = spawnSync(client, ['-c', 'clusters-alias'], { encoding: 'utf8', env: { ...cleanEnv(), ORCHESTRATOR_API: value! } });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(`${primary},c1`);
  });

  it('succession simulate reads the same variable when sourced, and predicts from orchestrator', () => {
    const r = spawnSync('bash', ['-c', '. "$1" && exec "$2" "$3" simulate c1 --policies "$4" --engine orchestrator --format json', 'sh', envFile, process.execPath, BIN, repo], { encoding: 'utf8', env: cleanEnv() });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const sim = JSON.parse(r.stdout) as Simulation;
    expect(sim.engines[0]!.promoted).toBe(topo.nodes.db2!.key);
  });
});
