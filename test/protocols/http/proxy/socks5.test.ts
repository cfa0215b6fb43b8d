import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { socks5Connect } from '../../../../src/protocols/http/proxy/socks5.js';
import { ConnectError, InputError, ProtocolError, ReplyError } from '../../../../src/errors.js';
import { atLeast, echoServer, fakeServer, readUntil, splice, type FakeServer } from './fake-proxy.js';

const T = 5000;

interface Seen {
  methods?: number[];
  user?: string;
  password?: string;
  atyp?: number;
  host?: string;
  port?: number;
}

/** A small SOCKS5 server following RFC 1928; `code` is its CONNECT reply; it splices to `to` on success. */
function socksServer(opts: { to?: number; requireAuth?: { user: string; password: string }; code?: number }, seen: Seen[]): Promise<FakeServer> {
  return fakeServer(async (sock: net.Socket) => {
    const s: Seen = {};
    seen.push(s);
    let buf = await readUntil(sock, (b) => b.length >= 2 && b.length >= 2 + b[1]!);
    s.methods = Array.from(buf.subarray(2, 2 + buf[1]!));
    if (opts.requireAuth) {
      if (!s.methods.includes(2)) return void sock.end(Buffer.from([5, 0xff]));
      sock.write(Buffer.from([5, 2]));
      buf = await readUntil(sock, (b) => b.length >= 2 && b.length >= 3 + b[1]! && b.length >= 3 + b[1]! + b[2 + b[1]!]!);
      const ul = buf[1]!;
      s.user = buf.subarray(2, 2 + ul).toString();
      s.password = buf.subarray(3 + ul, 3 + ul + buf[2 + ul]!).toString();
      const ok = s.user === opts.requireAuth.user && s.password === opts.requireAuth.password;
      sock.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) return void sock.end();
    } else sock.write(Buffer.from([5, 0]));
    buf = await readUntil(sock, (b) => b.length >= 5 && b.length >= (b[3] === 1 ? 10 : b[3] === 4 ? 22 : 7 + b[4]!));
    s.atyp = buf[3];
    if (buf[3] === 1) s.host = Array.from(buf.subarray(4, 8)).join('.');
    else if (buf[3] === 3) s.host = buf.subarray(5, 5 + buf[4]!).toString();
    else s.host = buf.subarray(4, 20).toString('hex');
    s.port = buf.readUInt16BE(buf.length - 2);
    const code = opts.code ?? 0;
    sock.write(Buffer.from([5, code, 0, 1, 127, 0, 0, 1, 0x04, 0x38]));
    if (code === 0 && opts.to) await splice(sock, opts.to);
    else sock.end();
  });
}

async function echoOnce(s: { send(b: string): Promise<void>; recv(n?: number, o?: { timeout?: number }): Promise<Buffer> }, text: string): Promise<string> {
  await s.send(text);
  let got = '';
  while (got.length < text.length) {
    const c = await s.recv(65536, { timeout: T });
    if (c.length === 0) break;
    got += c.toString();
  }
  return got;
}

