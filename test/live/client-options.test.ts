/**
 * Connection settings read as the mysql client reads them, through the built CLI against real
 * MariaDB servers: ~/.my.cnf by default, --defaults-file / --defaults-extra-file / --no-defaults,
 * the [client-mariadb] and [succession] groups, !include, --login-path (~/.mylogin.cnf),
 * MYSQL_HOST / MYSQL_TCP_PORT, and the TLS options as flags. Each case also runs the real
 * `mariadb` client with the same files, so both are seen to agree on what connects.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { run } from '../cli/helpers.js';
import { loginFile } from '../topology/login-file.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, TLS_FILES, liveDescribe, startTopology, type LiveTopology } from './topology.js';

liveDescribe('connection settings as the mysql client reads them', () => {
  let t: LiveTopology;
  let dir: string;
  let home: string;
  let env: Record<string, string>;
  const port = () => String(t.nodes.db1!.port);

  beforeAll(async () => {
    t = await startTopology([{ name: 'db1' }, { name: 'db2', source: 'db1' }, { name: 'tls', tls: true }]);
    dir = mkdtempSync(join(tmpdir(), 'succession-client-'));
    home = join(dir, 'home');
    mkdirSync(home);
    // why: nothing of the machine's own ~/.my.cnf, MYSQL_* or /etc/mysql host settings may leak in.
    env = { HOME: home, MYSQL_PWD: '', MYSQL_HOST: '', MYSQL_TCP_PORT: '', MYSQL_USER: '' };
  }, 180_000);

  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Whether the real mariadb client connects with these files and flags (host and port in the files). */
  const clientConnects = (args: string[], extraEnv: Record<string, string> = {}) =>
    spawnSync('mariadb', [...args, '--protocol=TCP', '-N', '-e', 'SELECT 1'], { encoding: 'utf8', env: { ...process.env, ...env, ...extraEnv } }).status === 0;

  const discover = (args: string[], extraEnv: Record<string, string> = {}) => run(['discover', ...args], { env: { ...env, ...extraEnv } });

  const servers = (out: string) => (JSON.parse(out) as { instances: { key: string }[] }).instances.map((i) => i.key).sort();
  const both = () => [t.nodes.db1!.key, t.nodes.db2!.key].sort();

  it('~/.my.cnf by default: user, password, host and port, no --seed', () => {
    writeFileSync(join(home, '.my.cnf'), `[client]\nuser=${DISCOVERY_USER}\npassword="${DISCOVERY_PASSWORD}"\nhost=127.0.0.1\nport=${port()}\n`);
    expect(clientConnects([])).toBe(true);
    const r = discover([]);
    expect(r.stderr).toBe('');
    expect(servers(r.stdout)).toEqual(both());
    rmSync(join(home, '.my.cnf'));
  });

  it('--defaults-extra-file, with the password in [client-mariadb] and the user in [succession] through !include', () => {
    writeFileSync(join(dir, 'inc.cnf'), `[succession]\nuser=${DISCOVERY_USER}\n`);
    writeFileSync(join(dir, 'extra.cnf'), `[client]\nuser=nobody\n[client-mariadb]\npassword='${DISCOVERY_PASSWORD}'\n!include ${join(dir, 'inc.cnf')}\n`);
    const r = discover(['--defaults-extra-file', join(dir, 'extra.cnf'), '--seed', t.nodes.db2!.key]);
    expect(r.stderr).toBe('');
    expect(servers(r.stdout)).toEqual(both());
  });

  it('--no-defaults ignores ~/.my.cnf; MYSQL_HOST / MYSQL_TCP_PORT name the server, MYSQL_PWD the password', () => {
    writeFileSync(join(home, '.my.cnf'), '[client]\nuser=nobody\npassword=wrong\n');
    const r = discover(['--no-defaults'], { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD, MYSQL_HOST: '127.0.0.1', MYSQL_TCP_PORT: port() });
    expect(r.stderr).toBe('');
    expect(servers(r.stdout)).toEqual(both());
    const withDefaults = discover([], { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD, MYSQL_HOST: '127.0.0.1', MYSQL_TCP_PORT: port() });
    expect(withDefaults.status).toBe(2);
    expect(withDefaults.stderr).toContain("Access denied for user 'nobody'");
    expect(withDefaults.stderr).not.toContain('wrong');
    rmSync(join(home, '.my.cnf'));
  });

  it('--login-path reads the group of ~/.mylogin.cnf', () => {
    writeFileSync(join(home, '.mylogin.cnf'), loginFile(`[client]\nuser = "nobody"\n[ops]\nuser = "${DISCOVERY_USER}"\npassword = "${DISCOVERY_PASSWORD}"\nhost = "127.0.0.1"\nport = ${port()}\n`));
    const r = discover(['--login-path', 'ops']);
    expect(r.stderr).toBe('');
    expect(servers(r.stdout)).toEqual(both());
    rmSync(join(home, '.mylogin.cnf'));
  });

  it('a Unix socket (--socket, socket in the option files, MYSQL_UNIX_PORT) reaches the server named localhost', async () => {
    const admin = await t.admin('db1');
    await admin.query('SET SESSION sql_log_bin=0');
    await admin.query(`CREATE USER IF NOT EXISTS '${DISCOVERY_USER}'@'localhost' IDENTIFIED BY '${DISCOVERY_PASSWORD}'`);
    // why: the same privileges as the harness's discovery account, which it creates for 127.0.0.1 only.
    const [grants] = (await admin.query(`SHOW GRANTS FOR '${DISCOVERY_USER}'@'127.0.0.1'`)) as unknown as [Record<string, string>[]];
    for (const g of grants) await admin.query(Object.values(g)[0]!.replace(/@[`']127\.0\.0\.1[`']/, "@'localhost'"));
    const socket = t.nodes.db1!.socket;
    const login = { MYSQL_USER: DISCOVERY_USER, MYSQL_PWD: DISCOVERY_PASSWORD };
    const viaFlag = discover(['--no-defaults', '--socket', socket], login);
    // Reached as localhost through the socket, db1 is named as its replica names it.
    expect(viaFlag.stderr).toBe(`succession: warning: localhost:3306 is the same server as ${t.nodes.db1!.key}; reported once, as ${t.nodes.db1!.key}\n`);
    const keys = servers(viaFlag.stdout);
    expect(keys).toEqual(both());
    writeFileSync(join(dir, 'sock.cnf'), `[client]\nsocket=${socket}\n`);
    expect(servers(discover(['--defaults-file', join(dir, 'sock.cnf')], login).stdout)).toEqual(keys);
    expect(servers(discover(['--no-defaults'], { ...login, MYSQL_UNIX_PORT: socket }).stdout)).toEqual(keys);
  });

  it('TLS flags: a CA that did not sign the server is refused, --ssl-mode VERIFY_IDENTITY with the right one is not', () => {
    writeFileSync(join(dir, 'c.cnf'), `[client]\nuser=${DISCOVERY_USER}\npassword="${DISCOVERY_PASSWORD}"\n`);
    const tls = t.nodes.tls!;
    const wrong = discover(['--defaults-file', join(dir, 'c.cnf'), '--seed', tls.key, '--ssl-ca', TLS_FILES['other-ca.pem']!]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/certificate/i);
    expect(clientConnects([`--defaults-file=${join(dir, 'c.cnf')}`, '-h127.0.0.1', `-P${tls.port}`, `--ssl-ca=${TLS_FILES['other-ca.pem']}`, '--ssl-verify-server-cert'])).toBe(false);
    expect(clientConnects([`--defaults-file=${join(dir, 'c.cnf')}`, '-h127.0.0.1', `-P${tls.port}`, `--ssl-ca=${TLS_FILES['ca.pem']}`, '--ssl-verify-server-cert'])).toBe(true);
    const right = discover(['--defaults-file', join(dir, 'c.cnf'), '--seed', tls.key, '--ssl-ca', TLS_FILES['ca.pem']!, '--ssl-mode', 'VERIFY_IDENTITY']);
    expect(right.stderr).toBe('');
    expect(servers(right.stdout)).toEqual([tls.key]);
  });

  it('check takes the same options: a bare mysql:// starts from the configured server, with the timeouts given', () => {
    writeFileSync(join(home, '.my.cnf'), `[client]\nuser=${DISCOVERY_USER}\npassword="${DISCOVERY_PASSWORD}"\nhost=127.0.0.1\nport=${port()}\n`);
    const r = run(['check', 'policies', '--topology', 'mysql://', '--connect-timeout', '3000', '--format', 'json'], { env });
    // The example policies name other hosts: the point is that the servers were read, not that they match.
    expect(r.stderr).not.toMatch(/nothing could be read|error/i);
    expect([0, 1]).toContain(r.status);
    expect((JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId)).toContain('live-host-missing');
    rmSync(join(home, '.my.cnf'));
  });

  it('the user and password of a mysql:// URL win over the option files, and never show', () => {
    writeFileSync(join(home, '.my.cnf'), '[client]\nuser=nobody\npassword=wrong\n');
    const pw = encodeURIComponent(DISCOVERY_PASSWORD);
    const r = run(['simulate', 'shop', '--topology', `mysql://${DISCOVERY_USER}:${pw}@${t.nodes.db1!.key}`, '--format', 'json'], { env });
    expect(r.stderr).not.toContain(DISCOVERY_PASSWORD);
    expect(r.stderr).not.toContain('nothing could be read');
    expect(r.stderr).not.toContain('Access denied');
    const wrong = run(['simulate', 'shop', '--topology', `mysql://${DISCOVERY_USER}:not-it@${t.nodes.db1!.key}`], { env });
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain(`Access denied for user '${DISCOVERY_USER}'`);
    expect(wrong.stderr).not.toContain('not-it');
    rmSync(join(home, '.my.cnf'));
  });
});
