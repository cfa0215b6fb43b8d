import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/args.js';
import { applyHttpFlags, redirectProtocols, type HttpFlagOptions } from '../../src/cli/http-flags.js';
import { buildOpenOptions, openOptionsBuilder, prepareShared } from '../../src/cli/request.js';
import { rmSync } from 'node:fs';
import { curl, dial, echo, makePki, startServer, startTlsServer, type RunResult } from './helpers.js';

describe('parsing', () => {
  test('each option lands in CliOptions; --location-trusted is -L too', () => {
    const o = parseCliArgs([
      '--connect-to', 'a:80:b:81', '--connect-to', '::c:', '--request-target', '*', '--path-as-is',
      '--post301', '--post303', '--location-trusted', '--oauth2-bearer', 'tok', 'http://h/',
    ]);
    assert.deepEqual(o.connectTo, ['a:80:b:81', '::c:']);
    assert.equal(o.requestTarget, '*');
    assert.equal(o.pathAsIs, true);
    assert.deepEqual(o.keepPostOn, [301, 303]);
    assert.equal(o.locationTrusted, true);
    assert.equal(o.location, true);
    assert.equal(o.oauth2Bearer, 'tok');
    const none = parseCliArgs(['http://h/']);
    assert.deepEqual([none.connectTo, none.keepPostOn, none.pathAsIs, none.locationTrusted, none.proto, none.protoRedir], [[], [], false, false, undefined, undefined]);
  });

  test('the library options: --request-target wins over --path-as-is, which takes the path as typed (http only)', () => {
    const opts = (argv: string[], url: string): HttpFlagOptions => {
      const out: HttpFlagOptions = {};
      applyHttpFlags(parseCliArgs([...argv, url]), out, url);
      return out;
    };
    const redirectProtocols = ['http:', 'https:', 'ftp:', 'ftps:'];
    assert.deepEqual(opts(['--path-as-is'], 'http://h/a/../b/./c?q=/../#f'), { requestTarget: '/a/../b/./c?q=/../', redirectProtocols });
    assert.deepEqual(opts(['--path-as-is', '--request-target', '*'], 'http://h/a/../b'), { requestTarget: '*', redirectProtocols });
    assert.deepEqual(opts(['--path-as-is'], 'ftp://h/a/../b'), { redirectProtocols });
    assert.deepEqual(opts(['--post302', '--location-trusted', '--connect-to', '::x:1'], 'http://h/'), { connectTo: ['::x:1'], keepPostOn: [302], trustRedirects: true, redirectProtocols });
    assert.deepEqual(opts([], 'http://h/'), { redirectProtocols });
  });

  test('both option builders carry them, per URL for --path-as-is', async () => {
    const o = parseCliArgs(['--path-as-is', '--oauth2-bearer', 'T', 'http://h/a/../b']);
    const s = await prepareShared(o, '1');
    for (const built of [await buildOpenOptions(o, s, { url: 'http://h/a/../b' }), await openOptionsBuilder(o, s)({ url: 'http://h/x/./y' })]) {
      assert.match(String(built.requestTarget), /^\/(a\/\.\.\/b|x\/\.\/y)$/);
      assert.ok((built.headers as Array<[string, string]>).some(([n, v]) => n === 'Authorization' && v === 'Bearer T'));
    }
    // -H Authorization replaces the bearer token, as in curl.
    const h = parseCliArgs(['--oauth2-bearer', 'T', '-H', 'Authorization: Basic x', 'http://h/']);
    const headers = (await buildOpenOptions(h, await prepareShared(h, '1'), { url: 'http://h/' })).headers as Array<[string, string]>;
    assert.deepEqual(headers.filter(([n]) => n.toLowerCase() === 'authorization'), [['Authorization', 'Basic x']]);
  });

  test('redirect protocols: --proto-redir (or the default http, https, ftp, ftps) less what --proto refuses', () => {
    assert.deepEqual(redirectProtocols(parseCliArgs(['u'])), ['http:', 'https:', 'ftp:', 'ftps:']);
    assert.deepEqual(redirectProtocols(parseCliArgs(['--proto', '-ftp', 'u'])), ['http:', 'https:', 'ftps:']);
    assert.deepEqual(redirectProtocols(parseCliArgs(['--proto-redir', '=https,gopher', 'u'])), ['https:', 'gopher:']);
    assert.deepEqual(redirectProtocols(parseCliArgs(['--proto-redir', 'all', '--proto', '=http', 'u'])), ['http:']);
  });
});

