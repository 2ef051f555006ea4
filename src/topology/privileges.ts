import { versionAtLeast, type Flavor, type RecoveryCapabilities, type ServerVersion } from './model.js';

/**
 * What orchestrator's topology user may do in a primary recovery, read from its own `SHOW GRANTS`.
 *
 * orchestrator 3.2.6 changes replication with STOP / START SLAVE (and the IO_THREAD forms),
 * CHANGE MASTER TO and RESET SLAVE ALL, flips `read_only` (and `super_read_only` with
 * UseSuperReadOnly), and sets `rpl_semi_sync_master_enabled` / `rpl_semi_sync_slave_enabled`
 * (go/inst/instance_topology_dao.go). Each capability below is what one of those groups needs, per
 * flavor and version:
 *
 * - MariaDB 10.11.19 (tried on the server, one privilege per account): the replication statements
 *   need SUPER or REPLICATION SLAVE ADMIN, except RESET SLAVE ALL, which needs RELOAD and nothing
 *   else; `read_only` needs READ_ONLY ADMIN, which SUPER no longer includes from 10.11.0
 *   (MDEV-29596); the semi-sync source side needs SUPER or REPLICATION MASTER ADMIN, the replica
 *   side SUPER or REPLICATION SLAVE ADMIN. Before 10.5.2, which split these out of SUPER, SUPER
 *   (and RELOAD) did it all (MariaDB documentation).
 * - MySQL and Percona Server 8.0 (reference manual): REPLICATION_SLAVE_ADMIN or SUPER for STOP /
 *   START REPLICA and CHANGE REPLICATION SOURCE, RELOAD for RESET REPLICA, and
 *   SYSTEM_VARIABLES_ADMIN or SUPER for SET GLOBAL (read_only, super_read_only, semi-sync).
 *   5.7: SUPER, and RELOAD for RESET SLAVE.
 */

export type Capability = keyof RecoveryCapabilities;

const CAPABILITIES: readonly Capability[] = ['replication', 'readOnly', 'semiSyncSource', 'semiSyncReplica'];

/** One privilege a capability needs (any of `anyOf`; the first is the one to grant) and what it allows. */
interface Need {
  anyOf: readonly string[];
  statements: string;
}

const need = (statements: string, ...anyOf: string[]): Need => ({ anyOf, statements });
const REPLICA_STATEMENTS = 'STOP/START SLAVE, CHANGE MASTER TO';
const RESET = 'RESET SLAVE ALL';
const READ_ONLY = 'SET GLOBAL read_only';
const SOURCE_SIDE = 'SET GLOBAL rpl_semi_sync_master_enabled';
const REPLICA_SIDE = 'SET GLOBAL rpl_semi_sync_slave_enabled';

/** The privileges each capability needs on a server of this flavor and version, as the server names them. */
function requirements(flavor: Flavor, version: ServerVersion | undefined): Record<Capability, readonly Need[]> {
  if (flavor === 'mariadb') {
    if (version !== undefined && !versionAtLeast(version, 10, 5, 2)) return superOnly(READ_ONLY);
    const readOnlyBySuper = version !== undefined && !versionAtLeast(version, 10, 11, 0);
    return {
      replication: [need(REPLICA_STATEMENTS, 'REPLICATION SLAVE ADMIN', 'SUPER'), need(RESET, 'RELOAD')],
      readOnly: [readOnlyBySuper ? need(READ_ONLY, 'READ_ONLY ADMIN', 'SUPER') : need(READ_ONLY, 'READ_ONLY ADMIN')],
      semiSyncSource: [need(SOURCE_SIDE, 'REPLICATION MASTER ADMIN', 'SUPER')],
      semiSyncReplica: [need(REPLICA_SIDE, 'REPLICATION SLAVE ADMIN', 'SUPER')],
    };
  }
  const readOnly = `${READ_ONLY} / super_read_only`;
  if (version !== undefined && version.major < 8) return superOnly(readOnly);
  return {
    replication: [need(REPLICA_STATEMENTS, 'REPLICATION_SLAVE_ADMIN', 'SUPER'), need(RESET, 'RELOAD')],
    readOnly: [need(readOnly, 'SYSTEM_VARIABLES_ADMIN', 'SUPER')],
    semiSyncSource: [need(SOURCE_SIDE, 'SYSTEM_VARIABLES_ADMIN', 'SUPER')],
    semiSyncReplica: [need(REPLICA_SIDE, 'SYSTEM_VARIABLES_ADMIN', 'SUPER')],
  };
}

