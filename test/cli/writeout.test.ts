import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatWriteOut, type WriteOutVars } from '../../src/cli/writeout.js';

const vars: WriteOutVars = {
  http_code: 200, response_code: 200, http_version: '1.1', size_download: 1234, size_upload: 0, size_header: 80, size_request: 0,
  time_total: 0.5, time_starttransfer: 0.25, speed_download: 2468.1, speed_upload: 0, url: 'http://h/a', url_effective: 'http://h/b',
  redirect_url: '', num_redirects: 1, num_headers: 2, content_type: 'text/plain', exitcode: 0, errormsg: '', filename_effective: 'out',
  method: 'GET', scheme: 'http', headers: [['Content-Type', 'text/plain'], ['X-A', '1'], ['x-a', '2']],
  http_connect: 0, time_namelookup: 0.001, time_connect: 0.002, time_appconnect: 0, time_pretransfer: 0.003, time_redirect: 0,
  remote_ip: '127.0.0.1', remote_port: 8080, local_ip: '127.0.0.1', local_port: 50000, num_connects: 1, ssl_verify_result: 0,
  urlnum: 2, referer: '',
};
const text = (t: string, v = vars) => formatWriteOut(t, v).map((s) => s.text).join('');

test('variables, escapes and %%', () => {
  assert.equal(text('%{http_code} %{size_download} %{url_effective} %{num_redirects}\\n'), '200 1234 http://h/b 1\n');
  assert.equal(text('100%% \\t%{content_type}'), '100% \ttext/plain');
  // curl knows only \n \r \t: '\\' and '\q' come out as typed (curl -w 'a\\b' prints a\\b).
  assert.equal(text('a\\\\b\\q\\'), 'a\\\\b\\q\\');
  assert.equal(text('\\\\n|\\%{http_code}'), '\\\\n|\\%{http_code}');
});

test('codes print as three digits, 000 when none', () => {
  assert.equal(text('%{http_code}', { ...vars, http_code: 0 }), '000');
  assert.equal(text('%{response_code}'), '200');
});

test('times with six decimals, speeds as integers', () => {
  assert.equal(text('%{time_total} %{speed_download}'), '0.500000 2468');
});

test('%header{name} is the first of repeated headers, as curl (curl -w %header{set-cookie} prints one cookie); %{header_json} has them all', () => {
  assert.equal(text('%header{x-a}'), '1');
  assert.equal(text('%header{X-A}|%header{nope}|'), '1||');
  assert.deepEqual(JSON.parse(text('%{header_json}')), { 'content-type': ['text/plain'], 'x-a': ['1', '2'] });
});

test('%{stderr} switches stream; unknown variables warn on stderr', () => {
  const segs = formatWriteOut('a%{stderr}b%{stdout}c%{nope}', vars);
  assert.deepEqual(segs.map((s) => [s.stream, s.text.startsWith('dial:') ? 'warn' : s.text]), [
    ['stdout', 'a'], ['stderr', 'b'], ['stdout', 'c'], ['stderr', 'warn'],
  ]);
});

test('%{json} holds every variable', () => {
  const j = JSON.parse(text('%{json}')) as Record<string, unknown>;
  assert.equal(j.http_code, 200);
  assert.equal(j.url_effective, 'http://h/b');
  assert.equal(j.headers, undefined);
});

test('exitcode and errormsg', () => {
  assert.equal(text('%{exitcode}:%{errormsg}', { ...vars, exitcode: 7, errormsg: 'refused' }), '7:refused');
});

test('timings print with six decimals; ports and counts as numbers; %{json} holds them all', () => {
  assert.equal(text('%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_redirect}'), '0.001000 0.002000 0.000000 0.003000 0.000000');
  assert.equal(text('%{remote_ip}:%{remote_port} %{local_ip}:%{local_port} %{num_connects} %{ssl_verify_result}'), '127.0.0.1:8080 127.0.0.1:50000 1 0');
  const json = JSON.parse(text('%{json}')) as Record<string, unknown>;
  assert.equal(json.remote_port, 8080);
  assert.equal(json.time_connect, 0.002);
  assert.equal(json.headers, undefined);
});

test('%{header_json} puts each header on its own line, as curl', () => {
  assert.equal(text('%{header_json}'), '{"content-type":["text/plain"],\n"x-a":["1","2"]\n}');
});

