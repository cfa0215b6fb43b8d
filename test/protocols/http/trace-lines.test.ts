import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceHead, traceResponse } from '../../../src/protocols/http/trace-lines.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import type { TraceEvent } from '../../../src/trace.js';

test('request head: one > event per line, credentials masked', () => {
  const ev: TraceEvent[] = [];
  traceHead((e) => ev.push(e), Buffer.from('GET / HTTP/1.1\r\nHost: h\r\nAuthorization: Basic dTpw\r\nProxy-Authorization: Basic eA==\r\n\r\n'));
  assert.deepEqual(
    ev.map((e) => `${e.kind} ${e.text}`),
    ['> GET / HTTP/1.1', '> Host: h', '> Authorization: Basic ****', '> Proxy-Authorization: Basic ****'],
  );
});

test('response: status line then fields as < events; nothing without a tracer', () => {
  const ev: TraceEvent[] = [];
  traceResponse((e) => ev.push(e), 404, 'Not Found', '1.0', new HeaderList(['A', '1']));
  traceResponse((e) => ev.push(e), 200, '', '1.1', new HeaderList());
  assert.deepEqual(ev.map((e) => e.text), ['HTTP/1.0 404 Not Found', 'A: 1', 'HTTP/1.1 200']);
  traceResponse(undefined, 200, 'OK', '1.1', new HeaderList());
});

test('response with its head as received: one < event per line as it came (a fold its own line, spaces kept), as curl -v shows it', () => {
  const ev: TraceEvent[] = [];
  traceResponse((e) => ev.push(e), 200, '', '1.1', new HeaderList(['X', 'a b']), 'HTTP/1.1 200 \nX:a  \r\n  b\r\n\r\n');
  assert.deepEqual(ev.map((e) => `${e.kind} ${e.text}`), ['< HTTP/1.1 200 ', '< X:a  ', '<   b']);
});
