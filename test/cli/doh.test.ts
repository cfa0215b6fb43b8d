// dial --doh-url beside curl 7.88: a name only the DoH server knows is
// resolved through it (A and AAAA over an https endpoint trusted with
// --cacert), an unknown name is exit 6 in both, and --doh-insecure (not -k)
// lets an untrusted DoH server answer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { keepAlive, serve, type TestServer } from '../protocols/http/server.js';
import { startDoh, type DohServer } from '../protocols/dns/responder.js';
import { curl, dial } from './helpers.js';

let pki: TestPKI;
let doh: DohServer;
let web: TestServer;

before(async () => {
  pki = makeTestPKI();
  doh = await startDoh({ 'only-doh.test': { A: ['127.0.0.1'] }, 'alias.test': { CNAME: 'only-doh.test' } }, { cert: pki.server.cert, key: pki.server.key });
  web = await serve(keepAlive((req, _b, c) => c.respond(200, `host ${req.header('host')}\n`)));
});
after(async () => {
  await doh.close();
  await web.close();
  pki.cleanup();
});

test('a name only the DoH server knows (through a CNAME too) is fetched, as curl; the server was asked for A and AAAA', async () => {
  for (const name of ['only-doh.test', 'alias.test']) {
    const url = `http://${name}:${web.port}/`;
    for (const tool of [dial, curl]) {
      const mark = doh.asked.length;
      const r = await tool(['-sS', '--cacert', pki.ca.certPath, '--doh-url', doh.url, url]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.out, `host ${name}:${web.port}\n`);
      assert.deepEqual(doh.asked.slice(mark).map(([, t]) => t).sort(), [1, 28]);
    }
  }
});

test('an unknown name is exit 6 in both; without --cacert the DoH server is refused (6 in dial, curl 7.88 too); --doh-insecure lets it answer, -k does not', async () => {
  const unknown = `http://nowhere.test:${web.port}/`;
  for (const tool of [dial, curl]) assert.equal((await tool(['-sS', '--cacert', pki.ca.certPath, '--doh-url', doh.url, unknown])).code, 6);
  const url = `http://only-doh.test:${web.port}/`;
  const untrusted = await dial(['-sS', '--doh-url', doh.url, url]);
  assert.equal(untrusted.code, 6, untrusted.stderr);
  assert.equal((await curl(['-sS', '--doh-url', doh.url, url])).code, 6);
  assert.equal((await dial(['-sS', '-k', '--doh-url', doh.url, url])).code, 6);
  const insecure = await dial(['-sS', '--doh-insecure', '--doh-url', doh.url, url]);
  assert.equal(insecure.code, 0, insecure.stderr);
  assert.equal((await curl(['-sS', '--doh-insecure', '--doh-url', doh.url, url])).code, 0);
});

test("--resolve pins the DoH server's own name too, as curl (one DNS cache): a DoH host only --resolve knows still answers", async () => {
  const port = new URL(doh.url).port;
  const url = `http://only-doh.test:${web.port}/`;
  for (const tool of [dial, curl]) {
    const mark = doh.asked.length;
    // The test certificate names localhost, not doh-name.test: --doh-insecure, so only the name's lookup is in question.
    const r = await tool(['-sS', '--doh-insecure', '--resolve', `doh-name.test:${port}:127.0.0.1`, '--doh-url', `https://doh-name.test:${port}/dns-query`, url]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, `host only-doh.test:${web.port}\n`);
    assert.deepEqual(doh.asked.slice(mark).map(([n]) => n), ['only-doh.test', 'only-doh.test']);
  }
});

test('http://localhost/ with --doh-url connects to the loopback without asking the DoH server, as curl', async () => {
  for (const tool of [dial, curl]) {
    const mark = doh.asked.length;
    const r = await tool(['-sS', '--cacert', pki.ca.certPath, '--doh-url', doh.url, `http://localhost:${web.port}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, `host localhost:${web.port}\n`);
    assert.equal(doh.asked.length, mark);
  }
});
