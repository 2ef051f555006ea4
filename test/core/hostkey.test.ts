import { describe, expect, it } from 'vitest';
import { canonicalHost, formatHostKey, parseHostKey } from '../../src/policy/hostkey.js';

describe('parseHostKey', () => {
  it('adds the default port to a host without one', () => {
    expect(parseHostKey('db1', 3306)).toEqual({ host: 'db1', name: 'db1', port: 3306, key: 'db1:3306' });
    expect(parseHostKey('db1', 3307)?.key).toBe('db1:3307');
    expect(parseHostKey('rha-orc-01', 10008)?.key).toBe('rha-orc-01:10008');
  });

  it('keeps an explicit port and lower-cases the host name', () => {
    expect(parseHostKey('DB1.Example.COM:3307', 3306)).toEqual({ host: 'db1.example.com', name: 'DB1.Example.COM', port: 3307, key: 'db1.example.com:3307' });
    expect(parseHostKey('10.0.0.141:3306', 3306)?.key).toBe('10.0.0.141:3306');
  });

  it('reads bracketed IPv6 with and without a port, and writes it back in brackets', () => {
    expect(parseHostKey('[::1]', 3306)).toEqual({ host: '::1', name: '::1', port: 3306, key: '[::1]:3306' });
    expect(parseHostKey('[::1]:3307', 3306)?.key).toBe('[::1]:3307');
    expect(parseHostKey('[2001:DB8::1]:3306', 3306)?.key).toBe('[2001:db8::1]:3306');
  });

  it('reads a bare IPv6 address as a host without a port', () => {
    expect(parseHostKey('2001:db8::1', 3306)).toEqual({ host: '2001:db8::1', name: '2001:db8::1', port: 3306, key: '[2001:db8::1]:3306' });
  });

  it('normalises spellings of one host to one key', () => {
    const keys = ['db2', 'DB2', 'db2:3306', 'Db2:03306'].map((t) => parseHostKey(t, 3306)?.key);
    expect(new Set(keys)).toEqual(new Set(['db2:3306']));
  });

  it('rejects ports outside 1-65535, empty parts and non-numeric ports', () => {
    for (const text of ['db1:0', 'db1:70000', 'db1:65536', 'db1:', ':3306', '', '[::1]:0', '[::1]:99999', 'db1:abc', 'db1:-1']) {
      expect(parseHostKey(text, 3306), text).toBeUndefined();
    }
    expect(parseHostKey('db1:65535', 3306)?.port).toBe(65535);
    expect(parseHostKey('db1:1', 3306)?.port).toBe(1);
  });
});

describe('canonical keys: one host, one key', () => {
  const same = (spellings: string[], key: string, defaultPort = 3306) => {
    for (const s of spellings) expect(parseHostKey(s, defaultPort)?.key, s).toBe(key);
  };

  it('writes every spelling of an IPv6 address as RFC 5952 does: compressed, lower-case, no leading zeros', () => {
    same(['[::1]', '[::1]:3306', '[0:0:0:0:0:0:0:1]', '[::0001]', '[0000::1]:3306', '::1', '0:0:0:0:0:0:0:1'], '[::1]:3306');
    same(['[2001:DB8::1]', '[2001:0db8:0000:0000:0000:0000:0000:0001]:3306', '[2001:db8:0:0::1]', '2001:Db8::0:1'], '[2001:db8::1]:3306');
    same(['[fe80:0:0:0:1:0:0:0]:3307', '[FE80::1:0:0:0]:3307'], '[fe80::1:0:0:0]:3307');
    same(['[2001:db8:0:1:1:1:1:1]'], '[2001:db8:0:1:1:1:1:1]:3306');
  });

  it('reads an IPv4-mapped IPv6 address as the IPv4 host it maps to, in any spelling', () => {
    same(['[::ffff:127.0.0.1]', '[::FFFF:127.0.0.1]:3306', '[::ffff:7f00:1]', '[0:0:0:0:0:ffff:7f00:0001]', '127.0.0.1', '127.0.0.1:3306'], '127.0.0.1:3306');
    same(['[::ffff:10.0.0.141]:3307', '10.0.0.141:3307'], '10.0.0.141:3307');
    // IPv4-compatible (deprecated, not mapped) addresses are IPv6 hosts of their own.
    expect(parseHostKey('[::127.0.0.1]', 3306)?.key).toBe('[::7f00:1]:3306');
  });

  it('writes IPv4 in dotted decimal, as the C resolver reads short, hex and octal forms', () => {
    same(['127.0.0.1', '127.1', '127.0.1', '0x7f.0.0.1', '0x7F000001', '2130706433', '0177.0.0.1'], '127.0.0.1:3306');
    expect(parseHostKey('010.0.0.1', 3306)?.key).toBe('8.0.0.1:3306');
    expect(parseHostKey('10.0.0.1.', 3306)?.key).toBe('10.0.0.1:3306');
  });

  it('lower-cases host names and keeps everything else of them', () => {
    same(['DB1.Example.COM', 'db1.example.com:3306', 'Db1.EXAMPLE.com:03306'], 'db1.example.com:3306');
    expect(parseHostKey('db_1-x', 3306)?.key).toBe('db_1-x:3306');
    expect(parseHostKey('1db', 3306)?.key).toBe('1db:3306');
    expect(parseHostKey('db.1x', 3306)?.key).toBe('db.1x:3306');
  });

  it('implies the default port given, and keeps distinct ports and hosts distinct', () => {
    same(['[::1]', '[::1]:3307'], '[::1]:3307', 3307);
    const keys = ['[::1]', '[::1]:3307', '[::2]', '127.0.0.1', '127.0.0.2', 'db1', 'db1:3307', 'db10'].map((t) => parseHostKey(t, 3306)?.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('rejects what names no host: IPv6 that is no address, numeric names that are no IPv4 address', () => {
    for (const text of ['[1:2]', '[1:2:3:4:5:6:7:8:9]', '[::1::2]', '1:2:3', '[:::]', '999.1.1.1', '10.0.0.1.5', '256.0.0.1:3306', '1.2.3.4.5', 'db.4294967296']) {
      expect(parseHostKey(text, 3306), text).toBeUndefined();
    }
  });

  it('keeps the host as written as its name, for engines that compare names as strings', () => {
    expect(parseHostKey('[2001:0DB8::1]:3307', 3306)).toEqual({ host: '2001:db8::1', name: '2001:0DB8::1', port: 3307, key: '[2001:db8::1]:3307' });
    expect(parseHostKey('Rha-DB-01', 3306)?.name).toBe('Rha-DB-01');
    expect(parseHostKey('127.1:3310', 3306)).toEqual({ host: '127.0.0.1', name: '127.1', port: 3310, key: '127.0.0.1:3310' });
  });

  it('is idempotent: a canonical host is its own canonical form', () => {
    for (const text of ['::1', '0:0:0:0:0:0:0:1', '::ffff:7f00:1', '127.1', 'DB1', '2001:DB8::1', '0x7f.1']) {
      const once = canonicalHost(text);
      expect(once, text).toBeDefined();
      expect(canonicalHost(once!), text).toBe(once);
    }
  });
});

describe('formatHostKey', () => {
  it('brackets IPv6 hosts only', () => {
    expect(formatHostKey('db1', 3306)).toBe('db1:3306');
    expect(formatHostKey('fd00::1', 3306)).toBe('[fd00::1]:3306');
  });
});
