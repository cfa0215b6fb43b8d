import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, LimitError, ProtocolError } from '../../../../src/errors.js';
import {
  DEFAULT_LIMITS,
  ResponseParser,
  TRANSITIONS,
  type ParserInput,
  type ParserState,
} from '../../../../src/protocols/http/core/response-parser.js';
import { bytewise, data, end, head, run, type Ev } from './util.js';

const CL = (n: number | string) => ['Content-Length', String(n)];

interface Case {
  name: string;
  wire: string;
  methods?: string[];
  eof?: boolean;
  events?: Ev[];
  error?: 'ProtocolError' | 'LimitError';
}

// (bytes → events), in the spirit of h11's SIMPLE_CASES. Each case also runs byte by byte.
const CASES: Case[] = [
  // --- Content-Length framing
  {
    name: 'Content-Length body',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
    events: [head(200, CL(5), { contentLength: 5 }), data('hello'), end()],
  },
  { name: 'Content-Length 0', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', events: [head(200, CL(0), { contentLength: 0 }), end()] },
  {
    name: 'Content-Length with leading zeros',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 0003\r\n\r\nabc',
    events: [head(200, CL('0003'), { contentLength: 3 }), data('abc'), end()],
  },
  {
    name: 'repeated identical Content-Length is one length',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc',
    events: [head(200, [...CL(3), ...CL(3)], { contentLength: 3 }), data('abc'), end()],
  },
  {
    name: 'comma-listed identical Content-Length is one length',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3, 3,3\r\n\r\nabc',
    events: [head(200, CL('3, 3,3'), { contentLength: 3 }), data('abc'), end()],
  },
  { name: 'differing Content-Length fields', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd', error: 'ProtocolError' },
  { name: 'differing Content-Length list', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3, 4\r\n\r\nabcd', error: 'ProtocolError' },
  { name: 'negative Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', error: 'ProtocolError' },
  { name: 'signed Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello', error: 'ProtocolError' },
  { name: 'hex Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n', error: 'ProtocolError' },
  { name: 'empty Content-Length', wire: 'HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n', error: 'ProtocolError' },
  { name: 'Content-Length with an empty list member', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 5,\r\n\r\nhello', error: 'ProtocolError' },
  { name: 'Content-Length with inner space', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1 0\r\n\r\n', error: 'ProtocolError' },
  { name: 'Content-Length past 2^53', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 9999999999999999\r\n\r\n', error: 'ProtocolError' },
  { name: 'Content-Length as a float', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n', error: 'ProtocolError' },

  // --- chunked framing
  {
    name: 'chunked body',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n',
    events: [head(200, ['Transfer-Encoding', 'chunked'], { bodyKind: 'chunked' }), data('hello world'), end(true, [])],
  },
  {
    name: 'chunked with extensions and upper-case hex',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nA;name=value;q="a b"\r\n0123456789\r\n0;last\r\n\r\n',
    events: [head(200, ['Transfer-Encoding', 'chunked'], { bodyKind: 'chunked' }), data('0123456789'), end(true, [])],
  },
  {
    name: 'chunked with trailers',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: Digest\r\n\r\n3\r\nabc\r\n0\r\nDigest: sha-256=x\r\nX-Other: 1\r\n\r\n',
    events: [
      head(200, ['Transfer-Encoding', 'chunked', 'Trailer', 'Digest'], { bodyKind: 'chunked' }),
      data('abc'),
      end(true, ['Digest', 'sha-256=x', 'X-Other', '1']),
    ],
  },
  {
    name: 'Transfer-Encoding is case-insensitive and trimmed',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding:  Chunked \t\r\n\r\n1\r\nx\r\n0\r\n\r\n',
    events: [head(200, ['Transfer-Encoding', 'Chunked'], { bodyKind: 'chunked' }), data('x'), end(true, [])],
  },
  {
    name: 'gzip, chunked: chunked removed, gzip reported',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\nzz\r\n0\r\n\r\n',
    events: [head(200, ['Transfer-Encoding', 'gzip, chunked'], { bodyKind: 'chunked', transferCodings: ['gzip'] }), data('zz'), end(true, [])],
  },
  {
    name: 'Transfer-Encoding split over two fields',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    events: [
      head(200, ['Transfer-Encoding', 'gzip', 'Transfer-Encoding', 'chunked'], { bodyKind: 'chunked', transferCodings: ['gzip'] }),
      end(true, []),
    ],
  },
  {
    name: 'Transfer-Encoding not ending in chunked: read until close',
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzzzz',
    eof: true,
    events: [head(200, ['Transfer-Encoding', 'gzip'], { bodyKind: 'close', transferCodings: ['gzip'], keepAlive: false }), data('zzzz'), end(false)],
  },
  {
    name: 'Transfer-Encoding and Content-Length: TE wins, connection not reused',
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
    events: [head(200, [...CL(100), 'Transfer-Encoding', 'chunked'], { bodyKind: 'chunked', keepAlive: false }), data('abc'), end(false, [])],
  },
  { name: 'chunked before another coding', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', error: 'ProtocolError' },
  { name: 'chunked twice', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n', error: 'ProtocolError' },
  { name: 'empty Transfer-Encoding', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: \r\n\r\n', error: 'ProtocolError' },
  { name: 'chunk size not hex', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', error: 'ProtocolError' },
  { name: 'chunk data too long for its size', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n', error: 'ProtocolError' },

  // --- read until close
  {
    name: 'no framing: read until close',
    wire: 'HTTP/1.1 200 OK\r\nServer: x\r\n\r\nall of it',
    eof: true,
    events: [head(200, ['Server', 'x'], { bodyKind: 'close', keepAlive: false }), data('all of it'), end(false)],
  },
  {
    name: 'read until close, empty body',
    wire: 'HTTP/1.1 200 OK\r\n\r\n',
    eof: true,
    events: [head(200, [], { bodyKind: 'close', keepAlive: false }), end(false)],
  },

  // --- responses without a body
  {
    name: 'HEAD ignores Content-Length',
    methods: ['HEAD'],
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n',
    events: [head(200, CL(1000), { bodyKind: 'none' }), end()],
  },
  {
    name: 'HEAD ignores Transfer-Encoding',
    methods: ['HEAD'],
    wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n',
    events: [head(200, ['Transfer-Encoding', 'chunked'], { bodyKind: 'none' }), end()],
  },
  {
    // Methods are case-sensitive (RFC 9110 §9.1): "head" went on the wire as is, and the server answered some other method.
    name: 'a lowercase "head" is not HEAD: its body is read',
    methods: ['head'],
    wire: 'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 3\r\n\r\nno!',
    events: [head(405, CL(3), { reason: 'Method Not Allowed', bodyKind: 'length', contentLength: 3 }), data('no!'), end()],
  },
  {
    name: '204 has no body',
    wire: 'HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n',
    events: [head(204, CL(10), { reason: 'No Content', bodyKind: 'none' }), end()],
  },
  {
    name: '304 has no body',
    wire: 'HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n',
    events: [head(304, ['Transfer-Encoding', 'chunked'], { reason: 'Not Modified', bodyKind: 'none' }), end()],
  },
  {
    name: 'HEAD with a broken Content-Length is still no body',
    methods: ['HEAD'],
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n',
    events: [head(200, CL('nope'), { bodyKind: 'none' }), end()],
  },

  // --- 1xx
  {
    name: '100 Continue then the response',
    wire: 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx',
    events: [{ type: 'informational', status: 100, reason: 'Continue', headers: [] }, head(200, CL(1), { contentLength: 1 }), data('x'), end()],
  },
  {
    name: '103 Early Hints with fields, then the response',
    wire: 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nLink: </b.js>; rel=preload\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
    events: [
      { type: 'informational', status: 103, reason: 'Early Hints', headers: ['Link', '</a.css>; rel=preload', 'Link', '</b.js>; rel=preload'] },
      head(204, [], { reason: 'No Content', bodyKind: 'none' }),
      end(),
    ],
  },
  {
    name: 'several 1xx in a row; their framing fields are ignored',
    wire: 'HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nHTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    events: [
      { type: 'informational', status: 100, reason: 'Continue', headers: CL(5) },
      { type: 'informational', status: 102, reason: 'Processing', headers: [] },
      head(200, CL(0), { contentLength: 0 }),
      end(),
    ],
  },
  {
    name: '101 Switching Protocols hands over the rest',
    wire: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x05hello',
    events: [
      head(101, ['Upgrade', 'websocket', 'Connection', 'Upgrade'], { reason: 'Switching Protocols', bodyKind: 'upgrade', keepAlive: false }),
      { type: 'upgrade', rest: '\x81\x05hello' },
    ],
  },

  // --- CONNECT
  {
    name: 'CONNECT 200 is a tunnel, framing fields ignored',
    methods: ['CONNECT'],
    wire: 'HTTP/1.1 200 Connection established\r\nContent-Length: 10\r\n\r\n\x16\x03\x01',
    events: [
      head(200, CL(10), { reason: 'Connection established', bodyKind: 'upgrade', keepAlive: false }),
      { type: 'upgrade', rest: '\x16\x03\x01' },
    ],
  },
  {
    name: 'CONNECT 407 has a normal body',
    methods: ['CONNECT'],
    wire: 'HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 2\r\n\r\nno',
    events: [head(407, CL(2), { reason: 'Proxy Authentication Required', contentLength: 2 }), data('no'), end()],
  },

  // --- keep-alive rules
  {
    name: 'HTTP/1.0 closes by default',
    wire: 'HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx',
    events: [head(200, CL(1), { version: '1.0', contentLength: 1, keepAlive: false }), data('x'), end(false)],
  },
  {
    name: 'HTTP/1.0 with Connection: keep-alive stays open',
    wire: 'HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 1\r\n\r\nx',
    events: [head(200, ['Connection', 'Keep-Alive', ...CL(1)], { version: '1.0', contentLength: 1 }), data('x'), end()],
  },
  {
    name: 'HTTP/1.0 chunked is faulty framing: decoded, then closed',
    wire: 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n',
    events: [
      head(200, ['Connection', 'keep-alive', 'Transfer-Encoding', 'chunked'], { version: '1.0', bodyKind: 'chunked', keepAlive: false }),
      data('x'),
      end(false, []),
    ],
  },
  {
    name: 'HTTP/1.1 Connection: close',
    wire: 'HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, ['Connection', 'close', ...CL(0)], { contentLength: 0, keepAlive: false }), end(false)],
  },
  {
    name: 'close anywhere in a Connection list',
    wire: 'HTTP/1.1 200 OK\r\nConnection: keep-alive, CLOSE\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, ['Connection', 'keep-alive, CLOSE', ...CL(0)], { contentLength: 0, keepAlive: false }), end(false)],
  },
  {
    name: 'HTTP/1.x above 1.1 is read as 1.1',
    wire: 'HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, CL(0), { contentLength: 0 }), end()],
  },

  // --- status line
  { name: 'no reason phrase, no space', wire: 'HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n', events: [head(200, CL(0), { reason: '', contentLength: 0 }), end()] },
  { name: 'empty reason phrase', wire: 'HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n', events: [head(200, CL(0), { reason: '', contentLength: 0 }), end()] },
  {
    name: 'reason with spaces, tab and obs-text',
    wire: 'HTTP/1.1 200 Tr\xe8s  bien\tok\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, CL(0), { reason: 'Tr\xe8s  bien\tok', contentLength: 0 }), end()],
  },
  { name: 'status 999 is passed on', wire: 'HTTP/1.1 999 Request denied\r\nContent-Length: 0\r\n\r\n', events: [head(999, CL(0), { reason: 'Request denied', contentLength: 0 }), end()] },
  { name: 'HTTP/2.0 status line', wire: 'HTTP/2.0 200 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'lower-case http', wire: 'http/1.1 200 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'not HTTP at all', wire: 'ICY 200 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'HTTP/0.9 style body', wire: '<html>hello</html>\n', error: 'ProtocolError' },
  { name: 'two-digit status', wire: 'HTTP/1.1 20 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'four-digit status', wire: 'HTTP/1.1 2000 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'status starting with 0', wire: 'HTTP/1.1 099 Odd\r\n\r\n', error: 'ProtocolError' },
  { name: 'two spaces before status', wire: 'HTTP/1.1  200 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'version with letters', wire: 'HTTP/1.x 200 OK\r\n\r\n', error: 'ProtocolError' },
  { name: 'NUL in the reason', wire: 'HTTP/1.1 200 O\0K\r\n\r\n', error: 'ProtocolError' },
  { name: 'bare CR in the reason', wire: 'HTTP/1.1 200 O\rK\r\n\r\n', error: 'ProtocolError' },
  { name: 'whitespace before the status line', wire: ' HTTP/1.1 200 OK\r\n\r\n', error: 'ProtocolError' },
  {
    name: 'up to four blank lines before the status line are skipped',
    wire: '\r\n\n\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, CL(0), { contentLength: 0 }), end()],
  },
  { name: 'five blank lines are refused', wire: '\r\n\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', error: 'ProtocolError' },

  // --- fields
  {
    name: 'OWS around values is trimmed, inner kept',
    wire: 'HTTP/1.1 200 OK\r\nX-A:  a  b \t\r\nX-B:\tc\r\nX-Empty:\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, ['X-A', 'a  b', 'X-B', 'c', 'X-Empty', '', ...CL(0)], { contentLength: 0 }), end()],
  },
  {
    name: 'obs-fold is unfolded into one space',
    wire: 'HTTP/1.1 200 OK\r\nX-Long: one\r\n  two\r\n\tthree\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, ['X-Long', 'one two three', ...CL(0)], { contentLength: 0 }), end()],
  },
  { name: 'obs-fold right after the status line', wire: 'HTTP/1.1 200 OK\r\n X: y\r\n\r\n', error: 'ProtocolError' },
  { name: 'space between name and colon', wire: 'HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello', error: 'ProtocolError' },
  { name: 'field line without a colon', wire: 'HTTP/1.1 200 OK\r\nnocolon\r\n\r\n', error: 'ProtocolError' },
  { name: 'empty field name', wire: 'HTTP/1.1 200 OK\r\n: value\r\n\r\n', error: 'ProtocolError' },
  { name: 'non-token field name', wire: 'HTTP/1.1 200 OK\r\nX(y): 1\r\n\r\n', error: 'ProtocolError' },
  { name: 'NUL in a value', wire: 'HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n', error: 'ProtocolError' },
  { name: 'bare CR in a value', wire: 'HTTP/1.1 200 OK\r\nX: a\rContent-Length: 0\r\n\r\n', error: 'ProtocolError' },
  { name: 'CR CR LF ends no line', wire: 'HTTP/1.1 200 OK\r\nX: a\r\r\n\r\n', error: 'ProtocolError' },
  {
    name: 'bare LF line endings are accepted throughout',
    wire: 'HTTP/1.1 200 OK\nX: 1\nTransfer-Encoding: chunked\n\n2\nab\n0\nT: 2\n\n',
    events: [head(200, ['X', '1', 'Transfer-Encoding', 'chunked'], { bodyKind: 'chunked' }), data('ab'), end(true, ['T', '2'])],
  },
  {
    name: 'obs-text in a value is kept as latin1',
    wire: 'HTTP/1.1 200 OK\r\nX: caf\xe9\r\nContent-Length: 0\r\n\r\n',
    events: [head(200, ['X', 'caf\xe9', ...CL(0)], { contentLength: 0 }), end()],
  },

  // --- pipelining
  {
    name: 'two pipelined responses',
    methods: ['GET', 'GET'],
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nb\r\n0\r\n\r\n',
    events: [head(200, CL(1), { contentLength: 1 }), data('a'), end(), head(200, ['Transfer-Encoding', 'chunked'], { bodyKind: 'chunked' }), data('b'), end(true, [])],
  },
  {
    name: 'HEAD then GET pipelined',
    methods: ['HEAD', 'GET'],
    wire: 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc',
    events: [head(200, CL(3), { bodyKind: 'none' }), end(), head(200, CL(3), { contentLength: 3 }), data('abc'), end()],
  },
  {
    name: 'three pipelined, last read until close',
    methods: ['GET', 'DELETE', 'GET'],
    wire: 'HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\nrest',
    eof: true,
    events: [
      head(204, [], { reason: 'No Content', bodyKind: 'none' }),
      end(),
      head(200, CL(0), { contentLength: 0 }),
      end(),
      head(200, [], { bodyKind: 'close', keepAlive: false }),
      data('rest'),
      end(false),
    ],
  },

  // --- truncation at EOF
  { name: 'EOF before any byte', wire: '', eof: true, error: 'ProtocolError' },
  { name: 'EOF inside the status line', wire: 'HTTP/1.1 2', eof: true, error: 'ProtocolError' },
  { name: 'EOF inside the fields', wire: 'HTTP/1.1 200 OK\r\nContent-Le', eof: true, error: 'ProtocolError' },
  { name: 'EOF inside a Content-Length body', wire: 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc', eof: true, error: 'ProtocolError' },
  { name: 'EOF inside a chunk', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab', eof: true, error: 'ProtocolError' },
  { name: 'EOF before the last chunk', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n', eof: true, error: 'ProtocolError' },
  { name: 'EOF inside the trailers', wire: 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: 1\r\n', eof: true, error: 'ProtocolError' },
];

describe('response parser: (bytes → events) table', () => {
  for (const c of CASES) {
    test(c.name, () => {
      const whole = run(c.wire, { methods: c.methods, eof: c.eof });
      if (c.error) {
        assert.equal(whole.error, c.error, `expected ${c.error}, got ${JSON.stringify(whole)}`);
      } else {
        assert.equal(whole.error, undefined, `unexpected ${whole.error}`);
        assert.deepEqual(whole.events, c.events);
      }
      // However the bytes arrive — here one at a time — the outcome is the same.
      const split = run(c.wire, { methods: c.methods, eof: c.eof, cuts: bytewise(c.wire) });
      // (Events completed by a feed that throws are lost with it, so on error only the verdict is compared.)
      assert.equal(split.error, whole.error);
      if (!c.error) assert.deepEqual(split.events, whole.events);
    });
  }
});

describe('state machine', () => {
  const body1 = 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n';
  // Brings a parser into `state`; for 'body' the framing decides whether eof is allowed.
  function into(state: ParserState, input?: ParserInput): ResponseParser {
    const p = new ResponseParser();
    switch (state) {
      case 'idle':
        break;
      case 'head':
        p.expect('GET');
        break;
      case 'body':
        p.expect('GET');
        p.feed(
          Buffer.from(
            input === 'eof' ? 'HTTP/1.1 200 OK\r\n\r\n' : input === 'fail' ? 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n' : body1,
          ),
        );
        break;
      case 'upgraded':
        p.expect('GET');
        p.feed(Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\n\r\n'));
        break;
      case 'closed':
        p.eof();
        break;
      case 'error':
        p.expect('GET');
        assert.throws(() => p.feed(Buffer.from('garbage\r\n')));
        break;
    }
    assert.equal(p.state, state);
    return p;
  }
  const inputs: Record<ParserInput, (p: ResponseParser) => unknown> = {
    expect: (p) => p.expect('GET'),
    interim: (p) => p.feed(Buffer.from('HTTP/1.1 100 Continue\r\n\r\n')),
    head: (p) => p.feed(Buffer.from(body1)),
    upgrade: (p) => p.feed(Buffer.from('HTTP/1.1 101 Switching Protocols\r\n\r\n')),
    end: (p) => p.feed(Buffer.from('x')),
    eof: (p) => p.eof(),
    // idle: too many unsolicited bytes; head: not a status line; body: not a chunk size.
    fail: (p) => p.feed(p.state === 'idle' ? Buffer.alloc(DEFAULT_LIMITS.maxStatusLine + 1, 0x41) : Buffer.from('zz\r\n')),
  };

  for (const [from, row] of Object.entries(TRANSITIONS) as [ParserState, Partial<Record<ParserInput, ParserState>>][]) {
    for (const [input, to] of Object.entries(row) as [ParserInput, ParserState][]) {
      test(`${from} --${input}--> ${to}`, () => {
        const p = into(from, input);
        try {
          inputs[input](p);
        } catch (err) {
          assert.equal(input, 'fail', `unexpected ${String(err)}`);
        }
        assert.equal(p.state, to);
      });
    }
  }

  test('the table is closed: every target is a state', () => {
    const states = new Set(Object.keys(TRANSITIONS));
    for (const row of Object.values(TRANSITIONS)) for (const to of Object.values(row)) assert.ok(states.has(to));
  });

  test('EOF in head and in a framed body take the fail edge', () => {
    const a = into('head');
    assert.throws(() => a.eof(), ProtocolError);
    assert.equal(a.state, 'error');
    const b = into('body');
    assert.throws(() => b.eof(), /short of its Content-Length/);
    assert.equal(b.state, 'error');
  });

  test('after an error every call throws the same error', () => {
    const p = into('head');
    let first: unknown;
    try {
      p.feed(Buffer.from('HTTP/9.9 200 OK\r\n'));
    } catch (err) {
      first = err;
    }
    assert.ok(first instanceof ProtocolError);
    assert.throws(() => p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), (e) => e === first);
    assert.throws(() => p.eof(), (e) => e === first);
  });

  test('a feed that fails keeps what it completed before the fault, handed out once', () => {
    const p = new ResponseParser();
    p.expect('GET');
    assert.throws(() => p.feed(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n')), (e) => e instanceof ProtocolError && e.phase === 'body');
    const got = p.takeCompleted();
    assert.deepEqual(
      got.map((e) => e.type),
      ['head', 'data'],
    );
    assert.equal(got[0]!.type === 'head' && got[0]!.status, 200);
    assert.equal(got[1]!.type === 'data' && got[1]!.bytes.toString(), 'hello');
    assert.deepEqual(p.takeCompleted(), []);
  });

  test('a feed that fails at once completes nothing', () => {
    const p = new ResponseParser();
    p.expect('GET');
    assert.throws(() => p.feed(Buffer.from('HTTP/9.9 200 OK\r\n')), ProtocolError);
    assert.deepEqual(p.takeCompleted(), []);
  });

  test('feed after EOF or upgrade, and expect after them, are caller errors', () => {
    const c = into('closed');
    assert.throws(() => c.feed(Buffer.from('x')), InputError);
    assert.throws(() => c.expect('GET'), InputError);
    assert.equal(c.state, 'closed');
    const u = into('upgraded');
    assert.throws(() => u.feed(Buffer.from('x')), InputError);
    assert.throws(() => u.expect('GET'), InputError);
    assert.deepEqual(u.eof(), []);
    assert.equal(u.state, 'closed');
  });

  test('EOF twice is harmless', () => {
    const p = into('body', 'eof');
    assert.equal(p.eof().length, 1);
    assert.deepEqual(p.eof(), []);
  });

  test('end goes back to head when another response is queued', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.expect('GET');
    p.feed(Buffer.from(`${body1}x`));
    assert.equal(p.state, 'head');
    assert.equal(p.outstanding, 1);
  });
});

describe('parser properties and counters', () => {
  test('outstanding counts queued and current responses, and those never answered after EOF', () => {
    const p = new ResponseParser();
    assert.equal(p.outstanding, 0);
    p.expect('GET');
    p.expect('GET');
    p.expect('GET');
    assert.equal(p.outstanding, 3);
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\n\r\nbody'));
    assert.equal(p.outstanding, 2);
    p.eof();
    assert.equal(p.outstanding, 1);
  });

  test('responseStarted turns true with the first byte, even a blank line', () => {
    const p = new ResponseParser();
    p.expect('GET');
    assert.equal(p.responseStarted, false);
    p.feed(Buffer.from('\r\n'));
    assert.equal(p.responseStarted, true);
    const q = new ResponseParser();
    q.expect('GET');
    q.feed(Buffer.from('HT'));
    assert.equal(q.responseStarted, true);
    const r = new ResponseParser();
    r.expect('GET');
    assert.throws(() => r.eof(), (e: Error & { phase?: string }) => /before the response began/.test(e.message) && e.phase === 'empty');
  });

  test('an error met in the body (trailers, a chunk line) names phase body, and one in the head phase headers, however the bytes are split', () => {
    const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
    const cases: Array<[string, string]> = [
      [chunked + '2\r\nok\r\n0\r\nBad Field: x\r\n\r\n', 'body'],
      [chunked + '2\r\nok\r\n0\r\nX: a\0b\r\n\r\n', 'body'],
      [chunked + '2\r\nok\r\n0\r\nX: ' + 'a'.repeat(70_000) + '\r\n\r\n', 'body'],
      [chunked + '2;' + 'x'.repeat(10_000) + '\r\nok\r\n0\r\n\r\n', 'body'],
      ['HTTP/1.1 200 OK\r\nBad Field: x\r\nContent-Length: 0\r\n\r\n', 'headers'],
    ];
    for (const [wire, phase] of cases) {
      const bytes = Buffer.from(wire, 'latin1');
      for (const at of [bytes.length, 50]) {
        const p = new ResponseParser();
        p.expect('GET');
        assert.throws(
          () => {
            p.feed(bytes.subarray(0, at));
            p.feed(bytes.subarray(at));
          },
          (e: ProtocolError | LimitError) => (e instanceof ProtocolError || e instanceof LimitError) && e.phase === phase,
          `${JSON.stringify(wire.slice(0, 80))} cut at ${at}`,
        );
      }
    }
  });

  test('bytes with no request outstanding are held as stray, and counted', () => {
    const p = new ResponseParser();
    p.expect('GET');
    const ev = p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 408 Request Timeout\r\n'));
    assert.equal(ev.length, 3);
    assert.equal(p.state, 'idle');
    assert.equal(p.strayBytes, 30);
  });

  test('stray bytes are parsed once a response is expected and more arrives', () => {
    const p = new ResponseParser();
    assert.deepEqual(p.feed(Buffer.from('HTTP/1.1 204 No Content\r\n')), []);
    p.expect('GET');
    const ev = p.feed(Buffer.from('\r\n'));
    assert.deepEqual(
      ev.map((e) => e.type),
      ['head', 'end'],
    );
  });

  test('too many stray bytes are refused', () => {
    const p = new ResponseParser({ maxStatusLine: 16 });
    assert.throws(() => p.feed(Buffer.alloc(17, 0x41)), ProtocolError);
  });

  test('body bytes are views into the input, not copies', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.expect('GET');
    const input = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nde\r\n0\r\n\r\n');
    const datas = p.feed(input).filter((e) => e.type === 'data');
    assert.equal(datas.length, 2);
    for (const d of datas) assert.equal(d.type === 'data' && d.bytes.buffer, input.buffer);
  });

  test('a read-until-close body hands on the whole chunk it was given', () => {
    const p = new ResponseParser();
    p.expect('GET');
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'));
    const chunk = Buffer.from('0123456789');
    const [d] = p.feed(chunk);
    assert.equal(d?.type === 'data' && d.bytes, chunk);
  });

  test('feed accepts a plain Uint8Array', () => {
    const p = new ResponseParser();
    p.expect('GET');
    const ev = p.feed(new TextEncoder().encode('HTTP/1.1 204 No Content\r\n\r\n'));
    assert.deepEqual(
      ev.map((e) => e.type),
      ['head', 'end'],
    );
  });

  test('headers keep case and order, and look-up ignores case', () => {
    const p = new ResponseParser();
    p.expect('GET');
    const [h] = p.feed(Buffer.from('HTTP/1.1 204 No Content\r\nSet-Cookie: a=1\r\nX-Thing: 1\r\nset-cookie: b=2\r\n\r\n'));
    assert.ok(h?.type === 'head');
    assert.deepEqual(h.headers.raw, ['Set-Cookie', 'a=1', 'X-Thing', '1', 'set-cookie', 'b=2']);
    assert.deepEqual(h.headers.getSetCookie(), ['a=1', 'b=2']);
    assert.equal(h.headers.get('x-thing'), '1');
  });
});

describe('limits', () => {
  test('DEFAULT_LIMITS: 64 KiB of header bytes, frozen', () => {
    assert.equal(DEFAULT_LIMITS.maxHeaderBytes, 65536);
    assert.ok(Object.isFrozen(DEFAULT_LIMITS));
  });

  test('a limit that is not a non-negative integer is refused', () => {
    assert.throws(() => new ResponseParser({ maxHeaders: -1 }), InputError);
    assert.throws(() => new ResponseParser({ maxHeaderBytes: Number.NaN }), InputError);
  });

  const statusLine = (len: number) => `HTTP/1.1 200 ${'R'.repeat(len - 13)}`;
  test('status line: exactly maxStatusLine passes, one more byte is a LimitError', () => {
    const limits = { maxStatusLine: 64 };
    assert.equal(run(`${statusLine(64)}\r\nContent-Length: 0\r\n\r\n`, { limits }).error, undefined);
    assert.equal(run(`${statusLine(65)}\r\nContent-Length: 0\r\n\r\n`, { limits }).error, 'LimitError');
    // Without any LF the bound still holds: the parser refuses to buffer more.
    assert.equal(run(statusLine(200), { limits }).error, 'LimitError');
  });

  test('header bytes: exactly maxHeaderBytes passes, one more is a LimitError, however split', () => {
    const limits = { maxHeaderBytes: 100 };
    // 'X: ' + value + CRLF, counted with CRLF; 'Content-Length: 0\r\n' is 19 bytes.
    const fits = `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ${'v'.repeat(100 - 19 - 5)}\r\n\r\n`;
    const over = `HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX: ${'v'.repeat(100 - 19 - 4)}\r\n\r\n`;
    assert.equal(run(fits, { limits }).error, undefined);
    assert.equal(run(fits, { limits, cuts: bytewise(fits) }).error, undefined);
    assert.equal(run(over, { limits }).error, 'LimitError');
    assert.equal(run(over, { limits, cuts: bytewise(over) }).error, 'LimitError');
  });

  test('header count: maxHeaders fields pass, one more is a LimitError', () => {
    const fields = (n: number) => Array.from({ length: n }, (_, i) => `X-${i}: ${i}\r\n`).join('');
    const limits = { maxHeaders: 10 };
    assert.equal(run(`HTTP/1.1 204 No Content\r\n${fields(10)}\r\n`, { limits }).error, undefined);
    const o = run(`HTTP/1.1 204 No Content\r\n${fields(11)}\r\n`, { limits });
    assert.equal(o.error, 'LimitError');
    assert.equal(o.code, 'DIAL_E_LIMIT');
  });

  test('interim responses: maxInformational pass, one more is a LimitError', () => {
    const wire = (n: number) => `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(n)}HTTP/1.1 204 No Content\r\n\r\n`;
    const limits = { maxInformational: 3 };
    assert.equal(run(wire(3), { limits }).events.length, 5);
    assert.equal(run(wire(4), { limits }).error, 'LimitError');
  });

  test('a raised maxInformational: 50,000 interim heads in one feed are read, not a stack overflow', () => {
    // Found by timing 1 MB inputs: each whole-head 1xx called back into the head reader, two
    // stack frames per head, so a few thousand in one chunk threw a RangeError (not a DialError).
    const n = 50_000;
    const wire = `${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(n)}HTTP/1.1 204 No Content\r\n\r\n`;
    const o = run(wire, { limits: { maxInformational: n } });
    assert.equal(o.error, undefined);
    assert.equal(o.events.length, n + 2);
    assert.equal(run(wire, { limits: { maxInformational: n - 1 } }).error, 'LimitError');
  });

  test('the interim count starts afresh for each response', () => {
    const one = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n';
    const o = run(one + one + one, { methods: ['GET', 'GET', 'GET'], limits: { maxInformational: 1 } });
    assert.equal(o.error, undefined);
    assert.equal(o.events.length, 9);
  });

  test('chunk-size line bound', () => {
    const limits = { maxChunkLine: 20 };
    const wire = (ext: string) => `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${ext}\r\nx\r\n0\r\n\r\n`;
    assert.equal(run(wire('e'.repeat(18)), { limits }).error, undefined);
    assert.equal(run(wire('e'.repeat(19)), { limits }).error, 'LimitError');
  });

  test('trailer bytes bound', () => {
    const limits = { maxTrailerBytes: 30 };
    const wire = (v: string) => `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: ${v}\r\n\r\n`;
    assert.equal(run(wire('v'.repeat(25)), { limits }).error, undefined);
    assert.equal(run(wire('v'.repeat(26)), { limits }).error, 'LimitError');
    assert.equal(run(wire('v'.repeat(26)), { limits, cuts: bytewise(wire('v'.repeat(26))) }).error, 'LimitError');
  });
});

// ---- property tests: however the bytes arrive, the same events --------------------------------

interface Msg {
  wire: string;
  method: string;
  /** The body the server meant, or null when the message carries none. */
  body: string | null;
}

const token = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,11}$/).filter((s) => !/^(content-length|transfer-encoding|connection)$/i.test(s));
const value = fc.stringMatching(/^[ -~]{0,20}$/).map((s) => s.trim());
const bodyText = fc.string({ maxLength: 60 });
const eol = fc.constantFrom('\r\n', '\n');

const fieldsArb = fc.array(fc.tuple(token, value), { maxLength: 5 });

const framedMsg: fc.Arbitrary<Msg> = fc
  .record({
    status: fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
    fields: fieldsArb,
    body: bodyText,
    framing: fc.constantFrom('length', 'chunked'),
    cuts: fc.array(fc.nat(), { maxLength: 4 }),
    ext: fc.boolean(),
    trailers: fieldsArb,
    interim: fc.array(fc.constantFrom(100, 102, 103), { maxLength: 2 }),
    nl: eol,
    method: fc.constantFrom('GET', 'POST', 'HEAD'),
  })
  .map((m) => {
    const nl = m.nl;
    let wire = '';
    for (const s of m.interim) wire += `HTTP/1.1 ${s} Info${nl}X-I: ${s}${nl}${nl}`;
    wire += `HTTP/1.1 ${m.status} Some Reason${nl}`;
    for (const [k, v] of m.fields) wire += `${k}: ${v}${nl}`;
    const body = Buffer.from(m.body, 'utf8').toString('latin1');
    if (m.framing === 'length') {
      wire += `Content-Length: ${body.length}${nl}${nl}`;
      if (m.method !== 'HEAD') wire += body;
    } else {
      wire += `Transfer-Encoding: chunked${nl}${nl}`;
      if (m.method !== 'HEAD') {
        const cuts = [...new Set(m.cuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
        let at = 0;
        for (const c of [...cuts, body.length]) {
          if (c <= at) continue;
          wire += `${(c - at).toString(16)}${m.ext ? ';x=1' : ''}${nl}${body.slice(at, c)}${nl}`;
          at = c;
        }
        wire += `0${nl}`;
        for (const [k, v] of m.trailers) wire += `${k}: ${v}${nl}`;
        wire += nl;
      }
    }
    return { wire, method: m.method, body: m.method === 'HEAD' ? null : body };
  });

const splitArb = (len: number) => fc.uniqueArray(fc.integer({ min: 0, max: Math.max(0, len) }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));

function bodiesOf(events: Ev[]): string[] {
  const out: string[] = [];
  let cur: string | null = null;
  for (const e of events) {
    if (e.type === 'head') cur = '';
    else if (e.type === 'data') cur = (cur ?? '') + e.text;
    else if (e.type === 'end') {
      out.push(cur ?? '');
      cur = null;
    }
  }
  return out;
}

describe('properties (fast-check)', () => {
  test('one message, split anywhere: same events, and the body the server meant', () => {
    fc.assert(
      fc.property(framedMsg.chain((m) => fc.tuple(fc.constant(m), splitArb(m.wire.length))), ([m, cuts]) => {
        const whole = run(m.wire, { methods: [m.method] });
        assert.equal(whole.error, undefined, whole.error);
        const split = run(m.wire, { methods: [m.method], cuts });
        assert.deepEqual(split, whole);
        assert.deepEqual(bodiesOf(whole.events), [m.body ?? '']);
      }),
      { numRuns: 300 },
    );
  });

  test('pipelined sequences, split anywhere: same events, every body intact', () => {
    fc.assert(
      fc.property(
        fc.array(framedMsg, { minLength: 1, maxLength: 5 }).chain((ms) => {
          const wire = ms.map((m) => m.wire).join('');
          return fc.tuple(fc.constant(ms), splitArb(wire.length));
        }),
        ([ms, cuts]) => {
          const wire = ms.map((m) => m.wire).join('');
          const methods = ms.map((m) => m.method);
          const whole = run(wire, { methods });
          assert.equal(whole.error, undefined, whole.error);
          assert.deepEqual(run(wire, { methods, cuts }), whole);
          assert.deepEqual(
            bodiesOf(whole.events),
            ms.map((m) => m.body ?? ''),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  test('a read-until-close body ending a pipeline, split anywhere', () => {
    fc.assert(
      fc.property(framedMsg, bodyText, fc.array(fc.nat(), { maxLength: 8 }), (m, tail, rawCuts) => {
        const wire = `${m.wire}HTTP/1.0 200 OK\r\nX: y\r\n\r\n${tail}`;
        const cuts = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const whole = run(wire, { methods: [m.method, 'GET'], eof: true });
        assert.equal(whole.error, undefined);
        assert.deepEqual(run(wire, { methods: [m.method, 'GET'], eof: true, cuts }), whole);
        assert.equal(bodiesOf(whole.events).at(-1), tail);
      }),
      { numRuns: 150 },
    );
  });

  test('arbitrary bytes never throw anything but ProtocolError or LimitError, and split does not change the verdict', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.array(fc.nat(), { maxLength: 6 }), (bytes, rawCuts) => {
        const wire = Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\n'), Buffer.from(bytes)]);
        const cuts = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const whole = run(wire, { eof: true });
        if (whole.error) assert.ok(whole.error === 'ProtocolError' || whole.error === 'LimitError', whole.error);
        const split = run(wire, { eof: true, cuts });
        assert.equal(split.error, whole.error);
        if (!whole.error) assert.deepEqual(split, whole);
      }),
      { numRuns: 400 },
    );
  });
});

test('an instance of LimitError carries the bound', () => {
  const p = new ResponseParser({ maxHeaders: 1 });
  p.expect('GET');
  try {
    p.feed(Buffer.from('HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\n\r\n'));
    assert.fail('no error');
  } catch (err) {
    assert.ok(err instanceof LimitError);
    assert.equal(err.limit, 1);
  }
});

test('a 1xx event carries its own version and every head its bytes as received', () => {
  const p = new ResponseParser();
  p.expect('GET');
  const wire = 'HTTP/1.1 100 Continue\n\nHTTP/1.0 200 OK \r\nA:  1\r\n\r\nx';
  const [info, final] = p.feed(Buffer.from(wire, 'latin1'));
  assert.ok(info?.type === 'informational' && final?.type === 'head');
  assert.deepEqual([info.version, info.raw], ['1.1', 'HTTP/1.1 100 Continue\n\n']);
  assert.deepEqual([final.version, final.raw], ['1.0', 'HTTP/1.0 200 OK \r\nA:  1\r\n\r\n']);
});
