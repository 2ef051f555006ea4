import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseOrchestratorCredentials, readOrchestratorCredentials } from '../../src/topology/orchestrator-credentials.js';

const parse = (text: string, env: NodeJS.ProcessEnv = {}) => parseOrchestratorCredentials('topology.cnf', text, env);
const error = (text: string, env: NodeJS.ProcessEnv = {}): string => {
  try {
    parse(text, env);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
};

// The values and errors follow gcfg as orchestrator 3.2.6 vendors it (gopkg.in/gcfg.v1 scanner
// and unquote).
describe('orchestrator topology credentials (gcfg)', () => {
  it('reads [client] user and password, names case-insensitive, blanks and comments around them', () => {
    expect(parse('# orchestrator topology user\n[client]\n  USER = orc  ; the account\nPassword=s3cret\n')).toEqual({ user: 'orc', password: 's3cret' });
    expect(parse('[Client]\r\nuser=orc\r\npassword=pw\r\n')).toEqual({ user: 'orc', password: 'pw' });
    expect(parse('\ufeff[client]\nuser=orc\n')).toEqual({ user: 'orc', password: '' });
  });

  it('an unquoted # or ; ends the value; in double quotes both are kept', () => {
    expect(parse('[client]\nuser=orc\npassword=Topo#pw;7f3a\n').password).toBe('Topo');
    expect(parse('[client]\nuser=orc\npassword=Topo;pw\n').password).toBe('Topo');
    expect(parse('[client]\nuser=orc\npassword="Topo#pw;7f3a"  # quoted\n').password).toBe('Topo#pw;7f3a');
  });

  it('quotes and escapes as gcfg resolves them; single quotes are ordinary characters', () => {
    expect(parse(`[client]\nuser=orc\npassword='pw'\n`).password).toBe("'pw'");
    expect(parse('[client]\nuser=orc\npassword="a\\"b\\\\c\\td\\ne"\n').password).toBe('a"b\\c\td\ne');
    expect(parse('[client]\nuser=orc\npassword=a\\"b\n').password).toBe('a"b');
    expect(parse('[client]\nuser=orc\npassword="a b" c "d"  \n').password).toBe('a b c d');
    expect(parse('[client]\nuser=orc\npassword=abc\\\ndef\n').password).toBe('abcdef');
    expect(parse('[client]\nuser=orc\npassword=\n').password).toBe('');
  });

  it('the last of repeated settings wins, across repeated [client] sections', () => {
    expect(parse('[client]\nuser=a\npassword=x\n[client]\nuser=b\n')).toEqual({ user: 'b', password: 'x' });
  });

  it('a ${NAME} password comes from the environment, as orchestrator does', () => {
    expect(parse('[client]\nuser=orc\npassword=${ORC_TOPOLOGY_PASSWORD}\n', { ORC_TOPOLOGY_PASSWORD: 'from-env' }).password).toBe('from-env');
    expect(error('[client]\nuser=orc\npassword=${ORC_TOPOLOGY_PASSWORD}\n')).toBe(
      'topology.cnf:3:10: the password is the environment variable ORC_TOPOLOGY_PASSWORD, which is not set here (orchestrator takes it from its own environment)',
    );
  });

  it('what orchestrator refuses is an error with its line and column', () => {
    expect(error('[client]\nuser=orc\nhost=db1\n')).toBe('topology.cnf:3:1: unknown variable "host" in [client]: orchestrator reads only user and password, and orchestrator refuses to start with this file');
    expect(error('[client]\nuser=orc\n[mysqld]\n')).toMatch(/^topology\.cnf:3:1: section "mysqld" is not \[client\]/);
    expect(error('[client "x"]\nuser=orc\n')).toMatch(/^topology\.cnf:1:1: section "client "…"" is not \[client\]/);
    expect(error('user=orc\n')).toMatch(/^topology\.cnf:1:1: expected a section header before "user"/);
    expect(error('[client]\nuser=orc\npassword\n')).toMatch(/^topology\.cnf:3:1: "password" has no value/);
    expect(error('[client]\nuser orc\n')).toMatch(/^topology\.cnf:2:6: expected "=" after "user"/);
    expect(error('[client]\nuser=orc\npassword="open\n')).toMatch(/^topology\.cnf:3:10: unterminated string/);
    expect(error('[client]\nuser=orc\npassword="a\\qb"\n')).toMatch(/^topology\.cnf:3:12: unknown escape sequence/);
    expect(error('[client]\nuser=orc\npassword=a\\b\n')).toMatch(/^topology\.cnf:3:11: a "\\" outside quotes must end the line/);
    expect(error('[client\nuser=orc\n')).toMatch(/^topology\.cnf:1:8: expected "\]"/);
    expect(error('[client]\n=orc\n')).toMatch(/^topology\.cnf:2:1: expected a section header or a variable/);
  });

  it('a file without a user is an error: orchestrator would log in with an empty user name', () => {
    expect(error('[client]\npassword=pw\n')).toBe('topology.cnf: no user in [client] (orchestrator would log in with an empty user name)');
    expect(error('')).toMatch(/no user in \[client\]/);
  });

  it('never puts the password in a message', () => {
    for (const text of ['[client]\nuser=orc\npassword="s3cret\n', '[client]\nuser=orc\npassword=s3cret\\x\n', '[client]\nuser=orc\npassword="s3\\qcret"\n']) {
      expect(error(text)).not.toContain('s3');
    }
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'succession-orc-cred-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads a file; an unreadable one is an error naming it', () => {
      const path = join(dir, 'topology.cnf');
      writeFileSync(path, '[client]\nuser=orc\npassword="pw#1"\n');
      expect(readOrchestratorCredentials(path, {})).toEqual({ user: 'orc', password: 'pw#1' });
      expect(() => readOrchestratorCredentials(join(dir, 'missing.cnf'), {})).toThrow(`cannot read orchestrator credentials file ${join(dir, 'missing.cnf')}: no such file or directory`);
      if (process.getuid?.() !== 0) {
        chmodSync(path, 0o000);
        expect(() => readOrchestratorCredentials(path, {})).toThrow(`cannot read orchestrator credentials file ${path}: permission denied`);
      }
    });
  });
});
