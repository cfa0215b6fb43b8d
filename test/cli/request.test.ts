import { test } from 'node:test';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { buildHeaders, buildOpenOptions, effectiveUrl, openOptionsBuilder, prepareShared, removedHeaders, splitUser, uploadUrl } from '../../src/cli/request.js';
import { curl, dial, echo, MAIN, startServer, type RunResult } from './helpers.js';

const shared = (argv: string[]) => prepareShared(parseCliArgs([...argv, 'http://h/']), '1.2.3', async (p) => Buffer.from(`<${p}>`));

test('default User-Agent, -A replaces it, -H Name: removes it, -H Name; sends it empty', async () => {
  const s = await shared([]);
  assert.deepEqual(buildHeaders(parseCliArgs(['u']), s), [['User-Agent', 'dial/1.2.3']]);
  const a = parseCliArgs(['-A', 'x/1', 'u']);
  assert.deepEqual(buildHeaders(a, await prepareShared(a, '1')), [['User-Agent', 'x/1']]);
  assert.deepEqual(buildHeaders(parseCliArgs(['-H', 'User-Agent:', '-H', 'X-Empty;', 'u']), s), [['X-Empty', '']]);
});

test("-H 'Name:' and -A '' reach the library as default headers it must not add; -H 'Name;' and -H 'Name: v' do not", async () => {
  const o = parseCliArgs(['-H', 'Accept:', '-H', 'X-Gone: ', '-H', 'X-Empty;', '-H', 'X-Set: 1', '-A', '', 'http://h/']);
  const s = await prepareShared(o, '1');
  assert.deepEqual(removedHeaders(o, s), ['user-agent', 'accept', 'x-gone']);
  assert.deepEqual((await buildOpenOptions(o, s, { url: 'http://h/' })).omitDefaultHeaders, ['user-agent', 'accept', 'x-gone']);
  assert.deepEqual((await openOptionsBuilder(o, s)({ url: 'http://h/' })).omitDefaultHeaders, ['user-agent', 'accept', 'x-gone']);
  const plain = parseCliArgs(['-H', 'Accept;', 'http://h/']);
  assert.equal((await buildOpenOptions(plain, await prepareShared(plain, '1'), { url: 'http://h/' })).omitDefaultHeaders, undefined);
});

test("-H 'Accept:', -H 'User-Agent:', -A '' send no such header, as curl; -H 'Accept;' sends it empty", async () => {
  const srv = await startServer();
  try {
    for (const flags of [['-H', 'Accept:', '-H', 'User-Agent:'], ['-A', ''], ['-H', 'Accept;'], ['-d', 'x', '-H', 'Accept:', '-A', '']]) {
      const args = ['-s', ...flags, srv.url('/echo')];
      const [a, b] = await Promise.all([dial(args), curl(args)]);
      assert.equal(a.code, b.code, a.stderr);
      const names = (r: RunResult) => {
        const h = echo(r).headers;
        return Object.entries(h).filter(([k]) => k !== 'user-agent' || h[k] === '').sort();
      };
      const hasAgent = (r: RunResult) => 'user-agent' in echo(r).headers;
      assert.deepEqual(names(a), names(b), flags.join(' '));
      assert.equal(hasAgent(a), hasAgent(b), flags.join(' '));
    }
  } finally {
    await srv.close();
  }
});

