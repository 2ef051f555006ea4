import { describe, expect, it } from 'vitest';
import { formatHostKey, parseHostKey } from '../../src/policy/hostkey.js';

describe('parseHostKey', () => {
  it('adds the default port to a host without one', () => {
    expect(parseHostKey('db1', 3306)).toEqual({ host: 'db1', port: 3306, key: 'db1:3306' });
    expect(parseHostKey('db1', 3307)?.key).toBe('db1:3307');
    expect(parseHostKey('rha-orc-01', 10008)?.key).toBe('rha-orc-01:10008');
  });

  it('keeps an explicit port and lower-cases the host name', () => {
    expect(parseHostKey('DB1.Example.COM:3307', 3306)).toEqual({ host: 'db1.example.com', port: 3307, key: 'db1.example.com:3307' });
    expect(parseHostKey('10.0.0.141:3306', 3306)?.key).toBe('10.0.0.141:3306');
  });

  it('reads bracketed IPv6 with and without a port, and writes it back in brackets', () => {
    expect(parseHostKey('[::1]', 3306)).toEqual({ host: '::1', port: 3306, key: '[::1]:3306' });
    expect(parseHostKey('[::1]:3307', 3306)?.key).toBe('[::1]:3307');
    expect(parseHostKey('[2001:DB8::1]:3306', 3306)?.key).toBe('[2001:db8::1]:3306');
    expect(parseHostKey('[::ffff:10.0.0.1]:3306', 3306)?.key).toBe('[::ffff:10.0.0.1]:3306');
  });

  it('reads a bare IPv6 address as a host without a port', () => {
    expect(parseHostKey('2001:db8::1', 3306)).toEqual({ host: '2001:db8::1', port: 3306, key: '[2001:db8::1]:3306' });
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

describe('formatHostKey', () => {
  it('brackets IPv6 hosts only', () => {
    expect(formatHostKey('db1', 3306)).toBe('db1:3306');
    expect(formatHostKey('fd00::1', 3306)).toBe('[fd00::1]:3306');
  });
});
