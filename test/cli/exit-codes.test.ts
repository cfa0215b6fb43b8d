import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliExit, exitCodeFor, formatError } from '../../src/cli/exit-codes.js';
import {
  AbortError, ConnectError, InputError, LimitError, NetworkError, ProtocolError, ReplyError, TLSError, TimeoutError,
} from '../../src/errors.js';

const cases: Array<[string, unknown, number]> = [
  ['resolve', new ConnectError('DIAL_E_RESOLVE', 'x'), 6],
  ['proxy resolve', new ConnectError('DIAL_E_RESOLVE', 'x', { phase: 'proxy-resolve' }), 5],
  ['connect', new ConnectError('DIAL_E_CONNECT', 'x'), 7],
  ['timeout', new TimeoutError('x'), 28],
  ['abort', new AbortError(), 42],
  ['tls', new TLSError('DIAL_E_TLS', 'x'), 35],
  ['tls cert', new TLSError('DIAL_E_TLS_CERT', 'x'), 60],
  ['pinned public key (curl: SSL_PINNEDPUBKEYNOTMATCH)', new TLSError('DIAL_E_TLS_PINNED', 'x'), 90],
  ['cipher list (curl: SSL_CIPHER)', new InputError('failed setting cipher list: x', { protocol: 'tls', phase: 'ciphers' }), 59],
  ['reset while receiving', new NetworkError('DIAL_E_RESET', 'x'), 56],
  ['reset while sending', new NetworkError('DIAL_E_RESET', 'x', { phase: 'send' }), 55],
  ['body cut short', new NetworkError('DIAL_E_RESET', 'x', { phase: 'body' }), 18],
  ['empty reply', new ProtocolError('empty reply from server'), 52],
  ['closed before any reply', new ProtocolError('connection closed before the response began'), 52],
  ['redirect loop', new ProtocolError('redirect loop: a -> a'), 47],
  ['weird reply', new ProtocolError('bad status line'), 8],
  ['an HTTP/0.9 answer not allowed (curl: unsupported protocol)', new ProtocolError('Received HTTP/0.9 when not allowed', { protocol: 'http', phase: 'http09' }), 1],
  ['content that does not decode (curl: bad content encoding)', new ProtocolError('corrupt gzip content', { code: 'DIAL_E_DECODE', phase: 'body' }), 61],
  ['a proxy refusing CONNECT (curl: CONNECT tunnel failed), whatever its status', new ReplyError('x', { protocol: 'http', phase: 'proxy-connect', reply: { code: 407, text: 'auth' } }), 56],
  ['ftp login', new ReplyError('x', { protocol: 'ftp', reply: { code: 530, text: 'no' } }), 67],
  ['ftp missing file', new ReplyError('x', { protocol: 'ftp', reply: { code: 550, text: 'no' } }), 78],
  ['ftp quote command refused (-Q), whatever the code', new ReplyError('x', { protocol: 'ftp', phase: 'quote', reply: { code: 550, text: 'no' } }), 21],
  ['ftp 332 without an account', new ReplyError('x', { protocol: 'ftp', phase: 'login', reply: { code: 332, text: 'acct?' } }), 67],
  ['ftp other', new ReplyError('x', { protocol: 'ftp', reply: { code: 421, text: 'no' } }), 9],
  ['ftp CWD refused (curl: access denied, not file not found)', new ReplyError('x', { protocol: 'ftp', phase: 'cwd', reply: { code: 550, text: 'no' } }), 9],
  ['smtp auth', new ReplyError('x', { protocol: 'smtp', reply: { code: 535, text: 'no' } }), 67],
  ['pop3 login refused (-ERR has no number)', new ReplyError('x', { protocol: 'pop3', phase: 'login', reply: { code: 0, text: '[AUTH] no' } }), 67],
  ['pop3 other -ERR', new ReplyError('x', { protocol: 'pop3', phase: 'reply', reply: { code: 0, text: 'no such message' } }), 8],
  ['nntp no such article', new ReplyError('x', { protocol: 'nntp', reply: { code: 430, text: 'no' } }), 78],
  ['STLS refused (TLS required)', new ReplyError('x', { protocol: 'pop3', phase: 'starttls', reply: { code: 0, text: 'no' } }), 64],
  ['AUTH TLS refused (TLS required)', new ReplyError('x', { protocol: 'ftp', phase: 'starttls', reply: { code: 500, text: 'no' } }), 64],
  ['no STARTTLS offered (TLS required)', new TLSError('DIAL_E_TLS', 'x', { protocol: 'smtp', phase: 'starttls' }), 64],
  ['smtp recipient refused', new ReplyError('x', { protocol: 'smtp', phase: 'rcpt', reply: { code: 550, text: 'no' } }), 55],
  ['smtp sender refused', new ReplyError('x', { protocol: 'smtp', phase: 'mail', reply: { code: 553, text: 'no' } }), 55],
  ['smtp DATA refused', new ReplyError('x', { protocol: 'smtp', phase: 'data', reply: { code: 554, text: 'no' } }), 55],
  ['smtp refused after the data', new ReplyError('x', { protocol: 'smtp', phase: 'postdata', reply: { code: 554, text: 'no' } }), 8],
  ['http 416', new ReplyError('x', { protocol: 'http', reply: { code: 416, text: 'no' } }), 33],
  ['redirects', new LimitError('too many redirects', { phase: 'redirect' }), 47],
  ['size', new LimitError('body too big', { phase: 'body' }), 63],
  // curl: (56) Too large response headers — a header bound is not a file size.
  ['header bytes', new LimitError('response header larger than 65536 bytes', { limit: 65536, protocol: 'http' }), 56],
  ['header fields', new LimitError('response header: more than 256 fields', { limit: 256, protocol: 'http' }), 56],
  ['status line', new LimitError('status line larger than 8192 bytes', { limit: 8192, protocol: 'http' }), 56],
  ['http body size', new LimitError('response body of 9 bytes exceeds the limit of 5', { limit: 5, protocol: 'http', phase: 'headers' }), 63],
  ['unknown scheme', new InputError('unsupported URL scheme "foo:"', { code: 'DIAL_E_UNSUPPORTED' }), 1],
  ['a redirect needing a stream body again', new InputError('cannot follow 307 to http://h/: the request body was a stream, which cannot be sent a second time', { code: 'DIAL_E_UNSUPPORTED', phase: 'rewind' }), 65],
  ['malformed URL', new InputError('malformed URL "x"'), 3],
  ['file missing', new InputError('file:///x: no such file', { protocol: 'file', phase: 'open' }), 37],
  ['file range', new InputError('range start beyond end', { protocol: 'file', phase: 'range' }), 36],
  ['cli exit keeps its code', new CliExit(23, 'write'), 23],
  ['anything else', new Error('boom'), 2],
];

for (const [name, err, code] of cases) {
  test(`exit code: ${name} → ${code}`, () => assert.equal(exitCodeFor(err), code));
}

test('formatError is one line, curl-shaped', () => {
  assert.equal(formatError(6, new Error('Could not resolve host: x\nmore detail')), 'dial: (6) Could not resolve host: x');
});