test('--digest, --anyauth and --basic send -u as curl does, request by request', async () => {
  // /digest asks for Digest (and Basic), /basic for Basic only; each lets in the scheme it names, and logs what every request carried.
  const seen: string[] = [];
  const srv = http.createServer((req, res) => {
    const wants = req.url === '/basic' ? 'Basic' : 'Digest';
    const given = req.headers.authorization?.split(' ')[0] ?? '-';
    seen.push(given);
    if (given === wants) return void res.writeHead(200, { 'Content-Length': 3 }).end('in\n');
    const challenge = wants === 'Basic' ? 'Basic realm="r"' : ['Basic realm="r"', 'Digest realm="r", nonce="abc", qop="auth"'];
    res.writeHead(401, { 'WWW-Authenticate': challenge, 'Content-Length': 3 }).end('no\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = (p: string) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}${p}`;
  try {
    for (const [flag, path, expected] of [
      ['--digest', '/digest', ['-', 'Digest']],
      ['--anyauth', '/digest', ['-', 'Digest']],
      ['--anyauth', '/basic', ['-', 'Basic']],
      ['--basic', '/digest', ['Basic']],
      ['--digest', '/basic', ['-']],
    ] as const) {
      const args = ['-s', '-u', 'u:pw', flag, url(path)];
      seen.length = 0;
      const a = await dial(args);
      const ours = [...seen];
      seen.length = 0;
      const b = await curl(args);
      assert.deepEqual(ours, expected, `${flag} ${path}: dial sent ${ours.join(', ')}`);
      assert.deepEqual(seen, expected, `${flag} ${path}: curl sent ${seen.join(', ')}`);
      assert.equal(a.out, b.out, `${flag} ${path}`);
      assert.equal(a.code, b.code);
    }
  } finally {
    srv.closeAllConnections();
    await new Promise((r) => srv.close(r));
  }
});

test('-L -X METHOD keeps the method on every hop, as curl: a 301/302/303 drops only the body', async () => {
  const srv = await startServer();
  try {
    for (const [code, flags] of [
      [301, ['-X', 'POST', '-d', 'hello']],
      [302, ['-X', 'POST']],
      [303, ['-X', 'DELETE']],
      [303, ['-X', 'PUT', '-d', 'x']],
      [303, ['-d', 'x']],
      [307, ['-X', 'POST', '-d', 'hello']],
    ] as const) {
      const args = ['-s', '-L', ...flags, srv.url(`/moved?code=${code}&to=/echo`)];
      const [a, b] = await Promise.all([dial(args), curl(args)]);
      assert.equal(a.code, b.code, a.stderr);
      const seen = (r: RunResult) => {
        const e = echo(r);
        // Not Content-Length: a POST without a body says `0` (RFC 9110 §8.6: its method anticipates content), where curl says nothing.
        return [e.method, e.body, e.headers['content-type'], e.headers['content-length'] ?? '0'];
      };
      assert.deepEqual(seen(a), seen(b), `${code} ${flags.join(' ')}`);
    }
    const o = parseCliArgs(['-L', '-X', 'POST', 'http://h/']);
    const s = await prepareShared(o, '1');
    assert.equal((await buildOpenOptions(o, s, { url: 'http://h/' })).keepRedirectMethod, true);
    assert.equal((await openOptionsBuilder(o, s)({ url: 'http://h/' })).keepRedirectMethod, true);
    const noL = parseCliArgs(['-X', 'POST', 'http://h/']);
    assert.equal((await buildOpenOptions(noL, s, { url: 'http://h/' })).keepRedirectMethod, undefined);
  } finally {
    await srv.close();
  }
});

test('-L -T FILE and -L -F name=@FILE follow a 307/308 (and a 301 of the PUT) with the body sent again, as curl', async () => {
  const srv = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'dial-reopen-'));
  try {
    const file = join(dir, 'up.txt');
    writeFileSync(file, 'file-content\n'.repeat(100));
    for (const [code, flags] of [
      [307, ['-T', file]],
      [308, ['-T', file]],
      [301, ['-T', file]],
      [307, ['-F', `a=@${file}`, '-F', 'b=text']],
    ] as const) {
      const args = ['-s', '-L', ...flags, srv.url(`/moved?code=${code}&to=/echo`)];
      const [a, b] = await Promise.all([dial(args), curl(args)]);
      assert.equal(a.code, b.code, a.stderr);
      const seen = (r: RunResult) => {
        const e = echo(r);
        // The form's boundary is random: its length and the part headers compare, not its text.
        return [e.method, Number(e.headers['content-length']) === Buffer.byteLength(e.body, 'latin1'), e.body.replace(/-{2,}[\w-]+/g, '--B')];
      };
      assert.deepEqual(seen(a), seen(b), `${code} ${flags.join(' ')}`);
    }
    // Piped stdin cannot be read again: curl's exit 65 (its rewind failed), for both.
    const piped = ['-s', '-L', '-T', '-', srv.url('/moved?code=307&to=/echo')];
    const [pa, pb] = await Promise.all([dial(piped, { input: 'from stdin\n' }), curl(piped, { input: 'from stdin\n' })]);
    assert.equal(pb.code, 65, pb.stderr);
    assert.equal(pa.code, pb.code, pa.stderr);
    const o = parseCliArgs(['-L', '-T', file, 'http://h/']);
    const opts = await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'http://h/' });
    const stream = opts.body as unknown as import('node:fs').ReadStream;
    await new Promise<void>((resolve) => stream.once('close', () => resolve()).destroy());
    assert.equal(typeof opts.reopenBody, 'function');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await srv.close();
  }
});

