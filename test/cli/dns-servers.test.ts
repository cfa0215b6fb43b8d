// dial --dns-servers (and --dns-ipv4-addr / --dns-interface): names asked of
// an in-process UDP DNS server. Debian's curl 7.88 is built without c-ares and
// refuses these options, so there is no oracle run here: the meaning is
// curl's documented one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepAlive, serve, type TestServer } from '../protocols/http/server.js';
import { startUdpDns, type UdpDnsServer } from '../protocols/dns/responder.js';
import { dial } from './helpers.js';

let dns: UdpDnsServer;
let web: TestServer;
before(async () => {
  dns = await startUdpDns({ 'only-here.test': { A: ['127.0.0.1'] } });
  web = await serve(keepAlive((req, _b, c) => c.respond(200, `host ${req.header('host')}\n`)));
});
after(async () => {
  await dns.close();
  await web.close();
});

test('a name only the chosen server knows is fetched; an unknown one is exit 6', async () => {
  const r = await dial(['-sS', '--dns-servers', `127.0.0.1:${dns.port}`, `http://only-here.test:${web.port}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, `host only-here.test:${web.port}\n`);
  assert.equal((await dial(['-sS', '--dns-servers', `127.0.0.1:${dns.port}`, `http://nowhere.test:${web.port}/`])).code, 6);
});

test('--dns-ipv4-addr and --dns-interface pick where the queries leave from; an unknown interface is exit 45; a bad server list exit 2', async () => {
  const from = dns.from.length;
  assert.equal((await dial(['-sS', '--dns-servers', `127.0.0.1:${dns.port}`, '--dns-ipv4-addr', '127.0.0.7', `http://only-here.test:${web.port}/`])).code, 0);
  assert.ok(dns.from.slice(from).every((a) => a === '127.0.0.7'), dns.from.slice(from).join(','));
  assert.equal((await dial(['-sS', '--dns-servers', `127.0.0.1:${dns.port}`, '--dns-interface', 'lo', `http://only-here.test:${web.port}/`])).code, 0);
  assert.equal((await dial(['-sS', '--dns-servers', `127.0.0.1:${dns.port}`, '--dns-interface', 'nosuch0', `http://only-here.test:${web.port}/`])).code, 45);
  assert.equal((await dial(['-sS', '--dns-servers', 'not an address', `http://only-here.test:${web.port}/`])).code, 2);
});
