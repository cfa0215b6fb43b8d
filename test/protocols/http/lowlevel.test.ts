import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { HTTPConnection } from '../../../src/protocols/http/lowlevel.js';
import { DialError, InputError } from '../../../src/errors.js';
import { memoryPair } from '../../../src/socket/memory.js';
import { keepAlive, serve, type ReceivedRequest } from './server.js';

describe('HTTPConnection (httplib layer)', () => {
  test('putRequest / putHeader / endHeaders / send / getResponse with Content-Length', async () => {
    let got: { req: ReceivedRequest; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { req, body: body.toString() }), c.respond(201, 'made', { 'X-Id': '7' }))));
    const c = new HTTPConnection('127.0.0.1', srv.port);
    c.putRequest('POST', '/upload');
    c.putHeader('Content-Length', 10);
    c.putHeader('X-Multi', 'a', 'b');
    await c.endHeaders();
    await c.send('hello');
    await c.send(Buffer.from('world'));
    const r = await c.getResponse();
    assert.equal(r.status, 201);
    assert.equal(r.reason, 'Created');
    assert.equal(r.version, 11);
    assert.equal(r.getHeader('x-id'), '7');
    assert.equal(r.getHeader('x-missing', 'dflt'), 'dflt');
    assert.ok(r.getHeaders().some(([k]) => k === 'X-Id'));
    assert.equal((await r.read()).toString(), 'made');
    assert.equal(got!.body, 'helloworld');
    assert.equal(got!.req.header('host'), `127.0.0.1:${srv.port}`);
    assert.equal(got!.req.header('x-multi'), 'a, b');
    await c.close();
    await srv.close();
  });

  test('endHeaders(body) frames the body; the connection is kept for the next request', async () => {
    const srv = await serve(keepAlive((req, body, c) => c.respond(200, `${req.method} ${body}`)));
    const c = new HTTPConnection('127.0.0.1', srv.port);
    for (const word of ['one', 'two']) {
      c.putRequest('PUT', '/x');
      await c.endHeaders(word);
      const r = await c.getResponse();
      assert.equal((await r.read()).toString(), `PUT ${word}`);
    }
    assert.equal(srv.accepted, 1);
    await c.close();
    await srv.close();
  });

  test('httpVersion 1.0: the request line says so, each request gets its own connection, and chunked send() is refused', async () => {
    const seen: string[] = [];
    const srv = await serve(keepAlive((req, body, c) => (seen.push(req.version), c.respond(200, `${req.method} ${body}`))));
    const c = new HTTPConnection('127.0.0.1', srv.port, { httpVersion: '1.0' });
    try {
      for (const word of ['one', 'two']) {
        c.putRequest('PUT', '/x');
        await c.endHeaders(word);
        assert.equal((await (await c.getResponse()).read()).toString(), `PUT ${word}`);
      }
      assert.deepEqual(seen, ['HTTP/1.0', 'HTTP/1.0']);
      assert.equal(srv.accepted, 2);
      c.putRequest('POST', '/x');
      c.putHeader('Transfer-Encoding', 'chunked');
      await assert.rejects(c.endHeaders(), InputError);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  test('chunked: each send() is a chunk', async () => {
    let got: { te?: string; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { te: req.header('transfer-encoding'), body: body.toString() }), c.respond(200))));
    const c = new HTTPConnection('127.0.0.1', srv.port);
    c.putRequest('POST', '/');
    c.putHeader('Transfer-Encoding', 'chunked');
    await c.endHeaders();
    await c.send('ab');
    await c.send('cd');
    await (await c.getResponse()).read();
    assert.deepEqual(got, { te: 'chunked', body: 'abcd' });
    await c.close();
    await srv.close();
  });

  test('read(n) returns at most n bytes, then the rest, then empty', async () => {
    const [client, server] = memoryPair();
    const c = new HTTPConnection('h', 80, { connect: async () => client });
    c.putRequest('GET', '/');
    await c.endHeaders();
    await server.recv();
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789');
    const r = await c.getResponse();
    assert.equal((await r.read(3)).toString(), '012');
    assert.equal((await r.read(4)).toString(), '3456');
    assert.equal((await r.read()).toString(), '789');
    assert.equal((await r.read(5)).length, 0);
    await c.close();
  });

  test('order is enforced and unsafe input refused', async () => {
    const c = new HTTPConnection('h', 80, { connect: async () => memoryPair()[0] });
    assert.throws(() => c.putHeader('A', 'b'), InputError);
    await assert.rejects(c.getResponse(), InputError);
    c.putRequest('GET', '/');
    assert.throws(() => c.putRequest('GET', '/'), InputError);
    assert.throws(() => c.putHeader('X-A', 'a\r\nB: c'), InputError);
    assert.throws(() => c.putHeader('X A', 'b'), InputError);
    await assert.rejects(c.send('x'), InputError);
    const d = new HTTPConnection('h', 80, { connect: async () => memoryPair()[0] });
    d.putRequest('GE T', '/');
    await assert.rejects(d.endHeaders(), InputError);
  });

  test('send() on a connection the server dropped rejects with its error instead of waiting for ever', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      c.destroy();
    });
    const c = new HTTPConnection('127.0.0.1', srv.port, { timeout: 5000 });
    try {
      c.putRequest('PUT', '/up');
      c.putHeader('Content-Length', 64 * 1024 * 1024);
      await c.endHeaders();
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      await assert.rejects(
        (async () => {
          for (let i = 0; i < 64; i++) await c.send(chunk);
        })(),
        (e: DialError) => e instanceof DialError,
      );
      await assert.rejects(c.getResponse(), DialError);
    } finally {
      await c.close();
      await srv.close();
    }
  });

  test('send() after the server answered early (413, no longer reading) resolves without sending; getResponse() has the answer', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.respond(413, 'too big');
    });
    const c = new HTTPConnection('127.0.0.1', srv.port, { timeout: 5000 });
    try {
      c.putRequest('PUT', '/up');
      c.putHeader('Content-Length', 64 * 1024 * 1024);
      await c.endHeaders();
      const r = await (async () => {
        for (let i = 0; i < 64; i++) await c.send(Buffer.alloc(1024 * 1024, 0x61));
        return c.getResponse();
      })();
      assert.equal(r.status, 413);
      assert.equal((await r.read()).toString(), 'too big');
    } finally {
      await c.close();
      await srv.close();
    }
  });

  test('reconnects when the server closed the previous connection', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.respond(200, 'once', { Connection: 'close' });
      c.end();
    });
    const c = new HTTPConnection('127.0.0.1', srv.port);
    for (let i = 0; i < 2; i++) {
      c.putRequest('GET', '/');
      await c.endHeaders();
      assert.equal((await (await c.getResponse()).read()).toString(), 'once');
    }
    assert.equal(srv.accepted, 2);
    await c.close();
    await srv.close();
  });
});
