// dohLookup against an in-process DoH endpoint (RFC 8484 POST): addresses
// through CNAMEs, A and AAAA both asked, answers cached for their TTL, and
// every failure a resolve error; request() connecting by it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dohLookup } from '../../../src/protocols/dns/index.js';
import { request } from '../../../src/protocols/http/index.js';
import { ConnectError } from '../../../src/errors.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { keepAlive, serve, type TestServer } from '../http/server.js';
import { startDoh, type DohServer } from './responder.js';

let doh: DohServer;
let tlsDoh: DohServer;
let web: TestServer;
let pki: TestPKI;

before(async () => {
  pki = makeTestPKI();
  const zone = {
    'www.example.test': { CNAME: 'web.example.test' },
    'web.example.test': { A: ['127.0.0.1'], AAAA: ['::1'], ttl: 2 },
    'v4.example.test': { A: ['127.0.0.1', '127.0.0.2'] },
    'empty.example.test': {},
  };
  doh = await startDoh(zone);
  tlsDoh = await startDoh(zone, { cert: pki.server.cert, key: pki.server.key });
  web = await serve(keepAlive((req, _b, c) => c.respond(200, `hello ${req.header('host')}`)));
});
after(async () => {
  await doh.close();
  await tlsDoh.close();
  await web.close();
  pki.cleanup();
});

test('A and AAAA are both asked; a CNAME is followed; family filters; an IP literal is not asked', async () => {
  const lookup = dohLookup(doh.url);
  assert.deepEqual(await lookup('www.example.test', {}), [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ]);
  assert.deepEqual(doh.asked.slice(-2).map(([, t]) => t).sort(), [1, 28]);
  assert.deepEqual(await lookup('v4.example.test', { family: 4 }), [
    { address: '127.0.0.1', family: 4 },
    { address: '127.0.0.2', family: 4 },
  ]);
  const before = doh.asked.length;
  assert.deepEqual(await lookup('192.0.2.9', {}), [{ address: '192.0.2.9', family: 4 }]);
  assert.equal(doh.asked.length, before);
});

test('answers are kept for their TTL: a second lookup within it asks nothing', async () => {
  const lookup = dohLookup(doh.url);
  await lookup('v4.example.test', {});
  const n = doh.asked.length;
  await lookup('V4.Example.Test', {});
  assert.equal(doh.asked.length, n);
});

test('an unknown name (NXDOMAIN), a name without addresses and an unreachable DoH server are resolve errors', async () => {
  const lookup = dohLookup(doh.url);
  const resolveError = (re: RegExp) => (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && re.test(e.message);
  await assert.rejects(lookup('nowhere.example.test', {}), resolveError(/NXDOMAIN/));
  await assert.rejects(lookup('empty.example.test', {}), resolveError(/no A or AAAA record/));
  const dead = await serve(() => {});
  const url = `http://127.0.0.1:${dead.port}/dns-query`;
  await dead.close();
  await assert.rejects(dohLookup(url, { timeout: 2000 })('www.example.test', {}), resolveError(/over DoH/));
  assert.throws(() => dohLookup('ftp://127.0.0.1/'), /https:\/\//);
});

test('over https, verified against the given CA; request() connects to the address DoH gave', async () => {
  const lookup = dohLookup(tlsDoh.url, { tls: { ca: pki.ca.cert } });
  const res = await request(`http://www.example.test:${web.port}/`, { lookup });
  assert.equal(await res.text(), `hello www.example.test:${web.port}`);
  await assert.rejects(dohLookup(tlsDoh.url)('v4.example.test', {}), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && /certificate/i.test(e.message));
  assert.deepEqual(await dohLookup(tlsDoh.url, { insecure: true })('v4.example.test', { family: 4 }), [
    { address: '127.0.0.1', family: 4 },
    { address: '127.0.0.2', family: 4 },
  ]);
});

test('localhost and names under it are the loopback (RFC 6761 §6.3), never asked of the DoH server — as curl answers them itself', async () => {
  const lookup = dohLookup(doh.url);
  const before = doh.asked.length;
  const both = [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 },
  ];
  for (const name of ['localhost', 'LocalHost.', 'app.localhost']) assert.deepEqual(await lookup(name, {}), both, name);
  assert.deepEqual(await lookup('localhost', { family: 4 }), [{ address: '127.0.0.1', family: 4 }]);
  assert.equal(doh.asked.length, before);
  // A name that only ends in the letters is an ordinary one.
  await assert.rejects(lookup('notlocalhost', {}), ConnectError);
  assert.equal(doh.asked.length, before + 2);
});
