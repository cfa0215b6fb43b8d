/**
 * dial's --proxy-header, --suppress-connect-headers, --proxy1.0,
 * --expect100-timeout, --haproxy-protocol, --ignore-content-length and
 * --http0.9 beside curl 7.88: the same bytes reach the proxy and the server,
 * the same bytes reach stdout, the same exit code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { gzipSync } from 'node:zlib';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { join } from 'node:path';
import { CURL, curl, dial, tempDir, type RunResult } from './helpers.js';

/** A loopback proxy that records each connection's bytes: CONNECT gets a 200 and a tunnel to `originPort`; anything else a small 200 of its own. */
interface RecordingProxy {
  port: number;
  /** Every byte each connection sent, by connection, as latin1 text. */
  conns: string[];
  close(): Promise<void>;
}

/** Listens on loopback; `close` destroys the sockets still open (`sockets`) before closing. */
async function listening(srv: net.Server, conns: string[], sockets: Set<net.Socket>): Promise<RecordingProxy> {
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    conns,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

async function recordingProxy(originPort: () => number): Promise<RecordingProxy> {
  const conns: string[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    const i = conns.push('') - 1;
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
    let head = '';
    const onData = (d: Buffer): void => {
      conns[i] += d.toString('latin1');
      head += d.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.startsWith('CONNECT ')) {
        c.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nforwarded\n');
        return;
      }
      c.removeListener('data', onData);
      c.pause();
      const up = net.connect(originPort(), '127.0.0.1', () => {
        c.write('HTTP/1.1 200 Connection established\r\nX-Proxy: yes\r\n\r\n');
        c.on('data', (more: Buffer) => (conns[i] += more.toString('latin1')));
        c.pipe(up).pipe(c);
        c.resume();
      });
      up.on('error', () => c.destroy());
      sockets.add(up);
      up.on('close', () => sockets.delete(up));
    };
    c.on('data', onData);
  });
  return listening(srv, conns, sockets);
}

/** A loopback origin answering each request head with `answer` (raw bytes), recording what it read. */
async function rawOrigin(answer: (head: string) => string | undefined): Promise<RecordingProxy> {
  const conns: string[] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    const i = conns.push('') - 1;
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    c.on('error', () => {});
    c.on('data', (d: Buffer) => {
      conns[i] += d.toString('latin1');
      const reply = answer(conns[i]!);
      if (reply !== undefined) c.end(Buffer.from(reply, 'latin1'));
    });
  });
  return listening(srv, conns, sockets);
}

/** The header lines of the head that starts `text`, without those curl adds and dial does not (User-Agent, Accept, Proxy-Connection). */
function ownLines(text: string): string[] {
  return text
    .slice(0, text.indexOf('\r\n\r\n'))
    .split('\r\n')
    .filter((l) => !/^(user-agent|accept|proxy-connection):/i.test(l));
}

/** The request line and header lines of the request that follows the CONNECT head in a tunnel. */
function tunnelledRequest(conn: string): string[] {
  return ownLines(conn.slice(conn.indexOf('\r\n\r\n') + 4));
}

const same = (a: RunResult, b: RunResult) => {
  assert.equal(a.code, b.code, `exit codes: dial ${a.code} (${a.stderr}), curl ${b.code} (${b.stderr})`);
  assert.equal(a.out, b.out);
};

