import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configWords, expandConfig } from '../../src/cli/config-file.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { curl, dial, startServer, tempDir } from './helpers.js';

const none = (line: string) => assert.fail(`unexpected warning: ${line}`);

test('configWords: curl’s line syntax — dashes optional, value after blanks, = or :, quotes with escapes, comments', () => {
  const text = [
    '# a comment',
    '   # an indented comment',
    '',
    'url = "http://h/a b"',
    'header: "X-Q: \\"quoted\\" \\\\ tab\\tend"',
    '--user-agent  agent/1',
    '-o out.txt',
    'silent',
    '-sS',
    'max-time=5',
  ].join('\n');
  assert.deepEqual(configWords(text, 'f', none), [
    '--url', 'http://h/a b',
    '--header', 'X-Q: "quoted" \\ tab\tend',
    '--user-agent', 'agent/1',
    '--output', 'out.txt',
    '--silent',
    '-sS',
    '--max-time', '5',
  ]);
});

test('configWords: an unknown option is curl’s warning with file and line, and the rest is read', () => {
  const warned: string[] = [];
  assert.deepEqual(configWords('bogus-option\r\nsilent\n', 'my.conf', (l) => warned.push(l)), ['--silent']);
  assert.deepEqual(warned, ["Warning: my.conf:1: warning: 'bogus-option' is unknown"]);
});

test('expandConfig: -K FILE, -KFILE and --config=FILE are replaced in place, recursively; an option’s value is never one', () => {
  const files: Record<string, string> = { a: 'silent\nconfig = b\n', b: 'url http://h/' };
  const read = (p: string) => files[p] ?? assert.fail(`read ${p}`);
  assert.deepEqual(expandConfig(['-v', '-K', 'a', '-o', 'x'], none, read), ['-v', '--silent', '--url', 'http://h/', '-o', 'x']);
  assert.deepEqual(expandConfig(['-Kb', '--config=b'], none, read), ['--url', 'http://h/', '--url', 'http://h/']);
  assert.deepEqual(expandConfig(['-H', '-Ka', '--', '-K', 'a'], none, read), ['-H', '-Ka', '--', '-K', 'a']);
});

test('expandConfig: an unreadable file is exit 26, a file that names itself ends at the depth bound', () => {
  assert.throws(
    () => expandConfig(['-K', '/nonexistent/dial.conf'], none),
    (e: CliExit) => e instanceof CliExit && e.exitCode === 26 && /cannot read config from '\/nonexistent\/dial.conf'/.test(e.message),
  );
  assert.throws(() => expandConfig(['-K', 'self'], none, () => 'config self'), (e: CliExit) => e instanceof CliExit && /nested more than/.test(e.message));
});

test('parseCliArgs reads -K, and its warnings come back for stderr', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'c'), 'bogus\nlocation\nmax-redirs 3\n');
  const o = parseCliArgs(['-K', join(dir, 'c'), 'http://h/']);
  assert.equal(o.location, true);
  assert.equal(o.maxRedirs, 3);
  assert.deepEqual(o.warnings, [`Warning: ${join(dir, 'c')}:1: warning: 'bogus' is unknown`]);
});

test('dial -K as curl -K: the same options from the same file, from stdin, and the same exit for a missing one', async () => {
  const srv = await startServer();
  const conf = join(tempDir(), 'dial.conf');
  writeFileSync(conf, `# fetch /hello quietly\nurl = "${srv.url('/hello')}"\nsilent\n-w "[%{http_code}]\\n"\ninclude\n`);
  try {
    const [a, b] = await Promise.all([dial(['-K', conf]), curl(['-K', conf])]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.out, /^HTTP\/1\.1 200 OK\r\n[^]*hello world\n\[200\]\n$/);
    assert.equal(a.out.replace(/Date: [^\r]*\r\n/, ''), b.out.replace(/Date: [^\r]*\r\n/, ''));
    const piped = await dial(['-K', '-'], { input: `url ${srv.url('/hello')}\n` });
    assert.equal(piped.out, 'hello world\n');
    const [m, n] = await Promise.all([dial(['-K', '/nonexistent/x.conf', srv.url('/hello')]), curl(['-K', '/nonexistent/x.conf', srv.url('/hello')])]);
    assert.equal(m.code, 26);
    assert.equal(m.code, n.code);
  } finally {
    await srv.close();
  }
});

test('--no-X on the command line turns off what a -K file set, and no-X in a file what came before it, as curl', async () => {
  const srv = await startServer();
  try {
    const conf = join(tempDir(), 'follow.conf');
    writeFileSync(conf, 'location\nsilent\n');
    for (const args of [['-K', conf, '--no-location', srv.url('/redirect/1')], ['-K', conf, srv.url('/redirect/1')]]) {
      const [a, b] = await Promise.all([dial([...args, '-w', '%{http_code}']), curl([...args, '-w', '%{http_code}'])]);
      assert.equal(a.code, b.code, a.stderr);
      assert.equal(a.out, b.out);
    }
    const off = join(tempDir(), 'off.conf');
    writeFileSync(off, 'no-location\n');
    const [a, b] = await Promise.all([dial(['-sL', '-K', off, '-w', '%{http_code}', srv.url('/redirect/1')]), curl(['-sL', '-K', off, '-w', '%{http_code}', srv.url('/redirect/1')])]);
    assert.equal(a.out, b.out);
    assert.match(a.out, /302$/);
  } finally {
    await srv.close();
  }
});

test('a config file is read with a bound: -K /dev/zero is exit 26, not a process that fills memory; a word named like an Object method is unknown', () => {
  assert.throws(() => expandConfig(['-K', '/dev/zero'], none), (e: CliExit) => e instanceof CliExit && e.exitCode === 26 && /larger than/.test(e.message));
  const warned: string[] = [];
  assert.deepEqual(configWords('toString\nconstructor x\n', 'c', (l) => warned.push(l)), []);
  assert.equal(warned.length, 2);
});