describe('socks5Connect over a fake SOCKS5 server', () => {
  let echo: FakeServer;
  before(async () => {
    echo = await echoServer();
  });
  after(async () => {
    await echo.close();
  });

  test('socks5h://: no auth offered, the host name goes to the proxy (remote DNS), bytes flow', async () => {
    const seen: Seen[] = [];
    const srv = await socksServer({ to: echo.port }, seen);
    try {
      const s = await socks5Connect(new URL(`socks5h://127.0.0.1:${srv.port}`), { host: 'only.the-proxy.knows', port: 4321 }, { timeout: T });
      assert.equal(await echoOnce(s, 'ping'), 'ping');
      await s.close();
      assert.deepEqual(seen[0], { methods: [0], atyp: 3, host: 'only.the-proxy.knows', port: 4321 });
    } finally {
      await srv.close();
    }
  });

  test('socks5://: resolved here through options.lookup, the address is sent', async () => {
    const seen: Seen[] = [];
    const srv = await socksServer({ to: echo.port }, seen);
    const asked: string[] = [];
    try {
      const s = await socks5Connect(new URL(`socks5://127.0.0.1:${srv.port}`), { host: 'local.test', port: 80 }, {
        timeout: T,
        lookup: async (name) => {
          asked.push(name);
          return [{ address: '10.9.8.7', family: 4 }];
        },
      });
      await s.close();
      assert.deepEqual(asked, ['local.test']);
      assert.deepEqual(seen[0], { methods: [0], atyp: 1, host: '10.9.8.7', port: 80 });
    } finally {
      await srv.close();
    }
  });

  test('IPv6 literal target goes as ATYP 4', async () => {
    const seen: Seen[] = [];
    const srv = await socksServer({}, seen);
    try {
      const s = await socks5Connect(new URL(`socks5h://127.0.0.1:${srv.port}`), { host: '[::1]', port: 443 }, { timeout: T });
      await s.close();
      assert.equal(seen[0]!.atyp, 4);
      assert.equal(seen[0]!.host, '00000000000000000000000000000001');
    } finally {
      await srv.close();
    }
  });

  test('the proxy itself on an IPv6 literal ([::1])', async () => {
    const v6 = await fakeServer(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.from([5, 0]));
      await readUntil(sock, (b) => b.length >= 7 && b.length >= 7 + b[4]!);
      sock.write(Buffer.from([5, 0, 0, 4, ...Buffer.alloc(15), 1, 0, 80]));
      await splice(sock, echo.port);
    }, '::1');
    try {
      const s = await socks5Connect(new URL(`socks5h://[::1]:${v6.port}`), { host: 'x.test', port: 80 }, { timeout: T });
      assert.equal(await echoOnce(s, 'v6'), 'v6');
      await s.close();
    } finally {
      await v6.close();
    }
  });

  test('user/password from the URL (percent-decoded), RFC 1929', async () => {
    const seen: Seen[] = [];
    const srv = await socksServer({ to: echo.port, requireAuth: { user: 'us@r', password: 'p:w d' } }, seen);
    try {
      const s = await socks5Connect(new URL(`socks5h://us%40r:p%3Aw%20d@127.0.0.1:${srv.port}`), { host: 'x.test', port: 1 }, { timeout: T });
      assert.equal(await echoOnce(s, 'authed'), 'authed');
      await s.close();
      assert.deepEqual(seen[0]!.methods, [0, 2]);
      assert.equal(seen[0]!.user, 'us@r');
    } finally {
      await srv.close();
    }
  });

  test('wrong password → ReplyError; no credentials when required → ReplyError saying so', async () => {
    const srv = await socksServer({ requireAuth: { user: 'u', password: 'right' } }, []);
    try {
      await assert.rejects(socks5Connect(new URL(`socks5h://u:wrong@127.0.0.1:${srv.port}`), { host: 'x.test', port: 1 }, { timeout: T }), (e: unknown) => e instanceof ReplyError && /refused the user name/.test(e.message));
      await assert.rejects(socks5Connect(new URL(`socks5h://127.0.0.1:${srv.port}`), { host: 'x.test', port: 1 }, { timeout: T }), (e: unknown) => e instanceof ReplyError && /requires authentication/.test(e.message));
    } finally {
      await srv.close();
    }
  });

  test('reply 5 (refused) → ConnectError DIAL_E_CONNECT; reply 2 (ruleset) → ReplyError', async () => {
    const refused = await socksServer({ code: 5 }, []);
    const ruleset = await socksServer({ code: 2 }, []);
    try {
      await assert.rejects(socks5Connect(new URL(`socks5h://127.0.0.1:${refused.port}`), { host: 'x.test', port: 1 }, { timeout: T }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT' && /connection refused/.test(e.message));
      await assert.rejects(socks5Connect(new URL(`socks5h://127.0.0.1:${ruleset.port}`), { host: 'x.test', port: 1 }, { timeout: T }), ReplyError);
    } finally {
      await refused.close();
      await ruleset.close();
    }
  });

  test('local resolution failure → ConnectError DIAL_E_RESOLVE, proxy never contacted', async () => {
    const srv = await socksServer({}, []);
    try {
      await assert.rejects(
        socks5Connect(new URL(`socks5://127.0.0.1:${srv.port}`), { host: 'nx.test', port: 1 }, { timeout: T, lookup: async () => { throw new Error('NXDOMAIN'); } }),
        (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE',
      );
      await assert.rejects(socks5Connect(new URL(`socks5://127.0.0.1:${srv.port}`), { host: 'nx.test', port: 1 }, { timeout: T, lookup: async () => [] }), ConnectError);
      assert.equal(srv.connections, 0);
    } finally {
      await srv.close();
    }
  });

  test('an HTTP server where a SOCKS5 proxy was expected → ProtocolError', async () => {
    const http = await fakeServer(async (sock) => {
      await readUntil(sock, atLeast(1));
      sock.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    try {
      await assert.rejects(socks5Connect(new URL(`socks5h://127.0.0.1:${http.port}`), { host: 'x.test', port: 1 }, { timeout: T }), ProtocolError);
    } finally {
      await http.close();
    }
  });

  test('bad input refused before connecting', async () => {
    const srv = await socksServer({}, []);
    try {
      const u = new URL(`socks5h://127.0.0.1:${srv.port}`);
      await assert.rejects(socks5Connect(u, { host: 'a\r\nb', port: 1 }), InputError);
      await assert.rejects(socks5Connect(u, { host: 'a', port: 0 }), InputError);
      await assert.rejects(socks5Connect(new URL(`http://127.0.0.1:${srv.port}`), { host: 'a', port: 1 }), InputError);
      await assert.rejects(socks5Connect(new URL(`socks5h://${'u'.repeat(256)}:p@127.0.0.1:${srv.port}`), { host: 'a', port: 1 }), InputError);
      assert.equal(srv.connections, 0);
    } finally {
      await srv.close();
    }
  });
});