/** MariaDB before 10.5.2 and MySQL 5.7: SUPER for all of it, RELOAD for the reset. */
function superOnly(readOnly: string): Record<Capability, readonly Need[]> {
  return {
    replication: [need(REPLICA_STATEMENTS, 'SUPER'), need(RESET, 'RELOAD')],
    readOnly: [need(readOnly, 'SUPER')],
    semiSyncSource: [need(SOURCE_SIDE, 'SUPER')],
    semiSyncReplica: [need(REPLICA_SIDE, 'SUPER')],
  };
}

const ALL = 'ALL';

/**
 * The global privileges in `SHOW GRANTS` rows: every `GRANT … ON *.* TO …` line counts. The
 * current user's `SHOW GRANTS` already lists the privileges of the roles active at login
 * (MariaDB adds `GRANT … ON *.* TO \`role\`` lines for the default role and the roles it holds;
 * MySQL 8.0 folds the active roles' privileges into the user's lines), and a role that is not
 * active at login is no use to orchestrator either. `ALL` / `ALL PRIVILEGES` stands for every
 * privilege; `WITH GRANT OPTION` and the account clauses after `TO` are not privileges.
 */
export function globalPrivileges(rows: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const row of rows) {
    const m = /^\s*GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s/is.exec(row);
    if (!m || m[2] !== '*.*') continue;
    for (const part of m[1]!.split(',')) {
      const name = part.trim().replace(/\s+/g, ' ').toUpperCase();
      out.add(name === 'ALL PRIVILEGES' ? ALL : name);
    }
  }
  return out;
}

export interface GrantReading {
  may: RecoveryCapabilities;
  /** The privileges to grant for what is missing, each once, in capability order. */
  missing: string[];
}

/** What the user may do with these grants on a server of this flavor and version. */
export function interpretGrants(flavor: Flavor, version: ServerVersion | undefined, rows: readonly string[]): GrantReading {
  const granted = globalPrivileges(rows);
  const has = (n: Need): boolean => granted.has(ALL) || n.anyOf.some((p) => granted.has(p));
  const req = requirements(flavor, version);
  const missing: string[] = [];
  const may = {} as RecoveryCapabilities;
  for (const c of CAPABILITIES) {
    const lacking = req[c].filter((n) => !has(n));
    may[c] = lacking.length === 0;
    for (const n of lacking) if (!missing.includes(n.anyOf[0]!)) missing.push(n.anyOf[0]!);
  }
  return { may, missing };
}

export interface Lacking {
  privilege: string;
  /** The other privileges that would do instead (SUPER). */
  instead: string[];
  /** The recovery statements that fail without it. */
  statements: string[];
}

/** Which of the `missing` privileges `capabilities` need, and the statements each would allow. */
export function lackingFor(flavor: Flavor, version: ServerVersion | undefined, missing: readonly string[], capabilities: readonly Capability[]): Lacking[] {
  const req = requirements(flavor, version);
  const out: Lacking[] = [];
  for (const n of capabilities.flatMap((c) => req[c])) {
    const [privilege, ...instead] = n.anyOf as [string, ...string[]];
    if (!missing.includes(privilege)) continue;
    const known = out.find((l) => l.privilege === privilege);
    if (known === undefined) out.push({ privilege, instead, statements: [n.statements] });
    else if (!known.statements.includes(n.statements)) known.statements.push(n.statements);
  }
  return out;
}
