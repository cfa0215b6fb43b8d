/**
 * Hostile proxies, in process: each misbehaves in one way, and each failure
 * must be a typed error within its bound, with our socket closed (the fake
 * sees its connection end) — never a hang, never unbounded memory.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { connectTunnel, ProxyReplyError } from '../../src/protocols/http/proxy/http-connect.js';
import { socks5Connect } from '../../src/protocols/http/proxy/socks5.js';
import { AbortError, LimitError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { atLeast, fakeServer, readUntil, untilHeadEnd, type FakeServer } from '../protocols/http/proxy/fake-proxy.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs `script` as the proxy; resolves with the server and a promise of its connection's close. */
async function hostile(script: (sock: net.Socket) => Promise<void> | void): Promise<{ srv: FakeServer; closed: Promise<void> }> {
  let markClosed!: () => void;
  const closed = new Promise<void>((r) => (markClosed = r));
  const srv = await fakeServer(async (sock) => {
    // Our close shows as 'end' (FIN) or an error (RST); the fake must be reading to see either.
    sock.once('end', () => markClosed());
    sock.once('close', () => markClosed());
    sock.once('error', () => markClosed());
    await script(sock);
    sock.resume();
  });
  return { srv, closed };
}

/** Expects `p` to reject with `type` within `bound` ms, and our end of the connection to close. */
async function expectFailure(p: Promise<unknown>, type: new (...a: never[]) => Error, bound: number, closed: Promise<void>, match?: RegExp): Promise<Error> {
  const t0 = Date.now();
  let caught: Error | undefined;
  await assert.rejects(p, (e: unknown) => {
    caught = e as Error;
    assert.ok(e instanceof type, `expected ${type.name}, got ${String(e)}`);
    if (match) assert.match((e as Error).message, match);
    return true;
  });
  assert.ok(Date.now() - t0 < bound, `took ${Date.now() - t0} ms, bound ${bound}`);
  await Promise.race([closed, sleep(2000).then(() => assert.fail('our socket was left open'))]);
  return caught!;
}

/** Writes `chunk` over and over until the peer goes away or `total` bytes are out. */
async function flood(sock: net.Socket, chunk: Buffer, total: number): Promise<number> {
  let sent = 0;
  while (sent < total && !sock.destroyed && sock.writable) {
    if (!sock.write(chunk)) await new Promise<void>((r) => { sock.once('drain', r); sock.once('close', r); });
    sent += chunk.length;
  }
  return sent;
}

const http = (srv: FakeServer) => new URL(`http://127.0.0.1:${srv.port}`);
const socks = (srv: FakeServer) => new URL(`socks5h://127.0.0.1:${srv.port}`);
const target = { host: 'target.test', port: 443 };

describe('hostile HTTP CONNECT proxies', () => {
  test('407 with a body that never ends: refused at the head, no wait for the body', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.write('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="x"\r\nContent-Length: 999999999\r\n\r\n');
      await flood(sock, Buffer.alloc(16384, 0x61), 1e9);
    });
    try {
      const e = await expectFailure(connectTunnel(http(srv), target, { timeout: 5000 }), ProxyReplyError, 3000, closed, /proxy authentication required/);
      assert.equal((e as ProxyReplyError).reply?.code, 407);
    } finally {
      await srv.close();
    }
  });

  test('closes mid-reply (status line and part of the fields, no blank line) → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.end('HTTP/1.1 200 Connection established\r\nVia: 1.1 half');
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /mid-reply/);
    } finally {
      await srv.close();
    }
  });

  test('closes before any reply byte → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.end();
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /before replying/);
    } finally {
      await srv.close();
    }
  });

  test('a 5 GB header field (one line that never ends) → LimitError after ~64 KiB, proxy cut off', async () => {
    let sent = 0;
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.write('HTTP/1.1 200 OK\r\nX-Huge: ');
      sent = await flood(sock, Buffer.alloc(64 * 1024, 0x41), 5 * 1024 ** 3);
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 10_000 }), LimitError, 5000, closed);
      await sleep(50);
      assert.ok(sent < 64 * 1024 * 1024, `the proxy got to send ${sent} bytes`);
    } finally {
      await srv.close();
    }
  });

  test('endless short header lines → LimitError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.write('HTTP/1.1 200 OK\r\n');
      await flood(sock, Buffer.from('X-A: b\r\n'.repeat(1000)), 1e9);
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 10_000 }), LimitError, 5000, closed);
    } finally {
      await srv.close();
    }
  });

  test('a flood of 1xx interim replies → LimitError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      await flood(sock, Buffer.from('HTTP/1.1 100 Continue\r\n\r\n'.repeat(50)), 1e8);
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 10_000 }), LimitError, 5000, closed);
    } finally {
      await srv.close();
    }
  });

  test('not HTTP at all (an SSH banner) → ProtocolError', async () => {
    const { srv, closed } = await hostile((sock) => void sock.write('SSH-2.0-OpenSSH_9.2\r\n'));
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed);
    } finally {
      await srv.close();
    }
  });

  test('NUL inside a reply field → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      sock.write('HTTP/1.1 200 OK\r\nX-A: a\0b\r\n\r\n');
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed);
    } finally {
      await srv.close();
    }
  });

  test('a silent proxy → TimeoutError at the bound', async () => {
    const { srv, closed } = await hostile(() => {});
    try {
      const e = await expectFailure(connectTunnel(http(srv), target, { timeout: 300 }), TimeoutError, 1500, closed);
      assert.equal((e as TimeoutError).code, 'DIAL_E_TIMEOUT');
    } finally {
      await srv.close();
    }
  });

  test('a slow-drip proxy (1 byte / 50 ms): the timeout bounds the whole exchange, not each read', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, untilHeadEnd);
      for (const b of Buffer.from('HTTP/1.1 200 OK\r\n' + 'X: y\r\n'.repeat(100))) {
        if (sock.destroyed) return;
        sock.write(Buffer.of(b));
        await sleep(50);
      }
    });
    try {
      await expectFailure(connectTunnel(http(srv), target, { timeout: 600 }), TimeoutError, 1500, closed);
    } finally {
      await srv.close();
    }
  });

  test('an AbortSignal ends a hanging CONNECT with AbortError', async () => {
    const { srv, closed } = await hostile(() => {});
    try {
      await expectFailure(connectTunnel(http(srv), target, { signal: AbortSignal.timeout(200) }), AbortError, 1500, closed);
    } finally {
      await srv.close();
    }
  });
});

