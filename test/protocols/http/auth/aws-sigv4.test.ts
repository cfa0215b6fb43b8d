// AWS Signature Version 4, from AWS's published example and its rules for
// the canonical request (the signer alone; request() and dial are tested in
// aws-sigv4-request.test.ts and test/cli/aws-sigv4.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AwsSigner, awsUriEncode, canonicalPath, canonicalQuery, parseAwsProvider } from '../../../../src/protocols/http/auth/aws-sigv4.js';
import { HeaderList } from '../../../../src/protocols/http/core/headers.js';
import { InputError } from '../../../../src/errors.js';

const EXAMPLE = { user: 'AKIDEXAMPLE', password: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };

test("AWS's IAM ListUsers example: the signature AWS documents", () => {
  const signer = new AwsSigner('aws:amz:us-east-1:iam', EXAMPLE);
  const headers = new HeaderList(['Content-Type', 'application/x-www-form-urlencoded; charset=utf-8', 'X-Amz-Date', '20150830T123600Z']);
  const out = signer.sign('GET', new URL('https://iam.amazonaws.com/?Version=2010-05-08&Action=ListUsers'), 'iam.amazonaws.com', headers, { kind: 'none' });
  assert.deepEqual(out, [
    [
      'Authorization',
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7',
    ],
  ]);
});

test('the date: the request\'s own X-Amz-Date when valid, else the clock, added as a header', () => {
  const signer = new AwsSigner('aws:amz:r:svc', { user: 'K', password: 'S' });
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const out = signer.sign('GET', new URL('http://h.test/'), 'h.test', new HeaderList(['X-Amz-Date', 'yesterday']), { kind: 'none' }, at);
  assert.deepEqual(out[0], ['X-Amz-Date', '20260102T030405Z']);
  assert.match(out[1]![1], /Credential=K\/20260102\/r\/svc\/aws4_request, SignedHeaders=host;x-amz-date, /);
});

test('s3 carries X-Amz-Content-Sha256 (a streamed body: UNSIGNED-PAYLOAD); a session token goes as X-Amz-Security-Token, signed', () => {
  const signer = new AwsSigner('aws:amz:us-east-1:s3', { user: 'K', password: 'S:TOKEN' });
  const at = new Date(Date.UTC(2026, 0, 1));
  const bytes = signer.sign('PUT', new URL('https://b.s3.amazonaws.com/k'), 'b.s3.amazonaws.com', new HeaderList([]), { kind: 'bytes', data: Buffer.from('abc') }, at);
  assert.deepEqual(bytes.slice(0, 3), [
    ['X-Amz-Date', '20260101T000000Z'],
    ['X-Amz-Content-Sha256', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['X-Amz-Security-Token', 'TOKEN'],
  ]);
  assert.match(bytes[3]![1], /SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,/);
  const streamed = signer.sign('PUT', new URL('https://b.s3.amazonaws.com/k'), 'b.s3.amazonaws.com', new HeaderList([]), { kind: 'stream', source: [] } as never, at);
  assert.deepEqual(streamed[1], ['X-Amz-Content-Sha256', 'UNSIGNED-PAYLOAD']);
});

test('signed headers: lower-case, sorted, values trimmed with inner runs of spaces made one, repeats joined; transport headers left out', () => {
  const signer = new AwsSigner('aws:amz:r:svc', { user: 'K', password: 'S' });
  const headers = new HeaderList(['X-B', '  two   words ', 'User-Agent', 'ua', 'Accept', '*/*', 'Content-Length', '3', 'x-a', '1', 'X-A', '2', 'X-Amz-Date', '20260101T000000Z']);
  const out = signer.sign('POST', new URL('http://h.test/'), 'h.test', headers, { kind: 'none' });
  assert.match(out[0]![1], /SignedHeaders=host;x-a;x-amz-date;x-b,/);
});

test('the provider string: provider2 defaults to provider1 (header X-<p2>-Date, algorithm <P1>4-HMAC-SHA256); region and service from service.region.host', () => {
  assert.deepEqual(parseAwsProvider('aws:amz:us-east-1:s3'), { provider1: 'aws', provider2: 'amz', region: 'us-east-1', service: 's3' });
  assert.deepEqual(parseAwsProvider('xyz'), { provider1: 'xyz', provider2: 'xyz', region: undefined, service: undefined });
  for (const bad of ['', ':amz', 'a:b:c:d:e', 'a b', 'a:b\r\n']) assert.throws(() => parseAwsProvider(bad), InputError, JSON.stringify(bad));
  const signer = new AwsSigner('xyz', { user: 'K', password: 'S' });
  const out = signer.sign('GET', new URL('http://svc.reg.example.com/'), 'svc.reg.example.com', new HeaderList(['X-Xyz-Date', '20260101T000000Z']), { kind: 'none' });
  assert.match(out[0]![1], /^XYZ4-HMAC-SHA256 Credential=K\/20260101\/reg\/svc\/xyz4_request, SignedHeaders=host;x-xyz-date, /);
  assert.throws(() => signer.sign('GET', new URL('http://127.0.0.1/'), '127.0.0.1', new HeaderList([]), { kind: 'none' }), InputError);
  assert.throws(() => signer.sign('GET', new URL('http://localhost/'), 'localhost', new HeaderList([]), { kind: 'none' }), InputError);
});

test('canonical URI and query, as AWS specifies them', () => {
  assert.equal(awsUriEncode("a b+c/d~e!*'()"), 'a%20b%2Bc%2Fd~e%21%2A%27%28%29');
  assert.equal(awsUriEncode('é'), '%C3%A9');
  // s3: each segment encoded once (whatever form the URL had); others: that, encoded again.
  assert.equal(canonicalPath('/a%20b/c!d', false), '/a%20b/c%21d');
  assert.equal(canonicalPath('/a%20b/c!d', true), '/a%2520b/c%2521d');
  assert.equal(canonicalPath('', false), '/');
  // AWS's normalize-path cases (get-slash, get-slashes): redundant slashes go for services other than s3; an s3 key keeps them.
  assert.equal(canonicalPath('//', true), '/');
  assert.equal(canonicalPath('//example//', true), '/example/');
  assert.equal(canonicalPath('/a///b', true), '/a/b');
  assert.equal(canonicalPath('//a//b//', false), '//a//b//');
  assert.equal(canonicalQuery('?b=2&a=1&c'), 'a=1&b=2&c=');
  assert.equal(canonicalQuery('?x=b&x=a&sp=a%20b&plus=a+b&eq=a%3Db'), 'eq=a%3Db&plus=a%2Bb&sp=a%20b&x=a&x=b');
  assert.equal(canonicalQuery(''), '');
  assert.equal(canonicalQuery('?bad=%zz'), 'bad=%25zz');
  // An escape that is not UTF-8 is still its byte to the server (S3 keys are bytes): %FF stays %FF, it is not a literal "%FF".
  assert.equal(canonicalQuery('?k=%FF&j=%e9%zz'), 'j=%E9%25zz&k=%FF');
  assert.equal(canonicalPath('/a%FFb/%C3%A9', false), '/a%FFb/%C3%A9');
  assert.equal(canonicalPath('/a%FFb', true), '/a%25FFb');
});