test('-i and -D - print the 100 Continue head before the final one, as curl (with -L too, each hop\'s)', async () => {
  const srv = await startServer();
  try {
    for (const flags of [['-i'], ['-D', '-', '-o', '/dev/null'], ['-i', '-L']]) {
      const path = flags.includes('-L') ? '/moved?code=307&to=/hello' : '/hello';
      const args = ['-s', ...flags, '-H', 'Expect: 100-continue', '-d', 'hello', srv.url(path)];
      const [a, b] = await Promise.all([dial(args), curl(args)]);
      assert.equal(a.code, b.code, a.stderr);
      assert.match(a.out, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 (200|307) /);
      assert.equal(a.out, b.out, flags.join(' '));
    }
  } finally {
    await srv.close();
  }
});

test('the environment\'s no_proxy/NO_PROXY applies to a -x proxy, as curl; --noproxy replaces it', async () => {
  const srv = await startServer();
  try {
    const url = srv.url('/hello');
    for (const [env, flags] of [
      [{ NO_PROXY: '127.0.0.1' }, []],
      [{ no_proxy: '127.0.0.1', NO_PROXY: '' }, []],
      [{ NO_PROXY: '127.0.0.1' }, ['--noproxy', '']],
      [{ NO_PROXY: 'other.example' }, []],
    ] as const) {
      // The proxy is a closed port: going through it is exit 7, going around it the page.
      const args = ['-sS', ...flags, '-x', 'http://127.0.0.1:1', url];
      const e: Record<string, string> = { NO_PROXY: '', no_proxy: '', ...(env as Record<string, string>) };
      const [a, b] = await Promise.all([dial(args, { env: e }), curl(args, { env: e })]);
      assert.equal(a.code, b.code, `${JSON.stringify(env)} ${flags.join(' ')}: ${a.stderr}`);
      assert.equal(a.out, b.out);
    }
  } finally {
    await srv.close();
  }
});

test('-H overrides a default of the same name; -e adds Referer', async () => {
  const o = parseCliArgs(['-H', 'user-agent: mine', '-e', 'http://from/', 'u']);
  assert.deepEqual(buildHeaders(o, await prepareShared(o, '1')), [['Referer', 'http://from/'], ['user-agent', 'mine']]);
});

test('-d sets POST and form Content-Type; --json sets JSON types', async () => {
  const o = parseCliArgs(['-d', 'a=1', 'http://h/']);
  const s = await prepareShared(o, '1');
  const opts = await buildOpenOptions(o, s, { url: 'http://h/' });
  assert.equal(opts.method, 'POST');
  assert.equal(Buffer.from(opts.body as Uint8Array).toString(), 'a=1');
  assert.equal(opts.bodyLength, 3);
  assert.ok((opts.headers as Array<[string, string]>).some(([n, v]) => n === 'Content-Type' && v === 'application/x-www-form-urlencoded'));
  const j = parseCliArgs(['--json', '{}', 'http://h/']);
  const jh = (await buildOpenOptions(j, await prepareShared(j, '1'), { url: 'http://h/' })).headers as Array<[string, string]>;
  assert.ok(jh.some(([n, v]) => n === 'Accept' && v === 'application/json'));
});