// Found by timing formatWriteOut on generated templates: each '%header{' without a closing
// brace was scanned to the end of the template, so a 320 KB template took 9 s. Now a template
// of 2 MB of them is read in one pass (the test's own timeout is the bound, not a timer here).
test("a long template of unclosed '%header{' is read in one pass, and still matches once closed", () => {
  const open = '%header{'.repeat(256 * 1024);
  assert.ok(text(open) === open);
  assert.ok(text(`${open}x-a}`) === '', 'closed at the end: one header name, which no header has');
  assert.equal(text('%header{x-a'), '%header{x-a');
  assert.equal(text('%header{x-a%header{x-a}'), '');
  assert.equal(text('a}%header{x-a}'), 'a}1');
});

// Found by fuzzing variable names: '%{constructor}' printed 'function Object() { [native code] }'
// ('in' sees the prototype); curl warns that the variable is unknown.
test("names every object has, such as 'constructor', are unknown variables", () => {
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.deepEqual(formatWriteOut(`%{${name}}`, vars), [{ stream: 'stderr', text: `dial: unknown --write-out variable: '${name}'\n` }]);
  }
});


test('%{json}: a string the transfer does not have is null, as curl; times to the microsecond', () => {
  const j = JSON.parse(text('%{json}', { ...vars, content_type: '', time_total: 0.019241678000000012 })) as Record<string, unknown>;
  assert.equal(j.errormsg, null);
  assert.equal(j.redirect_url, null);
  assert.equal(j.content_type, null);
  assert.equal(j.time_total, 0.019242);
  assert.equal(j.method, 'GET');
  assert.equal(j.speed_download, 2468);
  const e = JSON.parse(text('%{json}', { ...vars, exitcode: 7, errormsg: 'refused', redirect_url: 'http://h/c' })) as Record<string, unknown>;
  assert.equal(e.errormsg, 'refused');
  assert.equal(e.redirect_url, 'http://h/c');
  // %{errormsg} on its own still prints nothing.
  assert.equal(text('[%{errormsg}]'), '[]');
});

// Found comparing with curl: 'curl -w "%{ }%{time total}"' warns twice that the variables are
// unknown and prints nothing, dial printed the template as text. curl takes everything up to
// the next '}' as the name; '%' before any other character is printed with it, unread.
test("'%{…}' names anything up to the next '}', as curl; '%' before another character is kept with it", () => {
  for (const name of [' ', '', 'time total', 'a{b', 'x%{y']) {
    assert.deepEqual(formatWriteOut(`%{${name}}`, vars), [{ stream: 'stderr', text: `dial: unknown --write-out variable: '${name}'\n` }]);
  }
  assert.equal(text('%{http_code'), '%{http_code');
  assert.equal(text('%\\n|%q|%'), '%\\n|%q|%');
  assert.equal(text('%header{}|%header{' + 'a'.repeat(300) + '}|'), '||');
});

// Found comparing with curl: -w 'done%{onerror} failed: %{errormsg}\n' warned that 'onerror'
// is unknown and printed both parts; curl (7.88 too) writes what follows %{onerror} only
// when the transfer failed.
test('%{onerror}: the rest is written only for a failed transfer', () => {
  assert.deepEqual(formatWriteOut('a%{onerror}b%{stderr}c', vars), [{ stream: 'stdout', text: 'a' }]);
  assert.deepEqual(formatWriteOut('a%{onerror}b%{stderr}c', { ...vars, exitcode: 7 }), [
    { stream: 'stdout', text: 'ab' },
    { stream: 'stderr', text: 'c' },
  ]);
  assert.deepEqual(formatWriteOut('a%{stderr}x%{onerror}b', vars), [{ stream: 'stdout', text: 'a' }, { stream: 'stderr', text: 'x' }]);
});

test('%{urlnum} and %{referer}: the command-line URL’s index and the Referer sent; %{json} writes a missing referer as null, as curl', () => {
  assert.equal(text('%{urlnum}|%{referer}|'), '2||');
  assert.equal(text('%{referer}', { ...vars, referer: 'http://from/' }), 'http://from/');
  const j = JSON.parse(text('%{json}')) as Record<string, unknown>;
  assert.equal(j['urlnum'], 2);
  assert.equal(j['referer'], null);
});
