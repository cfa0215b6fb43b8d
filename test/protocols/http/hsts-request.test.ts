// request() with an HSTS cache (RFC 6797): a verified https answer teaches
// it, a later http:// URL of that host — given, or a redirect's — goes as
// https://, and an answer read without verification teaches nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, HstsCache } from '../../../src/protocols/http/index.js';
import { urlopen } from '../../../src/urlopen/index.js';
import type { TraceEvent } from '../../../src/trace.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { agentsDestroyedAfter, keepAlive, serve, type TestServer } from './server.js';

let pki: TestPKI;
let secure: TestServer;
let plain: TestServer;
const fresh = agentsDestroyedAfter(after);

before(async () => {
  pki = makeTestPKI();
  secure = await serve(
    keepAlive((req, _b, c) => c.respond(200, `tls ${req.target}`, req.target.startsWith('/forget') ? { 'Strict-Transport-Security': 'max-age=0' } : { 'Strict-Transport-Security': 'max-age=600; includeSubDomains' })),
    { tls: { cert: pki.server.cert, key: pki.server.key } },
  );
  // The clear-text side: a page, and a redirect to the https server's port over http://.
  plain = await serve(keepAlive((req, _b, c) => (req.target === '/go' ? c.respond(302, '', { Location: `http://localhost:${secure.port}/landed` }) : c.respond(200, `clear ${req.target}`))));
});
after(async () => {
  await secure.close();
  await plain.close();
  pki.cleanup();
});

test('learned from https, then an http:// URL of that host goes as https:// (its explicit port kept), with a trace line', async () => {
  const hsts = new HstsCache();
  const agent = fresh();
  const tls = { ca: pki.ca.cert };
  assert.equal(await (await request(`https://localhost:${secure.port}/a`, { agent, tls, hsts })).text(), 'tls /a');
  assert.ok(hsts.find('localhost')?.includeSubDomains);
  const events: TraceEvent[] = [];
  const res = await request(`http://localhost:${secure.port}/b`, { agent, tls, hsts, trace: (e) => events.push(e) });
  assert.equal(res.url, `https://localhost:${secure.port}/b`);
  assert.equal(await res.text(), 'tls /b');
  assert.ok(events.some((e) => e.text === `Switched from HTTP to HTTPS due to HSTS => https://localhost:${secure.port}/b`));
  // max-age=0 forgets the host: http:// is http:// again.
  await (await request(`https://localhost:${secure.port}/forget`, { agent, tls, hsts })).text();
  assert.equal(hsts.size, 0);
  assert.equal(await (await request(`http://localhost:${plain.port}/c`, { agent, hsts })).text(), 'clear /c');
});

test('a redirect to http:// of a known host is followed as https://', async () => {
  const hsts = new HstsCache();
  hsts.load('localhost "unlimited"\n');
  const res = await request(`http://127.0.0.1:${plain.port}/go`, { agent: fresh(), tls: { ca: pki.ca.cert }, hsts, maxRedirects: 3 });
  assert.equal(res.url, `https://localhost:${secure.port}/landed`);
  assert.equal(await res.text(), 'tls /landed');
});

test('an answer read with verification off (insecure or rejectUnauthorized: false) teaches nothing (RFC 6797 §8.1)', async () => {
  const hsts = new HstsCache();
  await (await request(`https://localhost:${secure.port}/`, { agent: fresh(), insecure: true, hsts })).text();
  await (await request(`https://localhost:${secure.port}/`, { agent: fresh(), tls: { rejectUnauthorized: false }, hsts })).text();
  assert.equal(hsts.size, 0);
});

test('urlopen passes the cache through', async () => {
  const hsts = new HstsCache();
  hsts.load('localhost "unlimited"\n');
  const res = await urlopen(`http://localhost:${secure.port}/u`, { tls: { ca: pki.ca.cert }, hsts });
  assert.equal(await res.text(), 'tls /u');
  assert.equal(res.url, `https://localhost:${secure.port}/u`);
});