test('-X wins over the implied method; -I is HEAD only for http', async () => {
  const o = parseCliArgs(['-X', 'PATCH', '-d', 'x', 'http://h/']);
  assert.equal((await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'http://h/' })).method, 'PATCH');
  const i = parseCliArgs(['-I', 'u']);
  const s = await prepareShared(i, '1');
  assert.equal((await buildOpenOptions(i, s, { url: 'http://h/' })).method, 'HEAD');
  assert.equal((await buildOpenOptions(i, s, { url: 'file:///tmp/x' })).method, undefined);
});

test('redirects only with -L; -r and resume become range; timeouts in ms', async () => {
  const o = parseCliArgs(['-L', '--max-redirs', '3', '-r', '10-19', '--max-time', '2', '--connect-timeout', '0.5', 'u']);
  const s = await prepareShared(o, '1');
  const opts = await buildOpenOptions(o, s, { url: 'http://h/' });
  assert.equal(opts.maxRedirects, 3);
  assert.deepEqual(opts.range, { start: 10, end: 19 });
  assert.equal(opts.timeout, 2000);
  assert.equal(opts.connectTimeout, 500);
  assert.deepEqual((await buildOpenOptions(o, s, { url: 'http://h/', resumeFrom: 42 })).range, { start: 42 });
  const plain = parseCliArgs(['u']);
  assert.equal((await buildOpenOptions(plain, s, { url: 'http://h/' })).maxRedirects, 0);
});

test('suffix ranges go out as a Range header', async () => {
  const o = parseCliArgs(['-r', '-500', 'u']);
  const h = (await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'http://h/' })).headers as Array<[string, string]>;
  assert.ok(h.some(([n, v]) => n === 'Range' && v === 'bytes=-500'));
});

test('-u splits at the first colon; -k turns verification off; -x "" means no proxy', async () => {
  assert.deepEqual(splitUser('a:b:c'), { user: 'a', password: 'b:c' });
  assert.deepEqual(splitUser('a'), { user: 'a' });
  const o = parseCliArgs(['-k', '-x', '', '-u', 'me:pw', 'u']);
  const opts = await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'https://h/' });
  assert.equal(opts.tls?.rejectUnauthorized, false);
  assert.equal(opts.proxy, null);
  assert.equal(opts.user, 'me');
  assert.equal(opts.password, 'pw');
});

test('missing --cacert file is exit 77, missing --cert is 58', async () => {
  await assert.rejects(prepareShared(parseCliArgs(['--cacert', '/nonexistent.pem', 'u']), '1'), (e: unknown) => e instanceof CliExit && e.exitCode === 77);
  await assert.rejects(prepareShared(parseCliArgs(['--cert', '/nonexistent.pem', 'u']), '1'), (e: unknown) => e instanceof CliExit && e.exitCode === 58);
});

test('the proxy\'s TLS files are its own: missing ones are 77 / 58 as curl, --proxy-key needs --proxy-cert, and -k stays the server\'s', async () => {
  await assert.rejects(prepareShared(parseCliArgs(['--proxy-cacert', '/nonexistent.pem', 'u']), '1'), (e: unknown) => e instanceof CliExit && e.exitCode === 77 && /proxy CA certificate/.test(e.message));
  await assert.rejects(prepareShared(parseCliArgs(['--proxy-cert', '/nonexistent.pem', 'u']), '1'), (e: unknown) => e instanceof CliExit && e.exitCode === 58);
  assert.throws(() => parseCliArgs(['--proxy-key', 'k.pem', 'u']), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
  const o = parseCliArgs(['-k', '--proxy-insecure', '-x', 'https://p:3128', 'u']);
  const opts = await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'http://h/' });
  assert.equal(opts.tls?.rejectUnauthorized, false);
  assert.equal(opts.proxyTls?.rejectUnauthorized, false);
  // The rest of the TLS options have their --proxy- twins, read the same way and landing in proxyTls only.
  const more = parseCliArgs(['--proxy-pinnedpubkey', 'sha256//abc=', '--proxy-ciphers', 'ECDHE-RSA-AES128-GCM-SHA256', '-x', 'https://p:3128', 'u']);
  const moreOpts = await buildOpenOptions(more, await prepareShared(more, '1'), { url: 'http://h/' });
  assert.deepEqual(moreOpts.proxyTls?.pinnedPublicKeys, ['abc=']);
  assert.equal(moreOpts.proxyTls?.ciphers, 'ECDHE-RSA-AES128-GCM-SHA256');
  assert.equal(moreOpts.tls, undefined);
  await assert.rejects(prepareShared(parseCliArgs(['--proxy-ciphers', 'NO-SUCH-CIPHER', 'u']), '1'), (e: unknown) => e instanceof CliExit && e.exitCode === 59);
  const plain = parseCliArgs(['-x', 'https://p:3128', 'u']);
  assert.equal((await buildOpenOptions(plain, await prepareShared(plain, '1'), { url: 'http://h/' })).proxyTls, undefined);
});