let origin: RecordingProxy;
let proxy: RecordingProxy;
before(async () => {
  origin = await rawOrigin((h) => (h.includes('\r\n\r\n') ? 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nhi\n' : undefined));
  proxy = await recordingProxy(() => origin.port);
});
after(async () => {
  await Promise.all([origin.close(), proxy.close()]);
});

/** Runs the same arguments through dial and curl; returns both results and the proxy connections each made. */
async function both(args: string[]): Promise<{ d: RunResult; c: RunResult; dConns: string[]; cConns: string[] }> {
  const start = proxy.conns.length;
  // The helpers set NO_PROXY=* (so a stray proxy never catches a test): these runs want theirs.
  const env = { NO_PROXY: '', no_proxy: '' };
  const d = await dial(args, { env });
  const mid = proxy.conns.length;
  const c = await curl(args, { env });
  return { d, c, dConns: proxy.conns.slice(start, mid), cConns: proxy.conns.slice(mid) };
}

// curl is the oracle of every test below: without it they fail, they are never skipped.
test('curl is installed (the oracle of this file)', () => {
  assert.ok(CURL, 'curl is needed: apt-get install curl');
});

describe('--proxy-header', () => {
  test('parsed with -H\'s syntax: Name: value sent, Name; empty, Name: not at all; a bad line is exit 2', () => {
    const o = parseCliArgs(['--proxy-header', 'X-A: 1', '--proxy-header', 'X-B;', '--proxy-header', 'X-C:', 'http://h/']);
    assert.deepEqual(o.proxyHeaders, [['X-A', '1'], ['X-B', '']]);
    assert.throws(() => parseCliArgs(['--proxy-header', 'nonsense', 'http://h/']), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
  });

  test('an empty one (Name;) goes as `Name:` with nothing after the colon, as curl; -H too', async () => {
    const { d, c, dConns, cConns } = await both(['-s', '-x', `http://127.0.0.1:${proxy.port}`, '-p', '--proxy-header', 'X-PE;', '-H', 'X-E;', 'http://example.test/empty']);
    same(d, c);
    assert.match(dConns[0]!, /\r\nX-PE:\r\n\r\n/);
    assert.deepEqual(ownLines(dConns[0]!), ownLines(cConns[0]!));
    assert.deepEqual(tunnelledRequest(dConns[0]!), ['GET /empty HTTP/1.1', 'Host: example.test', 'X-E:']);
    assert.deepEqual(tunnelledRequest(dConns[0]!), tunnelledRequest(cConns[0]!));
  });

  test('in the CONNECT of a tunnel (-p), after Host; -H stays out of CONNECT and in the request, as curl', async () => {
    const args = ['-s', '-x', `http://127.0.0.1:${proxy.port}`, '-p', '--proxy-header', 'X-PH: p', '--proxy-header', 'User-Agent: pua', '-H', 'X-H: h', 'http://example.test/a'];
    const { d, c, dConns, cConns } = await both(args);
    same(d, c);
    assert.equal(d.out, 'hi\n');
    assert.deepEqual(ownLines(dConns[0]!), ['CONNECT example.test:80 HTTP/1.1', 'Host: example.test:80', 'X-PH: p']);
    assert.deepEqual(ownLines(dConns[0]!), ownLines(cConns[0]!));
    assert.match(dConns[0]!, /\r\nUser-Agent: pua\r\n/, 'the proxy header names its own User-Agent');
    assert.deepEqual(tunnelledRequest(dConns[0]!), ['GET /a HTTP/1.1', 'Host: example.test', 'X-H: h']);
    assert.deepEqual(tunnelledRequest(dConns[0]!), tunnelledRequest(cConns[0]!));
  });

  test('to a forwarding proxy: after the request\'s -H headers, as curl', async () => {
    const args = ['-s', '-x', `http://127.0.0.1:${proxy.port}`, '--proxy-header', 'X-PH: p', '--proxy-header', 'Host: ignored', '-H', 'X-H: h', 'http://example.test/b'];
    const { d, c, dConns, cConns } = await both(args);
    same(d, c);
    assert.equal(d.out, 'forwarded\n');
    assert.deepEqual(ownLines(dConns[0]!), ['GET http://example.test/b HTTP/1.1', 'Host: example.test', 'X-H: h', 'X-PH: p']);
    assert.deepEqual(ownLines(dConns[0]!), ownLines(cConns[0]!));
  });
});

describe('--suppress-connect-headers', () => {
  test('a refused CONNECT (407) shows no head with it, and is still exit 56, as curl', async () => {
    const refusing = net.createServer((c) => {
      c.on('error', () => {});
      c.on('data', () => c.write('HTTP/1.1 407 Proxy Auth\r\nProxy-Authenticate: Basic realm="r"\r\nContent-Length: 0\r\n\r\n'));
    });
    await new Promise<void>((r) => refusing.listen(0, '127.0.0.1', r));
    try {
      const at = `127.0.0.1:${(refusing.address() as net.AddressInfo).port}`;
      const env = { NO_PROXY: '', no_proxy: '' };
      for (const flags of [['-i'], ['-i', '--suppress-connect-headers']]) {
        const args = ['-s', ...flags, '-x', at, '-p', 'http://example.test/'];
        const [d, c] = [await dial(args, { env }), await curl(args, { env })];
        same(d, c);
        assert.equal(d.code, 56);
        assert.equal(d.out.startsWith('HTTP/1.1 407 Proxy Auth\r\n'), flags.length === 1, d.out);
      }
    } finally {
      await new Promise<void>((r) => refusing.close(() => r()));
    }
  });

  test('-i and -D leave out the proxy\'s 200 to CONNECT, -w %{http_connect} still says it, as curl', async () => {
    const base = ['-s', '-x', `http://127.0.0.1:${proxy.port}`, '-p', 'http://example.test/s'];
    const shown = await both(['-i', ...base]);
    same(shown.d, shown.c);
    assert.match(shown.d.out, /^HTTP\/1\.1 200 Connection established\r\nX-Proxy: yes\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    const suppressed = await both(['-i', '--suppress-connect-headers', ...base]);
    same(suppressed.d, suppressed.c);
    assert.equal(suppressed.d.out, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nhi\n');
    const dumped = await both(['--suppress-connect-headers', '-D', '-', '-o', '/dev/null', '-w', '%{http_connect}\n', ...base]);
    same(dumped.d, dumped.c);
    assert.equal(dumped.d.out, 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\n200\n');
  });
});

describe('--proxy1.0', () => {
  test('is the proxy, with a CONNECT of HTTP/1.0; the last of it, -x and the SOCKS options wins', () => {
    const o = parseCliArgs(['--proxy1.0', 'p:3128', 'http://h/']);
    assert.equal(o.proxy, 'p:3128');
    assert.equal(o.proxyConnectVersion, '1.0');
    const later = parseCliArgs(['--proxy1.0', 'p:3128', '-x', 'q:8080', 'http://h/']);
    assert.equal(later.proxy, 'q:8080');
    assert.equal(later.proxyConnectVersion, undefined);
    assert.equal(parseCliArgs(['--socks5', 'q:1080', '--proxy1.0', 'p:3128', 'http://h/']).proxy, 'p:3128');
  });

  test('CONNECT says HTTP/1.0 and the request in the tunnel 1.1; a forwarded request stays 1.1; -x after it is 1.1 again — as curl', async () => {
    const at = `127.0.0.1:${proxy.port}`;
    const tunnel = await both(['-s', '--proxy1.0', at, '-p', 'http://example.test/t']);
    same(tunnel.d, tunnel.c);
    assert.equal(tunnel.d.out, 'hi\n');
    assert.deepEqual(ownLines(tunnel.dConns[0]!), ['CONNECT example.test:80 HTTP/1.0', 'Host: example.test:80']);
    assert.deepEqual(ownLines(tunnel.dConns[0]!), ownLines(tunnel.cConns[0]!));
    assert.deepEqual(tunnelledRequest(tunnel.dConns[0]!)[0], 'GET /t HTTP/1.1');
    const forwarded = await both(['-s', '--proxy1.0', at, 'http://example.test/f']);
    same(forwarded.d, forwarded.c);
    assert.deepEqual(ownLines(forwarded.dConns[0]!)[0], 'GET http://example.test/f HTTP/1.1');
    assert.deepEqual(ownLines(forwarded.dConns[0]!), ownLines(forwarded.cConns[0]!));
    const reset = await both(['-s', '--proxy1.0', at, '-x', at, '-p', 'http://example.test/r']);
    same(reset.d, reset.c);
    assert.deepEqual(ownLines(reset.dConns[0]!)[0], 'CONNECT example.test:80 HTTP/1.1');
    assert.deepEqual(ownLines(reset.dConns[0]!), ownLines(reset.cConns[0]!));
  });
});

describe('--expect100-timeout', () => {
  /** An origin that never says 100 Continue: it answers once the body its Content-Length names has come. */
  let silent: RecordingProxy;
  before(async () => {
    silent = await rawOrigin((h) => {
      const end = h.indexOf('\r\n\r\n');
      const len = /\r\ncontent-length: *(\d+)/i.exec(h.slice(0, end));
      if (end < 0 || !len || h.length - end - 4 < Number(len[1])) return undefined;
      return 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n';
    });
  });
  after(() => silent.close());

  test('seconds, fractions allowed; not a number or below 0 is exit 2 with curl\'s words', () => {
    assert.equal(parseCliArgs(['--expect100-timeout', '2.5', 'http://h/']).expect100Timeout, 2.5);
    assert.equal(parseCliArgs(['http://h/']).expect100Timeout, undefined);
    assert.throws(() => parseCliArgs(['--expect100-timeout', 'abc', 'http://h/']), /expected a proper numerical parameter/);
    assert.throws(() => parseCliArgs(['--expect100-timeout', '-1', 'http://h/']), /expected a positive numerical parameter/);
  });

  test('a short wait sends the body inside -m 1 (the default 1 s wait would not); a long one times out (28) — as curl', async () => {
    const args = (wait: string) => ['-sS', '-m', '1', '--expect100-timeout', wait, '-H', 'Expect: 100-continue', '-d', 'payload', `http://127.0.0.1:${silent.port}/e`];
    const [d, c] = [await dial(args('0.05')), await curl(args('0.05'))];
    same(d, c);
    assert.equal(d.out, 'ok\n');
    const [dl, cl] = [await dial(args('5')), await curl(args('5'))];
    assert.equal(dl.code, 28, dl.stderr);
    assert.equal(cl.code, 28, cl.stderr);
    assert.equal(dl.out, '');
  });
});

describe('--haproxy-protocol', () => {
  /** The PROXY line a connection began with, its source port (which differs run to run) as PORT; '' without one. */
  const proxyLine = (conn: string) => (conn.startsWith('PROXY ') ? conn.slice(0, conn.indexOf('\r\n')).replace(/^(PROXY TCP4 \S+ \S+) \d+/, '$1 PORT') : '');

  test('each connection to the server opens with the PROXY line, as curl\'s', async () => {
    const url = `http://127.0.0.1:${origin.port}/h`;
    const from = origin.conns.length;
    const d = await dial(['-s', '--haproxy-protocol', url]);
    const mid = origin.conns.length;
    const c = await curl(['-s', '--haproxy-protocol', url]);
    same(d, c);
    assert.equal(d.out, 'hi\n');
    const mine = origin.conns.slice(from, mid);
    const theirs = origin.conns.slice(mid);
    assert.equal(mine.length, 1);
    assert.equal(proxyLine(mine[0]!), `PROXY TCP4 127.0.0.1 127.0.0.1 PORT ${origin.port}`);
    assert.deepEqual(mine.map(proxyLine), theirs.map(proxyLine));
    // The request follows the line.
    assert.match(mine[0]!, /^PROXY [^\r]*\r\nGET \/h HTTP\/1\.1\r\n/);
  });

  test('over --unix-socket the line is PROXY UNKNOWN, as curl\'s', async () => {
    const path = join(tempDir(), 'h.sock');
    const seen: string[] = [];
    const srv = net.createServer((c) => {
      c.on('error', () => {});
      let got = '';
      c.on('data', (d: Buffer) => {
        got += d.toString('latin1');
        if (!got.includes('\r\n\r\n')) return;
        seen.push(got);
        c.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nhi\n');
      });
    });
    await new Promise<void>((r) => srv.listen(path, r));
    try {
      const args = ['-s', '--haproxy-protocol', '--unix-socket', path, 'http://localhost/u'];
      const [d, c] = [await dial(args), await curl(args)];
      same(d, c);
      assert.equal(seen.length, 2);
      assert.deepEqual(seen.map((h) => h.slice(0, h.indexOf('\r\n'))), ['PROXY UNKNOWN', 'PROXY UNKNOWN']);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  });

  test('to a forwarding proxy the line is the first bytes to the proxy, as curl\'s', async () => {
    const { d, c, dConns, cConns } = await both(['-s', '--haproxy-protocol', '-x', `http://127.0.0.1:${proxy.port}`, 'http://example.test/p']);
    same(d, c);
    assert.equal(proxyLine(dConns[0]!), `PROXY TCP4 127.0.0.1 127.0.0.1 PORT ${proxy.port}`);
    assert.equal(proxyLine(dConns[0]!), proxyLine(cConns[0]!));
  });
});

describe('--http0.9 and --ignore-content-length', () => {
  let old: RecordingProxy;
  let longer: RecordingProxy;
  before(async () => {
    old = await rawOrigin((h) => (h.includes('\r\n\r\n') ? 'hello 0.9\n' : undefined));
    longer = await rawOrigin((h) => (h.includes('\r\n\r\n') ? 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdefgh' : undefined));
  });
  after(() => Promise.all([old.close(), longer.close()]));

  const cases: Array<[string, string[], () => RecordingProxy, number, string]> = [
    ['a 0.9 answer is refused by default (exit 1, curl\'s message)', ['-sS'], () => old, 1, ''],
    ['… to -I too', ['-sS', '-I'], () => old, 1, ''],
    ['--http0.9 accepts it: the bytes as the body', ['-sS', '--http0.9'], () => old, 0, 'hello 0.9\n'],
    ['… with no head for -i, and -w says 000 and version 0', ['-sS', '--http0.9', '-i', '-w', '%{http_code} %{http_version} %{size_header}'], () => old, 0, 'hello 0.9\n000 0 0'],
    ['… but not to a HEAD (exit 8)', ['-sS', '--http0.9', '-I'], () => old, 8, ''],
    ['without --ignore-content-length the length ends the body', ['-sS'], () => longer, 0, 'abc'],
    ['--ignore-content-length reads to the close', ['-sS', '--ignore-content-length', '-w', ' %{size_download}'], () => longer, 0, 'abcdefgh 8'],
  ];
  for (const [name, flags, server, code, out] of cases) {
    test(`${name}, as curl`, async () => {
      const args = [...flags, `http://127.0.0.1:${server().port}/`];
      const [d, c] = [await dial(args), await curl(args)];
      same(d, c);
      assert.equal(d.code, code, d.stderr);
      assert.equal(d.out, out);
      if (code === 1) assert.equal(d.stderr.trim(), 'dial: (1) Received HTTP/0.9 when not allowed');
    });
  }
});

describe('--tr-encoding and --raw', () => {
  const gz = gzipSync('hello gzip\n');
  const framed = (b: Buffer) => Buffer.concat([Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n')]);
  /** /te: gzip as a transfer coding; /ce: as a content coding; /chunked: plain chunks. */
  const answers: Record<string, Buffer> = {
    '/te': Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nConnection: close\r\n\r\n'), framed(gz)]),
    '/ce': Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n'), framed(gz)]),
    '/chunked': Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n'),
  };
  let coded: RecordingProxy;
  before(async () => {
    coded = await rawOrigin((h) => (h.includes('\r\n\r\n') ? answers[h.split(' ')[1]!]!.toString('latin1') : undefined));
  });
  after(() => coded.close());

  for (const flags of [[], ['--raw'], ['--raw', '--compressed'], ['--compressed'], ['--tr-encoding'], ['--raw', '-i']]) {
    test(`${flags.join(' ') || 'neither'}: the same bytes on stdout as curl for a transfer-coded, a content-coded and a chunked body`, async () => {
      for (const path of Object.keys(answers)) {
        const args = ['-s', ...flags, `http://127.0.0.1:${coded.port}${path}`];
        const [d, c] = [await dial(args), await curl(args)];
        same(d, c);
        assert.ok(d.stdout.equals(c.stdout), path);
      }
    });
  }

  test('--raw writes the chunk framing as received', async () => {
    const d = await dial(['-s', '--raw', `http://127.0.0.1:${coded.port}/chunked`]);
    assert.equal(d.out, '5\r\nhello\r\n3\r\nabc\r\n0\r\n\r\n');
  });

  test('--tr-encoding asks with TE: gzip and TE in Connection (added to a -H Connection), as curl', async () => {
    const heads = async (extra: string[]) => {
      const from = coded.conns.length;
      const args = ['-s', '--tr-encoding', ...extra, `http://127.0.0.1:${coded.port}/chunked`];
      const [d, c] = [await dial(args), await curl(args)];
      same(d, c);
      const [mine, theirs] = coded.conns.slice(from).map((h) => ownLines(h).filter((l) => /^(connection|te):/i.test(l)).sort());
      return { mine, theirs };
    };
    const plainAsk = await heads([]);
    assert.deepEqual(plainAsk.mine, ['Connection: TE', 'TE: gzip']);
    assert.deepEqual(plainAsk.mine, plainAsk.theirs);
    const merged = await heads(['-H', 'Connection: keep-alive']);
    assert.deepEqual(merged.mine, ['Connection: keep-alive, TE', 'TE: gzip']);
    assert.deepEqual(merged.mine, merged.theirs);
  });
});
