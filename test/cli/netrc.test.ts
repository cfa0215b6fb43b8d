import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_NETRC_BYTES, netrcCredentials, netrcLogin, parseNetrc, readNetrc } from '../../src/cli/netrc.js';
import { curl, dial, echo, startServer, tempDir } from './helpers.js';

const FILE = `# a comment line
machine Example.ORG login ann password one
machine example.org login bob password two
macdef init
cd /pub
binary

machine quoted.example login "a b" password "p\\"w\\\\x y"
machine [::1] login six password v6
default login anonymous password me@
`;

test('parseNetrc: entries in order; comments and macros skipped; quoted tokens with escapes', () => {
  assert.deepEqual(parseNetrc(FILE), [
    { machine: 'Example.ORG', login: 'ann', password: 'one' },
    { machine: 'example.org', login: 'bob', password: 'two' },
    { machine: 'quoted.example', login: 'a b', password: 'p"w\\x y' },
    { machine: '[::1]', login: 'six', password: 'v6' },
    { machine: undefined, login: 'anonymous', password: 'me@' },
  ]);
  assert.deepEqual(parseNetrc('machine h login u password p account acct'), [{ machine: 'h', login: 'u', password: 'p' }]);
  assert.deepEqual(parseNetrc(''), []);
});

test('netrcCredentials: the first entry for the host (any case), or the one with the URL’s login; default for other hosts', () => {
  const e = parseNetrc(FILE);
  assert.deepEqual(netrcCredentials(e, 'example.org'), { user: 'ann', password: 'one' });
  assert.deepEqual(netrcCredentials(e, 'EXAMPLE.org', 'bob'), { user: 'bob', password: 'two' });
  assert.deepEqual(netrcCredentials(e, 'elsewhere'), { user: 'anonymous', password: 'me@' });
  assert.equal(netrcCredentials(e, 'example.org', 'carol'), undefined, 'no entry for that login, and default is another login');
  assert.equal(netrcCredentials(parseNetrc('machine h login u password p'), 'other'), undefined);
});

test('netrcLogin: by the URL’s host and login; --netrc-optional leaves a URL with a password alone', () => {
  const e = parseNetrc(FILE);
  assert.deepEqual(netrcLogin(e, 'required', 'http://example.org/x'), { user: 'ann', password: 'one' });
  assert.deepEqual(netrcLogin(e, 'required', 'http://bob:old@example.org/x'), { user: 'bob', password: 'two' });
  assert.deepEqual(netrcLogin(e, 'optional', 'http://bob:old@example.org/x'), {});
  assert.deepEqual(netrcLogin(e, 'optional', 'ftp://bob@example.org/x'), { user: 'bob', password: 'two' });
  assert.deepEqual(netrcLogin(e, 'required', 'http://[::1]:8080/'), { user: 'anonymous', password: 'me@' }, 'an IPv6 machine is matched bare, not in brackets: the default entry');
  assert.deepEqual(netrcLogin(parseNetrc('machine ::1 login six password v6'), 'required', 'http://[::1]:8080/'), { user: 'six', password: 'v6' });
  assert.deepEqual(netrcLogin(undefined, 'required', 'http://example.org/'), {});
});

test('readNetrc: no file is no entries and no warning; a file past the bound is a warning, not read', async () => {
  const dir = tempDir();
  const warned: string[] = [];
  assert.deepEqual(await readNetrc(join(dir, 'missing'), (l) => warned.push(l)), []);
  assert.equal(warned.length, 0);
  writeFileSync(join(dir, 'big'), `machine h login u password p\n${'#'.repeat(MAX_NETRC_BYTES)}`);
  assert.deepEqual(await readNetrc(join(dir, 'big'), (l) => warned.push(l)), []);
  assert.match(warned[0]!, /larger than/);
});

test('dial -n, --netrc-file and --netrc-optional send what curl sends; -u wins over .netrc', async () => {
  const srv = await startServer();
  const home = tempDir();
  writeFileSync(join(home, '.netrc'), 'machine 127.0.0.1 login bob password "s3 cret"\n', { mode: 0o600 });
  const file = join(tempDir(), 'creds');
  writeFileSync(file, 'machine 127.0.0.1 login carol password c4\n', { mode: 0o600 });
  const withCreds = srv.url('/echo').replace('http://', 'http://bob:old@');
  const sent = async (run: typeof dial, args: string[]) => {
    const r = await run(['-sS', ...args], { env: { HOME: home } });
    assert.equal(r.code, 0, r.stderr);
    const auth = echo(r).headers['authorization'];
    return auth ? Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString() : '-';
  };
  try {
    for (const [args, expected] of [
      [['-n', srv.url('/echo')], 'bob:s3 cret'],
      [['--netrc-file', file, srv.url('/echo')], 'carol:c4'],
      [['-n', withCreds], 'bob:s3 cret'],
      [['--netrc-optional', withCreds], 'bob:old'],
      [['-n', '-u', 'dave:d', srv.url('/echo')], 'dave:d'],
      [[srv.url('/echo')], '-'],
    ] as const) {
      const ours = await sent(dial, [...args]);
      assert.equal(ours, expected, args.join(' '));
      assert.equal(ours, await sent(curl, [...args]), `curl ${args.join(' ')}`);
    }
  } finally {
    await srv.close();
  }
});
