import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_PROTOCOLS, DEFAULT_REDIRECT_PROTOCOLS, checkProtocol, parseProtocols } from '../../src/cli/proto.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { curl, dial, startServer } from './helpers.js';

const parse = (list: string, base: readonly string[] = ALL_PROTOCOLS, warn: (l: string) => void = () => {}) => [...parseProtocols('proto', list, base, warn)].sort();

describe('parseProtocols: curl\'s list syntax', () => {
  test('+ adds (the default), - removes, = keeps only what follows; all; names without regard to case; empty entries skipped', () => {
    assert.deepEqual(parse('=http,https'), ['http', 'https']);
    assert.deepEqual(parse('-all,https,+HTTP'), ['http', 'https']);
    assert.deepEqual(parse('-all,,http'), ['http']);
    assert.deepEqual(parse('=-http'), []);
    assert.deepEqual(parse('ftp,=https,+ldap'), ['https', 'ldap']);
    assert.deepEqual(parse('-ftps', DEFAULT_REDIRECT_PROTOCOLS), ['ftp', 'http', 'https']);
    assert.deepEqual(parse('+gopher', DEFAULT_REDIRECT_PROTOCOLS), ['ftp', 'ftps', 'gopher', 'http', 'https']);
    assert.equal(parse('all', DEFAULT_REDIRECT_PROTOCOLS).length, ALL_PROTOCOLS.length);
  });

  test('an unknown name is a warning and skipped; a modifier with no name is exit 2', () => {
    const warnings: string[] = [];
    assert.deepEqual(parse('=http,bogus', ALL_PROTOCOLS, (l) => warnings.push(l)), ['http']);
    assert.deepEqual(warnings, ["Warning: unrecognized protocol 'bogus'"]);
    for (const bad of ['+', '-', 'http,=', '-all,=,http'])
      assert.throws(() => parse(bad), (e: unknown) => e instanceof CliExit && e.exitCode === 2, bad);
  });

  test('checkProtocol: exit 1 for a scheme outside the set; no set allows all', () => {
    assert.throws(() => checkProtocol('http', new Set(['https'])), (e: unknown) => e instanceof CliExit && e.exitCode === 1 && /"http"/.test(e.message));
    checkProtocol('http', new Set(['http']));
    checkProtocol('gopher', undefined);
  });
});

describe('beside curl', () => {
  test('--proto: a refused scheme is exit 1 and nothing is sent; an allowed one goes', async () => {
    const srv = await startServer();
    try {
      for (const [list, code] of [['=https', 1], ['-all,+https', 1], ['-http', 1], ['=http,https', 0], ['-all,HTTP', 0], ['-ftp', 0]] as const) {
        const args = ['-s', '-o', '/dev/null', '--proto', list, srv.url('/hello')];
        const [d, c] = await Promise.all([dial(args), curl(args)]);
        assert.deepEqual([d.code, c.code], [code, code], list);
      }
      assert.equal(srv.requests.length, 6);
      // The last --proto given wins.
      const last = ['-s', '-o', '/dev/null', '--proto', '=file', '--proto', '-ftp', srv.url('/hello')];
      const [d, c] = await Promise.all([dial(last), curl(last)]);
      assert.deepEqual([d.code, c.code], [0, 0]);
    } finally {
      await srv.close();
    }
  });

  test('--proto-redir (and --proto) decide where -L may go: a refused hop is exit 1 and is never connected to', async () => {
    const srv = await startServer();
    const other = await startServer();
    try {
      const to = (u: string) => srv.url(`/moved?to=${encodeURIComponent(u)}`);
      for (const [flags, url, code] of [
        [['--proto-redir', '=https'], to(other.url('/hello')), 1],
        [['--proto-redir', '-all,http'], to(other.url('/hello')), 0],
        [['--proto', '=http', '--proto-redir', 'all'], to(`https://127.0.0.1:${other.port}/`), 1],
        [['--proto-redir', '-ftp'], to(`ftp://127.0.0.1:${other.port}/f`), 1],
        [['--proto', '-http'], to(other.url('/hello')), 1],
        // Without either option: curl's default redirect protocols, and another scheme is exit 1 too.
        [[], to(`gopher://127.0.0.1:${other.port}/`), 1],
      ] as const) {
        const args = ['-s', '-o', '/dev/null', '-L', ...flags, url];
        const before = other.requests.length;
        const [d, c] = await Promise.all([dial(args), curl(args)]);
        assert.deepEqual([d.code, c.code], [code, code], flags.join(' '));
        if (code !== 0) assert.equal(other.requests.length, before, flags.join(' '));
      }
    } finally {
      await Promise.all([srv.close(), other.close()]);
    }
  });

  test('an unknown protocol is curl\'s warning on stderr; a bad list exit 2', async () => {
    const srv = await startServer();
    try {
      const [d, c] = await Promise.all([dial(['-o', '/dev/null', '--proto', '=http,bogus', srv.url('/hello')]), curl(['-o', '/dev/null', '--proto', '=http,bogus', srv.url('/hello')])]);
      assert.deepEqual([d.code, c.code], [0, 0]);
      for (const r of [d, c]) assert.match(r.stderr, /Warning: unrecognized protocol 'bogus'/);
      const bad = ['-s', '--proto', '-all,=,http', srv.url('/hello')];
      const [bd, bc] = await Promise.all([dial(bad), curl(bad)]);
      assert.deepEqual([bd.code, bc.code], [2, 2]);
    } finally {
      await srv.close();
    }
  });
});