test('--proxy-tlsv1 sets the proxy\'s lowest TLS version only; the server\'s -1/--tlsv1.x stay the server\'s', async () => {
  const o = parseCliArgs(['--proxy-tlsv1', '--tlsv1.3', '-x', 'https://p:3128', 'u']);
  const opts = await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'https://h/' });
  assert.equal(opts.proxyTls?.minVersion, 'TLSv1');
  assert.equal(opts.tls?.minVersion, 'TLSv1.3');
  const server = parseCliArgs(['-1', '-x', 'https://p:3128', 'u']);
  const serverOpts = await buildOpenOptions(server, await prepareShared(server, '1'), { url: 'https://h/' });
  assert.equal(serverOpts.tls?.minVersion, 'TLSv1');
  assert.equal(serverOpts.proxyTls, undefined);
});

test('-T appends the file name to a URL ending in /; -G moves data to the query', async () => {
  assert.equal(uploadUrl('ftp://h/dir/', '/tmp/a b.txt'), 'ftp://h/dir/a%20b.txt');
  assert.equal(uploadUrl('http://h/x', '/tmp/a.txt'), 'http://h/x');
  const o = parseCliArgs(['-G', '-d', 'q=1', '-d', 'r=2', 'u']);
  assert.equal(effectiveUrl(o, await prepareShared(o, '1'), 'http://h/s'), 'http://h/s?q=1&r=2');
});

test('an unreadable -T file is exit 26 before anything is sent', async () => {
  const o = parseCliArgs(['-T', '/nonexistent/file', 'u']);
  await assert.rejects(buildOpenOptions(o, await prepareShared(o, '1'), { url: 'http://h/' }), (e: unknown) => e instanceof CliExit && e.exitCode === 26);
});

test('--mail-from/--mail-rcpt, -l, --compressed, --unix-socket, --max-filesize pass through', async () => {
  const o = parseCliArgs(['--mail-from', 'a@x', '--mail-rcpt', 'b@y', '--mail-rcpt', 'c@z', '-l', '--compressed', '--unix-socket', '/s', '--max-filesize', '10', 'u']);
  const opts = await buildOpenOptions(o, await prepareShared(o, '1'), { url: 'smtp://h/' });
  assert.equal(opts.mailFrom, 'a@x');
  assert.deepEqual(opts.mailRcpt, ['b@y', 'c@z']);
  assert.equal(opts.listOnly, true);
  assert.equal(opts.compressed, true);
  assert.equal(opts.unixSocket, '/s');
  assert.equal(opts.maxBodySize, 10);
  assert.equal(opts.headers, undefined, 'no HTTP headers for other schemes');
});

