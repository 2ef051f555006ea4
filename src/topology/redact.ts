import type { Instance } from './model.js';

/**
 * Removes secrets from text a server or an engine reports: every topology passes through
 * `makeTopology`, which applies this to each error text, so no output (findings, snapshots,
 * simulations) can carry them. `Last_SQL_Error` quotes the
 * statement that failed, and that statement can carry a password (`CREATE USER … IDENTIFIED BY
 * '…'`, `CHANGE MASTER TO … MASTER_PASSWORD='…'`, `SET PASSWORD = PASSWORD('…')`); a connection
 * error can carry a URL with credentials. Each is replaced by `*****`, the quoting kept.
 */
const QUOTED = String.raw`(?:'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*")`;

const PATTERNS: RegExp[] = [
  // IDENTIFIED BY 'pw', IDENTIFIED BY PASSWORD 'hash', IDENTIFIED WITH plugin BY|AS 'x', IDENTIFIED VIA plugin USING 'x'
  new RegExp(String.raw`(\bIDENTIFIED\b(?:\s+(?:WITH|VIA)\s+\S+)?\s+(?:BY|AS|USING)(?:\s+PASSWORD)?\s*)${QUOTED}`, 'gi'),
  // PASSWORD('pw'), OLD_PASSWORD('pw')
  new RegExp(String.raw`(\bPASSWORD\s*\(\s*)${QUOTED}`, 'gi'),
  // MASTER_PASSWORD = 'pw', SOURCE_PASSWORD='pw', SET PASSWORD = 'pw', password=pw; not MySQL's "(using password: YES)"
  new RegExp(String.raw`(\b\w*PASSWORD\w*\s*[=:]\s*)(?!(?:YES|NO)\b)(?:${QUOTED}|[^\s,;'")]+)`, 'gi'),
  // scheme://user:pw@host
  /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]*(@)/gi,
];

export function redactSecrets(text: string): string {
  let out = text;
  for (const p of PATTERNS) {
    out = out.replace(p, (match: string, prefix: string, at?: string) => {
      const secret = match.slice(prefix.length, typeof at === 'string' ? match.length - at.length : undefined);
      if (/^\*+$/.test(secret) || /^['"]\*+['"]$/.test(secret)) return match;
      const quote = secret[0] === "'" || secret[0] === '"' ? secret[0] : '';
      return `${prefix}${quote}*****${quote}${typeof at === 'string' ? at : ''}`;
    });
  }
  return out;
}

/** A copy of `i` with every error text it carries passed through `redactSecrets`. */
export function withoutSecrets(i: Instance): Instance {
  const out: Instance = { ...i };
  if (i.error !== undefined) out.error = redactSecrets(i.error);
  if (i.metaError !== undefined) out.metaError = redactSecrets(i.metaError);
  if (i.replication) out.replication = { ...i.replication, lastIoError: redactSecrets(i.replication.lastIoError), lastSqlError: redactSecrets(i.replication.lastSqlError) };
  if (i.orchestratorUser?.error !== undefined) out.orchestratorUser = { ...i.orchestratorUser, error: redactSecrets(i.orchestratorUser.error) };
  return out;
}
