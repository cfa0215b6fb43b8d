/**
 * dial -b / -c / -j against curl on the same loopback server: what reaches
 * the server (the Cookie header /echo reports) and what the saved jar holds.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { dial, curl, echo, startServer, tempDir, type TestServer, type RunResult } from './helpers.js';
import { parseNetscape } from '../../src/protocols/http/cookies.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { cookieEngineOn, isCookieData } from '../../src/cli/cookies.js';
import { lookaheadSafe } from '../../src/cli/pipeline.js';

let srv: TestServer;
let dir: string;
before(async () => {
  srv = await startServer();
  dir = tempDir();
});
after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The Cookie header /echo saw, from the JSON it printed (the last JSON object of stdout). */
function echoed(r: RunResult): string | undefined {
  const out = r.out;
  const at = out.lastIndexOf('{"method"');
  assert.ok(at >= 0, `no /echo output in ${JSON.stringify(out.slice(0, 300))} (stderr ${r.stderr})`);
  return (JSON.parse(out.slice(at)) as { headers: Record<string, string> }).headers['cookie'];
}

/** A URL of /setcookie that sets `lines` and, with `to`, redirects there. */
function setting(lines: string[], to?: string): string {
  const q = new URLSearchParams();
  for (const l of lines) q.append('c', l);
  if (to) q.set('to', to);
  return srv.url(`/setcookie?${q}`);
}

/** A jar file's cookies, comparable between curl and dial (curl keeps a default path's trailing '/'; RFC 6265 §5.1.4 does not). */
function jarKeys(path: string): string[] {
  return parseNetscape(readFileSync(path, 'latin1'))
    .map((c) => `${c.domain} ${c.hostOnly} ${c.path.length > 1 ? c.path.replace(/\/$/, '') : c.path} ${c.secure} ${c.httpOnly} ${c.name}=${c.value} ${c.expires === undefined ? 'session' : Math.round(c.expires / 100_000)}`)
    .sort();
}

/** Runs the same arguments through dial and curl; `{jar}` in an argument is replaced by a per-tool file. */
async function both(args: string[], name: string): Promise<{ ours: RunResult; theirs: RunResult; ourJar: string; theirJar: string }> {
  const ourJar = join(dir, `${name}-dial.txt`);
  const theirJar = join(dir, `${name}-curl.txt`);
  const ours = await dial(['-s', ...args.map((a) => a.replace('{jar}', ourJar))]);
  const theirs = await curl(['-s', ...args.map((a) => a.replace('{jar}', theirJar))]);
  return { ours, theirs, ourJar, theirJar };
}

