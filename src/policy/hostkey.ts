import { isIP } from 'node:net';

/** A parsed `host:port`. */
export interface HostKey {
  /** Canonical host (see canonicalHost). */
  host: string;
  /** The host as written, without brackets or port: the name a server reports as its report_host. */
  name: string;
  port: number;
  /** Canonical `host:port`, IPv6 in brackets: the one form every comparison of hosts uses. */
  key: string;
}

/**
 * Parses and canonicalises a host key: `db1`, `db1:3307`, `[::1]`, `[::1]:3306`, and a bare IPv6
 * address (several colons, no brackets) which cannot carry a port. Undefined when the text is not
 * a host key: a bad port, an empty host, or an address that is no address (`[1:2]`, `999.1.1.1`).
 */
export function parseHostKey(text: string, defaultPort: number): HostKey | undefined {
  let host: string;
  let portText: string | undefined;
  // why: the checks below run for every host of every cluster on each build; they avoid a regexp
  // and an array where the first character or two indexOf calls decide.
  const bracketed = text.startsWith('[') ? /^\[([0-9A-Fa-f:.]+)\](?::([0-9]{1,5}))?$/.exec(text) : null;
  const colon = text.indexOf(':');
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else if (colon >= 0 && text.indexOf(':', colon + 1) >= 0) {
    host = text;
  } else {
    const i = text.lastIndexOf(':');
    host = i < 0 ? text : text.slice(0, i);
    portText = i < 0 ? undefined : text.slice(i + 1);
  }
  const port = portText === undefined ? defaultPort : Number(portText);
  if (portText === '' || !Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  const canonical = canonicalHost(host);
  return canonical === undefined ? undefined : { host: canonical, name: host, port, key: formatHostKey(canonical, port) };
}

/**
 * The one spelling of a host that comparisons use, or undefined when it names no host:
 * - IPv6 compressed and lower-case as RFC 5952 writes it (`0:0:0:0:0:0:0:1`, `::0001` → `::1`);
 *   an IPv4-mapped address (`::ffff:127.0.0.1`, `::ffff:7f00:1`) is the IPv4 host it maps to,
 *   which is where a connection to it goes on a dual-stack host;
 * - IPv4 in dotted decimal, read as the C resolver (`inet_aton`, which MySQL clients use) reads
 *   it: `127.1` and `0x7f.0.0.1` are 127.0.0.1, and `010.0.0.1` is octal, 8.0.0.1;
 * - a host name in lower case (DNS names are case-insensitive).
 */
export function canonicalHost(host: string): string | undefined {
  if (host === '') return undefined;
  if (host.includes(':')) {
    if (isIP(host) !== 6) return undefined;
    // why: the WHATWG URL parser is the maintained RFC 5952 serialiser node ships with.
    const ipv6 = new URL(`http://[${host}]/`).hostname.slice(1, -1);
    const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ipv6);
    if (!mapped) return ipv6;
    const hi = parseInt(mapped[1]!, 16);
    const lo = parseInt(mapped[2]!, 16);
    return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
  }
  if (!endsInNumber(host)) return host.toLowerCase();
  try {
    // why: a name whose last label is a number is an IPv4 address to the resolver; the URL
    // parser reads it the same way (short, octal and hex forms) and rejects what is none.
    return new URL(`http://${host}/`).hostname;
  } catch {
    return undefined;
  }
}

/** WHATWG's "ends in a number": the last label (a trailing dot aside) is decimal or 0x-hex. */
function endsInNumber(host: string): boolean {
  let end = host.length;
  if (host.endsWith('.')) end--;
  const last = host.slice(host.lastIndexOf('.', end - 1) + 1, end);
  return /^([0-9]+|0[xX][0-9a-fA-F]*)$/.test(last);
}

/** `host:port` with IPv6 hosts in brackets; the host is taken as given. */
export function formatHostKey(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