test('-U puts its credentials on -x’s proxy or on the one the environment names, and the SOCKS options are proxies too — as curl', async () => {
  const srv = await startServer();
  const proxy = srv.url('').replace(/\/$/, '');
  const sent = async (run: typeof dial, args: string[], env: NodeJS.ProcessEnv = {}) => {
    // The test helpers set NO_PROXY=* (no test reaches past loopback), which a -x proxy would obey too.
    const r = await run(['-sS', ...args, 'http://example.test/echo'], { env: { NO_PROXY: '', no_proxy: '', ...env } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'proxied http://example.test/echo\n');
    const auth = srv.requests.at(-1)!.headers['proxy-authorization'];
    return auth === undefined ? '-' : Buffer.from(String(auth).replace(/^Basic /, ''), 'base64').toString();
  };
  try {
    for (const [args, env, expected] of [
      [['-x', proxy, '-U', 'ann:s3 cret'], {}, 'ann:s3 cret'],
      [['-x', proxy.replace('http://', 'http://old:pw@'), '-U', 'ann:new'], {}, 'old:pw'],
      [['-U', 'env:pw'], { http_proxy: proxy }, 'env:pw'],
      [['-x', proxy], {}, '-'],
    ] as const) {
      const ours = await sent(dial, [...args], env);
      assert.equal(ours, expected, args.join(' '));
      assert.equal(ours, await sent(curl, [...args], env), `curl ${args.join(' ')}`);
    }
  } finally {
    await srv.close();
  }
  assert.equal(parseCliArgs(['--socks5', 'h:1080', 'http://x/']).proxy, 'socks5://h:1080');
  assert.equal(parseCliArgs(['--socks4a', 'h:1080', 'http://x/']).proxy, 'socks4a://h:1080');
  assert.equal(parseCliArgs(['--socks5', 'h:1', '-x', 'http://p:8', 'http://x/']).proxy, 'http://p:8', 'the last one wins');
  assert.equal(parseCliArgs(['-x', 'http://p:8', '--socks5-hostname', 'h:1', 'http://x/']).proxy, 'socks5h://h:1');
  assert.equal(parseCliArgs(['-U', 'a:b', 'http://x/']).proxyUser, 'a:b');
});

test('--url-query adds to every URL’s query as curl does (encoded, or +text as written)', async () => {
  const srv = await startServer();
  try {
    const args = ['-s', '--url-query', 'a=b c', '--url-query', '+raw=1&2', '--url-query', '@-', srv.url('/echo?x=1')];
    const [a, b] = await Promise.all([dial(args, { input: 'from stdin' }), curl(args, { input: 'from stdin' })]);
    assert.equal(echo(a).url, '/echo?x=1&a=b+c&raw=1&2&from+stdin');
    assert.equal(echo(a).url, echo(b).url);
  } finally {
    await srv.close();
  }
});

test('-L -T - with stdin a regular file sends it again on a 307, from where stdin stood, as curl rewinds it; a pipe still cannot (exit 65)', async () => {
  const { spawn } = await import('node:child_process');
  const { closeSync, openSync, readSync } = await import('node:fs');
  const srv = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'dial-stdin-'));
  const file = join(dir, 'up.txt');
  writeFileSync(file, 'skip:upload me\n');
  /** Runs `cmd` with stdin the file, its descriptor first moved `skip` bytes on (as after a script read a line). */
  const withFileStdin = (cmd: string, args: string[], skip = 0) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const fd = openSync(file, 'r');
      if (skip > 0) readSync(fd, Buffer.alloc(skip), 0, skip, null);
      const child = spawn(cmd, args, { stdio: [fd, 'pipe', 'pipe'], env: { ...process.env, NO_PROXY: '*' } });
      closeSync(fd);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.on('close', (code) => (clearTimeout(kill), resolve({ code, out })));
    });
  try {
    const args = ['-sS', '-L', '-T', '-', srv.url('/moved?code=307&to=/echo')];
    const ours = await withFileStdin(process.execPath, [MAIN, ...args]);
    assert.equal(ours.code, 0);
    const e = echo(ours);
    assert.deepEqual([e.method, e.body], ['PUT', 'skip:upload me\n']);
    const theirs = await withFileStdin('curl', args);
    assert.deepEqual(echo(theirs).body, e.body, 'curl sends the same bytes');
    // From where stdin stood: the same bytes on both hops (curl 7.88 rewinds to the file's start for the second).
    const moved = await withFileStdin(process.execPath, [MAIN, ...args], 5);
    assert.equal(echo(moved).body, 'upload me\n');
    const piped = await dial(args, { input: 'upload me\n' });
    assert.equal(piped.code, 65, 'a pipe cannot be read twice');
  } finally {
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
