import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { nodeCrypto, nodeTls, nodeZlib } from '../../src/util/builtins.js';

test('each built-in is the module itself, loaded once', async () => {
  assert.equal(nodeTls(), await import('node:tls').then((m) => m.default));
  assert.equal(nodeZlib(), await import('node:zlib').then((m) => m.default));
  assert.equal(nodeCrypto(), await import('node:crypto').then((m) => m.default));
  assert.equal(nodeTls(), nodeTls());
});

test('a plain http:// request loads neither node:tls, node:zlib nor node:crypto; https loads node:tls', () => {
  const http = new URL('../../src/protocols/http/index.js', import.meta.url).href;
  const builtins = new URL('../../src/util/builtins.js', import.meta.url).href;
  // A server in the same process would load them itself: node:net answers by hand.
  const script = `import * as net from 'node:net';
    const loaded = (m) => process.moduleLoadList.includes('NativeModule ' + m);
    const server = net.createServer((s) => s.once('data', () => s.end('HTTP/1.1 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok')));
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { request } = await import(${JSON.stringify(http)});
    const res = await request('http://127.0.0.1:' + server.address().port + '/');
    const body = await res.text();
    const before = { tls: loaded('tls'), zlib: loaded('zlib'), crypto: loaded('crypto') };
    server.close();
    (await import(${JSON.stringify(builtins)})).nodeTls();
    console.log(JSON.stringify({ body, before, after: loaded('tls') }));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(out.status, 0, out.stderr);
  assert.deepEqual(JSON.parse(out.stdout), { body: 'ok', before: { tls: false, zlib: false, crypto: false }, after: true });
});
