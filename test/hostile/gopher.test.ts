/**
 * Gopher servers that misbehave on purpose: a menu that never ends, a server
 * that never answers, and callers who pass line breaks in selectors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { gopherFetch } from '../../src/protocols/gopher/client.js';
import { urlopen } from '../../src/urlopen/index.js';
import { InputError, LimitError, TimeoutError } from '../../src/errors.js';
import { gopherServer } from '../protocols/gopher/server.js';

/** Writes `total` bytes of menu lines as fast as the client reads them; `sent` counts what went out. */
function floodMenu(total: number, counter: { sent: number } = { sent: 0 }) {
  return (sock: net.Socket) => {
    const chunk = Buffer.from('0An item of a menu that goes on and on\t/item\texample.org\t70\r\n'.repeat(1000));
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        counter.sent += chunk.length;
        if (!sock.write(chunk)) return void sock.once('drain', pump);
      }
      sock.end();
    };
    sock.on('error', () => {});
    pump();
  };
}

test('hostile: a 100 MB menu is a LimitError, with bounded memory', async () => {
  const counter = { sent: 0 };
  const srv = await gopherServer({ '': floodMenu(100 * 1024 * 1024, counter) });
  try {
    const before = process.memoryUsage().rss;
    const res = await gopherFetch(srv.url('/'));
    const err = await res.menu().catch((e: unknown) => e);
    assert.ok(err instanceof LimitError, String(err));
    assert.equal(err.protocol, 'gopher');
    const grown = process.memoryUsage().rss - before;
    assert.ok(grown < 96 * 1024 * 1024, `RSS grew by ${grown} bytes`);
    // The client stopped reading at the bound: the server got to send only a little of its 100 MB.
    assert.ok(counter.sent < 16 * 1024 * 1024, `the server sent ${counter.sent} bytes`);
    // A byte bound applies even when the items are few and long.
    const byBytes = await (await gopherFetch(srv.url('/'), { menu: { maxBytes: 1024 * 1024, maxItems: 1e9 } })).menu().catch((e: unknown) => e);
    assert.ok(byBytes instanceof LimitError);
    assert.equal(byBytes.limit, 1024 * 1024);
  } finally {
    await srv.close();
  }
});

test('hostile: the same flood through urlopen stops at maxBodySize', async () => {
  const srv = await gopherServer({ '': floodMenu(100 * 1024 * 1024) });
  try {
    const r = await urlopen(srv.url('/'), { maxBodySize: 2 * 1024 * 1024 });
    await assert.rejects(r.bytes(), LimitError);
  } finally {
    await srv.close();
  }
});

test('hostile: a server that never answers is a TimeoutError', async () => {
  const srv = await gopherServer({ '': () => {}, '/0': (s) => s.write('partial line without end') });
  try {
    const res = await gopherFetch(srv.url('/'), { timeout: 300 });
    // The bound that ended it is the 300 ms one (the error names it), not a later default.
    await assert.rejects(res.menu(), (e: unknown) => e instanceof TimeoutError && e.timeout === 300);
    // Some bytes, then silence: still bounded by the overall timeout.
    const r = await urlopen(srv.url('/0/0'), { timeout: 300 });
    await assert.rejects(r.text(), TimeoutError);
  } finally {
    await srv.close();
  }
});

test('hostile: CR, LF or tab in a caller selector is refused and nothing is sent', async () => {
  const srv = await gopherServer({});
  try {
    for (const selector of ['/a\r\nb', '/a\nb', '/a\rb', '/a\tb', '/a\0b']) {
      await assert.rejects(gopherFetch({ host: srv.host, port: srv.port, selector }), InputError, JSON.stringify(selector));
    }
    await assert.rejects(gopherFetch({ host: srv.host, port: srv.port, type: '7', selector: '/s', query: 'q\r\n/etc' }), InputError);
    await assert.rejects(urlopen(`${srv.url('/0/a')}%0D%0A/etc/passwd`), InputError);
    assert.deepEqual(srv.requests, []);
  } finally {
    await srv.close();
  }
});

test('hostile: a server that never accepts is a connect TimeoutError within the bound', async () => {
  const { blackhole } = await import('../helpers/blackhole.js');
  const hole = await blackhole();
  try {
    const e = await gopherFetch({ host: hole.host, port: hole.port }, { connectTimeout: 5000, timeout: 300 }).catch((x: unknown) => x);
    // The overall 300 ms bound ended it, not the 5 s connect bound.
    assert.ok(e instanceof TimeoutError && e.timeout !== undefined && e.timeout <= 300, String(e));
  } finally {
    hole.close();
  }
});
