import type { Instance, ReplicationState } from '../topology/model.js';

/**
 * What is wrong with a replica's stream, in two kinds that call for different repairs: the IO
 * thread cannot reach the source (`Slave_IO_Running: Connecting`: the source is down, refuses the
 * replication user, or is unroutable), or a thread stopped (an error, or STOP SLAVE). Error texts
 * come from the servers and may quote a failed statement: `makeTopology` has already removed
 * any password from them (topology/redact.ts).
 */

/** The error of one thread as text: `error 1062: …`; orchestrator reports the text without a number. */
function errorText(errno: number | undefined, text: string): string | undefined {
  const t = text.trim();
  if ((errno ?? 0) === 0 && t === '') return undefined;
  return (errno ?? 0) !== 0 ? `error ${errno}${t === '' ? '' : `: ${t}`}` : t;
}

export function ioError(r: ReplicationState): string | undefined {
  return errorText(r.lastIoErrno, r.lastIoError);
}

export function sqlError(r: ReplicationState): string | undefined {
  return errorText(r.lastSqlErrno, r.lastSqlError);
}

/**
 * Why `i` cannot reach its source, or undefined when its IO thread is not stuck connecting. Names
 * the source, the replica's own connection error, and discovery's error when it could not read
 * the source either.
 */
export function sourceUnreachable(i: Instance, byKey: ReadonlyMap<string, Instance>): string | undefined {
  const r = i.replication;
  if (!r || !cannotConnect(r)) return undefined;
  const source = i.source ?? `${r.sourceHost}:${r.sourcePort}`;
  const io = ioError(r);
  const seen = i.source !== undefined ? byKey.get(i.source) : undefined;
  const state = r.ioThread === 'connecting' ? `its IO thread is still connecting to ${source}` : `its IO thread gave up connecting to ${source} and stopped`;
  const parts = [state, io ? `last IO error: ${io}` : 'no error reported yet'];
  if (seen && !seen.reachable) parts.push(`succession could not read ${source} either (${seen.error ?? 'unreachable'})`);
  return parts.join('; ');
}

/**
 * Client errors of a connection that never got through: access denied, no such host, connection
 * refused or timed out.
 */
const CONNECT_ERRNOS: ReadonlySet<number> = new Set([1045, 2003, 2005]);

/**
 * The IO thread cannot reach the source: still connecting, or stopped once its connection retries
 * ran out (`MASTER_RETRY_COUNT`), with an error of connecting, by number or by the text both
 * MariaDB and MySQL write ("error connecting to master/source", "error reconnecting to …").
 */
export function cannotConnect(r: ReplicationState): boolean {
  if (r.ioThread === 'connecting') return true;
  if (r.ioThread !== 'no') return false;
  return (r.lastIoErrno !== undefined && CONNECT_ERRNOS.has(r.lastIoErrno)) || /\berror (?:re)?connecting to (?:master|source)\b/i.test(r.lastIoError);
}

/**
 * The stopped threads and their errors, or [] when both run. An IO thread that cannot reach its
 * source is not counted here (`sourceUnreachable` says so), but a SQL thread stopped beside it is.
 */
export function stoppedReplication(r: ReplicationState): string[] {
  const out: string[] = [];
  const unreachable = cannotConnect(r);
  if (r.ioThread === 'no' && !unreachable) out.push('IO thread stopped');
  if (r.sqlThread !== 'yes') out.push('SQL thread stopped');
  const io = unreachable ? undefined : ioError(r);
  if (io) out.push(`IO ${io}`);
  const sql = sqlError(r);
  if (sql) out.push(`SQL ${sql}`);
  return out;
}

/** A stop with an error is a failure; without one it was most likely asked for (STOP SLAVE). */
export function failedWithError(r: ReplicationState): boolean {
  return (!cannotConnect(r) && ioError(r) !== undefined) || sqlError(r) !== undefined;
}
