import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { resolveCredentials } from '../../src/topology/credentials.js';
import { discover } from '../../src/topology/mysql.js';
import { DISCOVERY_PASSWORD, DISCOVERY_USER, TLS_FILES, liveDescribe, startTopology, type LiveTopology } from './topology.js';

liveDescribe('discovery over TLS (MariaDB requiring SSL of the discovery account)', () => {
  let t: LiveTopology;
  let dir: string;
  const read = async (client: string, seed?: string) => {
    const cnf = join(dir, `${Math.random().toString(36).slice(2)}.cnf`);
    writeFileSync(cnf, `[client]\nuser = ${DISCOVERY_USER}\npassword = "${DISCOVERY_PASSWORD}"\n${client}`);
    const { topology } = await discover({ seeds: [seed ?? t.nodes.tls!.key], credentials: resolveCredentials({}, { defaultsFile: cnf }), connectTimeoutMs: 5000 });
    return topology;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'succession-tls-'));
    t = await startTopology([{ name: 'tls', tls: true }]);
  });
  afterAll(async () => {
    await t?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without TLS the account is refused', async () => {
    const topology = await read('');
    expect(topology.unreachable[0]!.error).toMatch(/^Access denied for user 'topo'/);
  });

  it('ssl-mode=VERIFY_IDENTITY with the right CA reads the server', async () => {
    const topology = await read(`ssl-mode = VERIFY_IDENTITY\nssl-ca = ${TLS_FILES['ca.pem']}\n`);
    expect(topology.unreachable).toEqual([]);
    expect(topology.instances[0]!.flavor).toBe('mariadb');
  });

  it('VERIFY_IDENTITY refuses a certificate that does not name the host connected to', async () => {
    const byName = await read(`ssl-mode = VERIFY_IDENTITY\nssl-ca = ${TLS_FILES['ca.pem']}\n`, `localhost:${t.nodes.tls!.port}`);
    expect(byName.unreachable[0]!.error).toMatch(/^Hostname\/IP does not match certificate's altnames: Host: localhost/);
    // VERIFY_CA checks the chain only.
    const chainOnly = await read(`ssl-mode = VERIFY_CA\nssl-ca = ${TLS_FILES['ca.pem']}\n`, `localhost:${t.nodes.tls!.port}`);
    expect(chainOnly.unreachable).toEqual([]);
  });

  it("MariaDB's ssl-verify-server-cert and ssl-ca read the server too", async () => {
    const topology = await read(`ssl-ca = ${TLS_FILES['ca.pem']}\nssl-verify-server-cert\n`);
    expect(topology.unreachable).toEqual([]);
  });

  it('a certificate from another CA is refused under VERIFY_CA, accepted under REQUIRED (encryption only)', async () => {
    const wrong = await read(`ssl-mode = VERIFY_CA\nssl-ca = ${TLS_FILES['other-ca.pem']}\n`);
    expect(wrong.unreachable[0]!.error).toMatch(/certificate/i);
    const required = await read('ssl-mode = REQUIRED\n');
    expect(required.unreachable).toEqual([]);
  });

  it('bad TLS settings are clear errors', () => {
    const cnf = join(dir, 'bad.cnf');
    writeFileSync(cnf, '[client]\nssl-mode = STRICT\n');
    expect(() => resolveCredentials({}, { defaultsFile: cnf })).toThrow(`${cnf}:2: unknown ssl-mode "STRICT" (DISABLED, PREFERRED, REQUIRED, VERIFY_CA or VERIFY_IDENTITY)`);
    writeFileSync(cnf, '[client]\nssl-mode = VERIFY_CA\n');
    expect(() => resolveCredentials({}, { defaultsFile: cnf })).toThrow(`${cnf}:2: ssl-mode VERIFY_CA needs ssl-ca`);
    writeFileSync(cnf, `[client]\nssl-ca = ${join(dir, 'missing.pem')}\n`);
    expect(() => resolveCredentials({}, { defaultsFile: cnf })).toThrow(`${cnf}:2: cannot read ssl-ca ${join(dir, 'missing.pem')}: no such file or directory`);
    writeFileSync(cnf, '[client]\nssl-mode = PREFERRED\n');
    expect(resolveCredentials({}, { defaultsFile: cnf }).tls).toBeUndefined();
  });
});