describe('hostile SOCKS5 proxies', () => {
  test('method reply with a bad version → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(4, 0));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /not a SOCKS5/);
    } finally {
      await srv.close();
    }
  });

  test('CONNECT reply with a bad version (a SOCKS4 reply) → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(5, 0));
      await readUntil(sock, atLeast(5));
      sock.write(Buffer.of(0, 90, 0, 0, 0, 0, 0, 0));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /not a SOCKS5 reply/);
    } finally {
      await srv.close();
    }
  });

  test('unknown address type in the reply → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(5, 0));
      await readUntil(sock, atLeast(5));
      sock.write(Buffer.of(5, 0, 0, 9, 0, 0, 0, 0, 0, 0));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /address type/);
    } finally {
      await srv.close();
    }
  });

  test('undefined reply code → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(5, 0));
      await readUntil(sock, atLeast(5));
      sock.write(Buffer.of(5, 99, 0, 1, 0, 0, 0, 0, 0, 0));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /undefined reply code 99/);
    } finally {
      await srv.close();
    }
  });

  test('closes in the middle of the reply (domain of 255 promised, 3 sent) → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(5, 0));
      await readUntil(sock, atLeast(5));
      sock.end(Buffer.of(5, 0, 0, 3, 255, 97, 98, 99));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000 }), ProtocolError, 3000, closed, /closed/);
    } finally {
      await srv.close();
    }
  });

  test('a silent SOCKS server → TimeoutError at the bound', async () => {
    const { srv, closed } = await hostile(() => {});
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 300 }), TimeoutError, 1500, closed);
    } finally {
      await srv.close();
    }
  });

  test('a slow-drip SOCKS server: the timeout covers the whole handshake', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      for (const b of [5, 0]) {
        sock.write(Buffer.of(b));
        await sleep(150);
      }
      await readUntil(sock, atLeast(5));
      for (const b of [5, 0, 0, 1, 127, 0, 0, 1, 0, 80]) {
        if (sock.destroyed) return;
        sock.write(Buffer.of(b));
        await sleep(150);
      }
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 700 }), TimeoutError, 1500, closed);
    } finally {
      await srv.close();
    }
  });

  test('user/password reply with the wrong sub-version → ProtocolError', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(4));
      sock.write(Buffer.of(5, 2));
      await readUntil(sock, atLeast(5));
      sock.write(Buffer.of(5, 0));
    });
    try {
      await expectFailure(socks5Connect(new URL(`socks5h://u:p@127.0.0.1:${srv.port}`), target, { timeout: 5000 }), ProtocolError, 3000, closed);
    } finally {
      await srv.close();
    }
  });

  test('bytes after a success reply, before we sent anything, are refused at startTLS (injection)', async () => {
    const { srv, closed } = await hostile(async (sock) => {
      await readUntil(sock, atLeast(3));
      sock.write(Buffer.of(5, 0));
      await readUntil(sock, atLeast(5));
      sock.write(Buffer.concat([Buffer.of(5, 0, 0, 1, 127, 0, 0, 1, 0, 80), Buffer.from('HTTP/1.1 200 OK\r\n\r\nforged')]));
    });
    try {
      await expectFailure(socks5Connect(socks(srv), target, { timeout: 5000, targetTls: {} }), ProtocolError, 3000, closed, /before the TLS handshake/);
    } finally {
      await srv.close();
    }
  });
});
