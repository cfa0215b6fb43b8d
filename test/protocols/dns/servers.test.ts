// serversLookup: names asked of chosen DNS servers (an in-process UDP
// server answering from a small zone), from a chosen local address.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { serversLookup } from '../../../src/protocols/dns/index.js';
import { ConnectError, InputError } from '../../../src/errors.js';
import { startUdpDns, type UdpDnsServer } from './responder.js';

let dns: UdpDnsServer;
before(async () => {
  dns = await startUdpDns({ 'a.test': { A: ['127.0.0.5'], AAAA: ['::5'] }, 'www.a.test': { CNAME: 'a.test' }, 'six.test': { AAAA: ['::6'] } });
});
after(() => dns.close());

test('A and AAAA from the chosen server (a CNAME followed by the resolver); a family asks for that family only; a literal is not asked', async () => {
  const lookup = serversLookup({ servers: [`127.0.0.1:${dns.port}`] });
  assert.deepEqual(await lookup('www.a.test', {}), [
    { address: '::5', family: 6 },
    { address: '127.0.0.5', family: 4 },
  ]);
  assert.deepEqual(await lookup('a.test', { family: 4 }), [{ address: '127.0.0.5', family: 4 }]);
  assert.deepEqual(await lookup('six.test', {}), [{ address: '::6', family: 6 }]);
  const asked = dns.from.length;
  assert.deepEqual(await lookup('10.1.2.3', {}), [{ address: '10.1.2.3', family: 4 }]);
  assert.equal(dns.from.length, asked);
});

test('an unknown name, or one without the family asked for, is a resolve error naming the servers', async () => {
  const lookup = serversLookup({ servers: [`127.0.0.1:${dns.port}`] });
  await assert.rejects(lookup('nowhere.test', {}), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && new RegExp(`127\\.0\\.0\\.1:${dns.port}`).test(e.message));
  await assert.rejects(lookup('six.test', { family: 4 }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE');
});

test('queries leave from the chosen local address; a server list node:dns cannot use is an InputError', async () => {
  const lookup = serversLookup({ servers: [`127.0.0.1:${dns.port}`], localAddress4: '127.0.0.9' });
  await lookup('a.test', { family: 4 });
  assert.equal(dns.from.at(-1), '127.0.0.9');
  assert.throws(() => serversLookup({ servers: ['not an address'] }), InputError);
});