describe('dial -b / -c / -j, compared with curl', () => {
  test('-b "a=1; b=2" sends that Cookie header', async () => {
    const { ours, theirs } = await both(['-b', 'a=1; b=2', srv.url('/echo')], 'string');
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(echoed(ours), 'a=1; b=2');
    assert.equal(echoed(ours), echoed(theirs));
  });

  // Found comparing with curl: dial parsed the -b strings into pairs and joined them with '; ',
  // so '-b a=1 -b b=2' sent 'a=1; b=2' (curl: 'a=1;b=2') and a part without '=' or with an empty
  // name was dropped. curl sends the strings as written, joined with ';'.
  test('-b strings go out as written, several joined with ";", as curl', async () => {
    for (const args of [['-b', 'a=1', '-b', 'b=2'], ['-b', 'a=1; flag ;;c=3;=4;d=']]) {
      const { ours, theirs } = await both([...args, srv.url('/echo')], 'verbatim');
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(echoed(ours), echoed(theirs), args.join(' '));
    }
    const { ours } = await both(['-b', 'a=1', '-b', 'b=2', srv.url('/echo')], 'verbatim2');
    assert.equal(echoed(ours), 'a=1;b=2');
  });

  test('-L -c: a cookie set by a redirect goes with the next hop, and the jar file holds it', async () => {
    const url = setting(['sid=s1; Path=/; HttpOnly', 'pre=p1; Max-Age=3600', 'old=1; Max-Age=0'], '/echo');
    const { ours, theirs, ourJar, theirJar } = await both(['-L', '-c', '{jar}', url], 'login');
    assert.equal(ours.code, 0, ours.stderr);
    // RFC 6265 §5.4: equal paths, older first. curl 7.88 sends the newer first here: compared as sets.
    assert.equal(echoed(ours), 'sid=s1; pre=p1');
    assert.deepEqual(echoed(ours)!.split('; ').sort(), echoed(theirs)!.split('; ').sort());
    assert.deepEqual(jarKeys(ourJar), jarKeys(theirJar));
    assert.match(readFileSync(ourJar, 'latin1'), /^# Netscape HTTP Cookie File\n/);
  });

  test('-L alone: the cookie engine is off, nothing set along the chain is sent', async () => {
    const { ours, theirs } = await both(['-L', setting(['sid=s1; Path=/'], '/echo')], 'off');
    assert.equal(echoed(ours), undefined);
    assert.equal(echoed(theirs), undefined);
  });

  test('-L -b "a=1": the string form alone does not turn the engine on (curl)', async () => {
    const { ours, theirs } = await both(['-L', '-b', 'a=1', setting(['sid=s1; Path=/'], '/echo')], 'stringonly');
    assert.equal(echoed(ours), 'a=1');
    assert.equal(echoed(ours), echoed(theirs));
  });

  test('-L -b "a=1" to another origin: the data is not sent there (curl sends it; the -H Cookie rule applies here)', async () => {
    const other = await startServer();
    try {
      const url = srv.url(`/setcookie?to=${encodeURIComponent(other.url('/echo'))}`);
      const ours = await dial(['-s', '-L', '-b', 'a=1', url]);
      assert.equal(ours.code, 0, ours.stderr);
      assert.equal(echoed(ours), undefined);
      const same = await dial(['-s', '-L', '-b', 'a=1', srv.url('/setcookie?to=/echo')]);
      assert.equal(echoed(same), 'a=1');
    } finally {
      await other.close();
    }
  });

  test("-L -b '': an empty jar turns the engine on", async () => {
    const { ours, theirs } = await both(['-L', '-b', '', setting(['sid=s1; Path=/'], '/echo')], 'empty');
    assert.equal(echoed(ours), 'sid=s1');
    assert.equal(echoed(ours), echoed(theirs));
  });

  test('-b FILE reads a cookie file (curl wrote it); -j leaves its session cookies out', async () => {
    const file = join(dir, 'in.txt');
    const made = await curl(['-s', '-c', file, setting(['ses=1; Path=/', 'per=2; Path=/; Max-Age=3600', 'sub=3; Path=/echo'])]);
    assert.equal(made.code, 0);
    for (const extra of [[], ['-j']]) {
      const { ours, theirs } = await both([...extra, '-b', file, srv.url('/echo')], `file${extra.length}`);
      assert.equal(ours.code, 0, ours.stderr);
      // sub (path /echo) and ses are session cookies: -j leaves them out. Otherwise the longer path first.
      if (extra.length) assert.equal(echoed(ours), 'per=2');
      else {
        assert.equal(echoed(ours)!.split('; ')[0], 'sub=3');
        assert.deepEqual(echoed(ours)!.split('; ').sort(), ['per=2', 'ses=1', 'sub=3']);
      }
      assert.deepEqual(echoed(ours)!.split('; ').sort(), echoed(theirs)!.split('; ').sort());
    }
  });

  test('-b FILE -c FILE: read, updated and written back', async () => {
    const file = join(dir, 'rw.txt');
    writeFileSync(file, `# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tkeep\tk\n127.0.0.1\tFALSE\t/\tFALSE\t0\tdrop\td\n`);
    const r = await dial(['-s', '-b', file, '-c', file, setting(['drop=; Max-Age=0', 'new=n'])]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parseNetscape(readFileSync(file, 'latin1')).map((c) => `${c.name}=${c.value}`).sort(), ['keep=k', 'new=n']);
  });

  test('-b - reads the cookie file from stdin', async () => {
    const r = await dial(['-s', '-b', '-', srv.url('/echo')], { input: '127.0.0.1\tFALSE\t/\tFALSE\t0\tin\tstdin\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(echoed(r), 'in=stdin');
  });

  test('a missing -b file is no error, as in curl', async () => {
    const { ours, theirs } = await both(['-b', join(dir, 'nope.txt'), srv.url('/echo')], 'missing');
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0);
    assert.equal(echoed(ours), undefined);
  });

  test('one jar for the whole run: the second URL sends what the first set (no request is sent ahead of it)', async () => {
    const { ours, theirs, ourJar, theirJar } = await both(['-c', '{jar}', setting(['a=1; Path=/']), srv.url('/echo'), srv.url('/echo')], 'multi');
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(echoed(ours), 'a=1');
    assert.equal(echoed(ours), echoed(theirs));
    assert.deepEqual(jarKeys(ourJar), jarKeys(theirJar));
  });

  test('-c is written when a transfer failed too', async () => {
    const { ours, theirs, ourJar, theirJar } = await both(['-c', '{jar}', setting(['a=1']), 'http://127.0.0.1:1/'], 'failed');
    assert.equal(ours.code, 7);
    assert.equal(theirs.code, 7);
    assert.ok(existsSync(ourJar));
    assert.deepEqual(jarKeys(ourJar), jarKeys(theirJar));
  });

  test('-c - writes the jar to stdout after the body', async () => {
    const r = await dial(['-s', '-c', '-', setting(['a=1'])]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.out, /^ok\n# Netscape HTTP Cookie File\n[^]*\n127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\ta\t1\n$/);
  });

  test('a -b string with a line break is refused before anything is sent', async () => {
    const before = srv.requests.length;
    const r = await dial(['-s', '-S', '-b', 'a=1\r\nX-Evil: 1', srv.url('/echo')]);
    assert.notEqual(r.code, 0);
    assert.equal(srv.requests.length, before);
  });
});

describe('the cookie engine switch (curl: a -b file, -b \'\' or -c)', () => {
  const on = (args: string[]) => cookieEngineOn(parseCliArgs([...args, 'http://h/']));
  test('which options turn it on', () => {
    assert.equal(on([]), false);
    assert.equal(on(['-b', 'a=1']), false);
    assert.equal(on(['-b', '']), true);
    assert.equal(on(['-b', 'file.txt']), true);
    assert.equal(on(['-c', 'out.txt']), true);
    assert.equal(on(['-j']), false);
    assert.deepEqual(['a=1', 'x', '', 'a=b; c=d'].map(isCookieData), [true, false, false, true]);
  });
  test('with it on, no request is sent ahead (a response can change the next request)', () => {
    const env = { NO_PROXY: '*' };
    assert.equal(lookaheadSafe(parseCliArgs(['http://h/a', 'http://h/b']), env), true);
    assert.equal(lookaheadSafe(parseCliArgs(['-b', 'a=1', 'http://h/a', 'http://h/b']), env), true);
    assert.equal(lookaheadSafe(parseCliArgs(['-c', 'j', 'http://h/a', 'http://h/b']), env), false);
    assert.equal(lookaheadSafe(parseCliArgs(['-b', '', 'http://h/a', 'http://h/b']), env), false);
  });
});

test('the jar’s cookies go before the caller’s own (-b data, -H Cookie), in the order curl sends them', async () => {
  const s = await startServer();
  const jar = join(tempDir(), 'jar.txt');
  writeFileSync(jar, '127.0.0.1\tFALSE\t/\tFALSE\t0\tjar\t1\n');
  const cookie = async (run: typeof dial, args: string[]) => echo(await run(['-s', ...args, s.url('/echo')])).headers['cookie'];
  try {
    for (const args of [['-b', 'x=1', '-b', jar], ['-b', jar, '-b', 'x=1'], ['-b', jar, '-H', 'Cookie: h=1']]) {
      const ours = await cookie(dial, args);
      assert.match(ours ?? '', /^jar=1; /, args.join(' '));
      assert.equal(ours, await cookie(curl, args), args.join(' '));
    }
  } finally {
    await s.close();
  }
});
