// dial --aws-sigv4 beside curl 7.88: where curl follows AWS's rules (no
// query to sort, a path with nothing to encode, no s3 content hash) the two
// send the same Authorization, byte for byte; credentials stay with the
// first origin; without -u dial refuses instead of sending unsigned.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { keepAlive, serve, type ReceivedRequest, type TestServer } from '../protocols/http/server.js';
import { curl, dial } from './helpers.js';

let srv: TestServer;
let other: TestServer;
let seen: ReceivedRequest[] = [];

before(async () => {
  srv = await serve(
    keepAlive((req, _b, c) => {
      seen.push(req);
      return req.target === '/away' ? c.respond(302, '', { Location: `http://localhost:${other.port}/there` }) : c.respond(200, 'ok\n');
    }),
  );
  other = await serve(
    keepAlive((req, _b, c) => {
      seen.push(req);
      return c.respond(200, 'other\n');
    }),
  );
});
after(async () => {
  await srv.close();
  await other.close();
});

async function authorizationOf(tool: typeof dial, args: string[]): Promise<string | undefined> {
  seen = [];
  const r = await tool(['-sS', ...args]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(seen.length, 1);
  return seen[0]!.header('authorization');
}

test('the same signature as curl for a GET, a GET with one query pair and a POST with signed headers', async () => {
  const date = ['-H', 'X-Amz-Date: 20260101T000000Z'];
  for (const args of [
    ['--aws-sigv4', 'aws:amz:eu-west-1:es', '-u', 'AKID:SECRET', ...date, `http://127.0.0.1:${srv.port}/p/`],
    ['--aws-sigv4', 'aws:amz:us-east-1:execute-api', '-u', 'AKID:SECRET', ...date, `http://127.0.0.1:${srv.port}/stage/items?id=42`],
    ['--aws-sigv4', 'aws:amz:eu-west-1:es', '-u', 'AKID:SECRET', ...date, '-d', '{"a":1}', '-H', 'Content-Type: application/json', '-H', 'X-Custom: Foo  Bar ', `http://127.0.0.1:${srv.port}/p/`],
  ]) {
    const d = await authorizationOf(dial, args);
    const c = await authorizationOf(curl, args);
    assert.match(d ?? '', /^AWS4-HMAC-SHA256 Credential=AKID\/20260101\//);
    assert.equal(d, c, args.join(' '));
  }
});

test('a session token (-u key:secret:token) goes as X-Amz-Security-Token; the clock dates a request without X-Amz-Date', async () => {
  seen = [];
  const r = await dial(['-sS', '--aws-sigv4', 'aws:amz:r:s', '-u', 'K:S:TOK', `http://127.0.0.1:${srv.port}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(seen[0]!.header('x-amz-security-token'), 'TOK');
  assert.match(seen[0]!.header('x-amz-date') ?? '', /^\d{8}T\d{6}Z$/);
  assert.match(seen[0]!.header('authorization') ?? '', /SignedHeaders=host;x-amz-date;x-amz-security-token, /);
});

test('-L to another origin: the next hop is not signed (--location-trusted signs it), as curl', async () => {
  for (const tool of [dial, curl]) {
    seen = [];
    const r = await tool(['-sSL', '--aws-sigv4', 'aws:amz:r:s', '-u', 'K:S', `http://127.0.0.1:${srv.port}/away`]);
    assert.equal(r.out, 'other\n');
    assert.ok(seen[0]!.header('authorization'));
    assert.equal(seen[1]!.header('authorization'), undefined);
  }
  seen = [];
  await dial(['-sS', '--location-trusted', '--aws-sigv4', 'aws:amz:r:s', '-u', 'K:S', `http://127.0.0.1:${srv.port}/away`]);
  assert.match(seen[1]!.header('authorization') ?? '', /Credential=K\/\d{8}\/r\/s\//);
});

test('without -u, or with a malformed provider string, dial refuses before sending (curl 7.88 sends the request unsigned)', async () => {
  seen = [];
  const none = await dial(['-sS', '--aws-sigv4', 'aws:amz:r:s', `http://127.0.0.1:${srv.port}/`]);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /awsSigV4 needs credentials/);
  const bad = await dial(['-sS', '--aws-sigv4', 'a:b:c:d:e', '-u', 'K:S', `http://127.0.0.1:${srv.port}/`]);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /provider1\[:provider2/);
  assert.equal(seen.length, 0);
});
