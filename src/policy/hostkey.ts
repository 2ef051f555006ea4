/** A parsed `host:port`. */
export interface HostKey {
  host: string;
  port: number;
  /** Canonical `host:port`, lower-case host, IPv6 in brackets. */
  key: string;
}

/**
 * Parses and normalises a host key: `db1`, `db1:3307`, `[::1]`, `[::1]:3306`, and a bare IPv6
 * address (several colons, no brackets) which cannot carry a port.
 */
export function parseHostKey(text: string, defaultPort: number): HostKey | undefined {
  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([0-9A-Fa-f:.]+)\](?::([0-9]{1,5}))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if ((text.match(/:/g) ?? []).length > 1) {
    host = text;
  } else {
    const i = text.lastIndexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
  }
  if (host === '') return undefined;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  host = host.toLowerCase();
  return { host, port, key: formatHostKey(host, port) };
}

export function formatHostKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
