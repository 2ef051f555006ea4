import type mysql from 'mysql2/promise';
import type { Instance, OrchestratorUser } from './model.js';
import { closeQuietly, describeError, isFatal, openConnection, scrub, str, type Row, type TlsSettings } from './mysql-connection.js';
import { interpretGrants } from './privileges.js';

/**
 * A server as orchestrator sees it, read over a connection as orchestrator's own topology user:
 * its grants (what a recovery may change) and its answers to the generated Detect queries.
 */

/** The generated Detect queries, each a single `SELECT` of one value. */
export interface OrchestratorQueries {
  promotionRule: string;
  semiSyncPriority: string;
  dataCenter: string;
}

/** What a server answers to orchestrator's Detect queries, or why they fail there. */
export interface MetaReading {
  promotionRule?: string;
  semiSyncPriority?: number;
  dataCenter?: string;
  error?: string;
}

export interface OrchestratorLogin {
  user: string;
  password: string;
}

/** orchestrator's user's own SHOW GRANTS rows, or why it could not log in. */
export type GrantsReading = { user: string; rows: string[] } | { user: string; error: string };

/** As orchestrator's user, about itself: needs no privilege. */
export const SHOW_GRANTS = 'SHOW GRANTS';

/** Server errors that deny a statement to the user running it (table, column, database access). */
const ACCESS_DENIED = new Set([1044, 1142, 1143]);

/** Whether `e` says the user may not read the table, rather than that the table is missing or broken. */
export function isAccessDenied(e: unknown): boolean {
  return ACCESS_DENIED.has((e as { errno?: number }).errno ?? 0);
}

/** Runs the three Detect queries over `query`; a statement error is thrown for the caller to judge. */
export async function readMeta(query: (sql: string) => Promise<Row[]>, q: OrchestratorQueries): Promise<MetaReading> {
  const one = async (sql: string) => {
    const rows = await query(sql);
    const first = rows[0] ? Object.values(rows[0])[0] : undefined;
    return first === undefined || first === null ? '' : String(first);
  };
  const [rule, priority, dc] = [await one(q.promotionRule), await one(q.semiSyncPriority), await one(q.dataCenter)];
  return { promotionRule: rule, semiSyncPriority: Number(priority) || 0, ...(dc !== '' ? { dataCenter: dc } : {}) };
}

/**
 * Logs in as orchestrator's user and reads its grants, and the Detect queries when given: what
 * orchestrator runs, as orchestrator runs it, so a query it may not run fails here too. A failed
 * login is recorded, not thrown; `secrets` are scrubbed from every message.
 */
export async function readAsOrchestrator(
  host: string,
  port: number,
  login: OrchestratorLogin,
  tls: TlsSettings | undefined,
  queries: OrchestratorQueries | undefined,
  timeouts: { connectMs: number; queryMs: number },
  secrets: (string | undefined)[] = [],
): Promise<{ grants: GrantsReading; meta?: MetaReading }> {
  const clean = (m: string) => [login.password, ...secrets].reduce<string>((acc, s) => scrub(acc, s), m);
  let conn: mysql.Connection | undefined;
  try {
    conn = await openConnection(host, port, login.user, login.password, tls, timeouts.connectMs);
    const c = conn;
    const query = async (sql: string): Promise<Row[]> => (await c.query({ sql, timeout: timeouts.queryMs }))[0] as Row[];
    const grants = { user: login.user, rows: (await query(SHOW_GRANTS)).map((r) => str(Object.values(r)[0])) };
    let meta: MetaReading | undefined;
    if (queries) {
      try {
        meta = await readMeta(query, queries);
      } catch (e) {
        if (isFatal(e)) throw e;
        meta = { error: clean((e as Error).message) };
      }
    }
    await closeQuietly(conn);
    return { grants, ...(meta ? { meta } : {}) };
  } catch (e) {
    conn?.destroy();
    return { grants: { user: login.user, error: clean(describeError(e, login.password, timeouts.connectMs, timeouts.queryMs)) } };
  }
}

/** What orchestrator's user may do, from its grants, for a server of this flavor and version. */
export function userOf(g: GrantsReading, instance: Pick<Instance, 'flavor' | 'version'>): OrchestratorUser {
  return 'error' in g ? { user: g.user, error: g.error } : { user: g.user, ...interpretGrants(instance.flavor ?? 'mysql', instance.version, g.rows) };
}

/**
 * What orchestrator's user may do on each reachable instance of a topology read elsewhere (from
 * orchestrator's API), over a connection of its own per server.
 */
export async function orchestratorUsers(instances: readonly Instance[], login: OrchestratorLogin, timeouts: { connectMs: number; queryMs: number }): Promise<Map<string, OrchestratorUser>> {
  const out = new Map<string, OrchestratorUser>();
  await Promise.all(
    instances
      .filter((i) => i.reachable)
      .map(async (i) => {
        const { grants } = await readAsOrchestrator(i.host, i.port, login, undefined, undefined, timeouts);
        out.set(i.key, userOf(grants, i));
      }),
  );
  return out;
}