/** dial and curl with the same arguments, at once. */
async function both(args: string[]): Promise<[RunResult, RunResult]> {
  return Promise.all([dial(args), curl(args)]);
}

describe('beside curl', () => {
  test('--connect-to: the connection goes to the other port, Host stays the name; -w remote_ip/port say where; each -L hop matched afresh', async () => {
    const a = await startServer();
    const b = await startServer();
    try {
      const to = ['--connect-to', `one.test:80:127.0.0.1:${a.port}`, '--connect-to', `two.test::127.0.0.1:${b.port}`];
      const w = ['-A', 'same', '-w', '\\n%{remote_ip} %{remote_port} %{num_redirects}'];
      const [d, c] = await both(['-s', ...to, ...w, 'http://one.test/echo']);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.out, c.out);
      assert.equal(echo({ out: d.out.split('\n')[0]! }).headers.host, 'one.test');
      assert.match(d.out, new RegExp(`\\n127\\.0\\.0\\.1 ${a.port} 0$`));
      const hop = ['-s', '-L', ...to, ...w, `http://one.test/moved?to=${encodeURIComponent('http://two.test:8080/echo')}`];
      const [dl, cl] = await both(hop);
      assert.equal(dl.code, 0, dl.stderr);
      assert.equal(dl.out, cl.out);
      assert.equal(echo({ out: dl.out.split('\n')[0]! }).headers.host, 'two.test:8080');
      assert.match(dl.out, new RegExp(`\\n127\\.0\\.0\\.1 ${b.port} 1$`));
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  test('--connect-to: a matching entry with a bad port is exit 49 and nothing is sent; one that does not match is ignored', async () => {
    const srv = await startServer();
    try {
      for (const entry of [`127.0.0.1:${srv.port}:127.0.0.1:x`, `127.0.0.1::127.0.0.1:70000`]) {
        const [d, c] = await both(['-s', '--connect-to', entry, srv.url('/hello')]);
        assert.deepEqual([d.code, c.code], [49, 49], entry);
      }
      assert.equal(srv.requests.length, 0);
      const [d, c] = await both(['-s', '--connect-to', 'other.test:80:h:x', srv.url('/hello')]);
      assert.deepEqual([d.code, d.out], [c.code, c.out]);
      assert.equal(d.out, 'hello world\n');
    } finally {
      await srv.close();
    }
  });

  test('--connect-to with --resolve: the address pinned is HOST2:PORT2\'s, the name really looked up, as curl', async () => {
    const srv = await startServer();
    try {
      const args = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{remote_port}', '--connect-to', `a.test:80:b.test:${srv.port}`, '--resolve', `b.test:${srv.port}:127.0.0.1`, 'http://a.test/hello'];
      const [d, c] = await both(args);
      assert.deepEqual([d.code, d.out], [c.code, c.out]);
      assert.equal(d.out, `200 ${srv.port}`);
    } finally {
      await srv.close();
    }
  });

  test('--connect-to over https: SNI and the certificate check stay the URL host\'s (exit 60 for a name the certificate lacks)', async () => {
    const pki = makePki();
    assert.ok(pki, 'openssl made the test PKI');
    const tls = await startTlsServer(pki);
    try {
      for (const [host, code] of [['localhost', 0], ['wrong.test', 60]] as const) {
        const args = ['-s', '--cacert', pki.caCert, '--connect-to', `${host}:443:127.0.0.1:${tls.port}`, `https://${host}/`];
        const [d, c] = await both(args);
        assert.deepEqual([d.code, d.out], [c.code, c.out], host);
        assert.equal(d.code, code, d.stderr);
      }
    } finally {
      await tls.close();
      rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  test('--request-target and --path-as-is: the request line as given; without --path-as-is /../ is squashed, as curl', async () => {
    const srv = await startServer();
    try {
      for (const args of [
        ['-X', 'OPTIONS', '--request-target', '*', srv.url('/ignored')],
        ['--request-target', '/echo?x=../y', srv.url('/ignored')],
        ['--path-as-is', srv.url('/a/../b/./echo?q=/./')],
        [srv.url('/a/../b/./echo?q=/./')],
      ]) {
        const before = srv.requests.length;
        const d = await dial(['-s', '-o', '/dev/null', ...args]);
        const c = await curl(['-s', '-o', '/dev/null', ...args]);
        assert.deepEqual([d.code, c.code], [0, 0], args.join(' '));
        const [ours, theirs] = srv.requests.slice(before);
        assert.equal(ours?.url, theirs?.url, args.join(' '));
        assert.equal(ours?.method, theirs?.method);
      }
      assert.deepEqual(srv.requests.map((r) => r.url).slice(0, 2), ['*', '*']);
      // With -G the path stays as typed too (curl 7.88 squashes it there: -G rebuilds the URL without --path-as-is).
      const d = await dial(['-s', '-o', '/dev/null', '--path-as-is', '-G', '-d', 'k=v', srv.url('/x/../echo')]);
      assert.equal(d.code, 0);
      assert.equal(srv.requests.at(-1)?.url, '/x/../echo?k=v');
    } finally {
      await srv.close();
    }
  });

  test('--request-target with a space or a control character: refused before anything is sent', async () => {
    const srv = await startServer();
    try {
      for (const t of ['/a b', '/a\tb']) {
        const d = await dial(['-s', '--request-target', t, srv.url('/hello')]);
        assert.equal(d.code, 2, t);
      }
      assert.equal(srv.requests.length, 0);
    } finally {
      await srv.close();
    }
  });

  test('--post301, --post302, --post303 keep a POST (and its body) on that redirect only, as curl', async () => {
    const srv = await startServer();
    try {
      for (const status of [301, 302, 303]) {
        for (const flags of [[`--post${status}`], [], ['--post301', '--post302', '--post303'].filter((f) => f !== `--post${status}`)]) {
          const args = ['-s', '-L', '-d', 'a=1', ...flags, srv.url(`/moved?code=${status}&to=/echo`)];
          const [d, c] = await both(args);
          assert.equal(d.code, 0, d.stderr);
          const [ours, theirs] = [echo(d), echo(c)];
          assert.deepEqual([ours.method, ours.body], [theirs.method, theirs.body], args.join(' '));
          assert.equal(ours.method, flags.includes(`--post${status}`) ? 'POST' : 'GET');
        }
      }
    } finally {
      await srv.close();
    }
  });

  test('--location-trusted sends -u (and --oauth2-bearer) to the other origin a redirect leads to; -L alone does not', async () => {
    const a = await startServer();
    const b = await startServer();
    try {
      const there = encodeURIComponent(b.url('/echo'));
      for (const creds of [['-u', 'user:pw'], ['--oauth2-bearer', 'tok.en']]) {
        for (const follow of ['-L', '--location-trusted']) {
          const [d, c] = await both(['-s', follow, ...creds, a.url(`/moved?to=${there}`)]);
          assert.equal(d.code, 0, d.stderr);
          assert.equal(echo(d).headers.authorization, echo(c).headers.authorization, `${creds[0]} ${follow}`);
          assert.equal(echo(d).headers.authorization === undefined, follow === '-L');
        }
        // Same origin: the first request carries them whichever way.
        const [d, c] = await both(['-s', ...creds, a.url('/echo')]);
        assert.equal(echo(d).headers.authorization, echo(c).headers.authorization);
      }
      const [d, c] = await both(['-s', '--oauth2-bearer', 'T', b.url('/echo')]);
      assert.deepEqual([echo(d).headers.authorization, echo(c).headers.authorization], ['Bearer T', 'Bearer T']);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
});
