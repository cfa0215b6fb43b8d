import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseGopherUrl, buildGopherUrl, requestLine, checkTarget, type GopherTarget } from '../../../../src/protocols/gopher/core/url.js';
import { InputError } from '../../../../src/errors.js';

const CASES: Array<[url: string, target: GopherTarget]> = [
  ['gopher://example.org', { host: 'example.org', port: 70, type: '1', selector: '' }],
  ['gopher://example.org/', { host: 'example.org', port: 70, type: '1', selector: '' }],
  ['gopher://example.org:7070/1/', { host: 'example.org', port: 7070, type: '1', selector: '/' }],
  ['gopher://example.org/0/docs/readme.txt', { host: 'example.org', port: 70, type: '0', selector: '/docs/readme.txt' }],
  ['gopher://example.org/0About%20us', { host: 'example.org', port: 70, type: '0', selector: 'About us' }],
  ['gopher://example.org/9/a%2Fb%25c', { host: 'example.org', port: 70, type: '9', selector: '/a/b%c' }],
  ['gopher://example.org/7/search%09hello%20world', { host: 'example.org', port: 70, type: '7', selector: '/search', query: 'hello world' }],
  ['gopher://example.org/7/s%09q%09+', { host: 'example.org', port: 70, type: '7', selector: '/s', query: 'q', plus: '+' }],
  ['gopher://example.org/1/cgi?x=1', { host: 'example.org', port: 70, type: '1', selector: '/cgi?x=1' }],
  ['gopher://example.org/0/f#frag', { host: 'example.org', port: 70, type: '0', selector: '/f' }],
  ['gopher://[::1]:7070/0/x', { host: '::1', port: 7070, type: '0', selector: '/x' }],
  ['gopher://example.org/h/caf%C3%A9', { host: 'example.org', port: 70, type: 'h', selector: '/café' }],
  // U+FEFF is text in a selector or query, never a byte-order mark to drop (a property run found this).
  ['gopher://example.org/0%EF%BB%BFx%09%EF%BB%BF', { host: 'example.org', port: 70, type: '0', selector: '\ufeffx', query: '\ufeff' }],
  ['gopher://example.org/%30/x', { host: 'example.org', port: 70, type: '0', selector: '/x' }],
  // A type that checkTarget allows but is more than one byte was built into a URL that parsing
  // refused, and a '%' type not followed by hex lost the two characters after it (a property run found this).
  ['gopher://example.org/%C3%A9abc', { host: 'example.org', port: 70, type: 'é', selector: 'abc' }],
  ['gopher://example.org/%F0%9F%98%80x', { host: 'example.org', port: 70, type: '\u{1F600}', selector: 'x' }],
  ['gopher://example.org/%zzabc', { host: 'example.org', port: 70, type: '%', selector: 'zzabc' }],
];

for (const [url, target] of CASES) {
  test(`url: ${url}`, () => {
    assert.deepEqual(parseGopherUrl(url), target);
    // Building then parsing gives the same target back.
    assert.deepEqual(parseGopherUrl(buildGopherUrl(target)), target);
  });
}

// Found by the build→parse property: the URL parser folded the dot segments of a selector such
// as '/../x' (type 1 came back as type 'x' with an empty selector).
test('url: a selector with dot segments is built with its slashes escaped and parses back', () => {
  for (const [selector, query] of [['/../x', undefined], ['/./x', undefined], ['/a/..', undefined], ['/s', '/../q'], ['..', undefined]] as const) {
    const t: GopherTarget = { host: 'h', port: 70, type: '1', selector };
    if (query !== undefined) t.query = query;
    assert.deepEqual(parseGopherUrl(buildGopherUrl(t)), t, selector);
  }
  assert.equal(buildGopherUrl({ host: 'h', port: 70, type: '1', selector: '/../x' }), 'gopher://h/1%2F..%2Fx');
  assert.equal(buildGopherUrl({ host: 'h', port: 70, type: '1', selector: '/a/b' }), 'gopher://h/1/a/b');
  assert.throws(() => buildGopherUrl({ host: 'h', port: 70, type: '.', selector: '' }), InputError);
});

test('url: buildGopherUrl escapes what it must and omits port 70', () => {
  assert.equal(buildGopherUrl({ host: 'h', port: 70, type: '0', selector: '/a b?#%' }), 'gopher://h/0/a%20b%3F%23%25');
  assert.equal(buildGopherUrl({ host: '::1', port: 71, type: '7', selector: '/s', query: 'x y' }), 'gopher://[::1]:71/7/s%09x%20y');
});

test('url: the request line is selector [TAB query] CRLF', () => {
  assert.equal(requestLine({ host: 'h', port: 70, type: '1', selector: '' }).toString(), '\r\n');
  assert.equal(requestLine({ host: 'h', port: 70, type: '7', selector: '/s', query: 'q' }).toString(), '/s\tq\r\n');
  assert.equal(requestLine({ host: 'h', port: 70, type: '7', selector: '/s', query: 'q', plus: '$' }).toString(), '/s\tq\t$\r\n');
});

test('url: CR, LF, NUL and tab in any field are refused', () => {
  for (const bad of ['/a\r\nb', '/a\nb', '/a\0', '/a\tb']) {
    assert.throws(() => checkTarget({ host: 'h', port: 70, type: '0', selector: bad }), InputError);
    assert.throws(() => checkTarget({ host: 'h', port: 70, type: '7', selector: '/s', query: bad }), InputError);
  }
  // Escaped in a URL they are just as refused once decoded.
  assert.throws(() => parseGopherUrl('gopher://h/0/a%0D%0Ab'), InputError);
  assert.throws(() => parseGopherUrl('gopher://h/0/a%00'), InputError);
  assert.throws(() => checkTarget({ host: 'h', port: 0, type: '0', selector: '' }), InputError);
  assert.throws(() => checkTarget({ host: 'h', port: 70, type: '01', selector: '' }), InputError);
  assert.throws(() => parseGopherUrl('http://h/'), InputError);
});

test('url: escapes that are not UTF-8 are the selector\'s own bytes, sent as they are (as curl sends them)', () => {
  // Before the fix gopher://h/0/caf%E9.txt was an InputError, where curl fetches it.
  const t = parseGopherUrl('gopher://h/0/caf%E9.txt%09%FF');
  assert.deepEqual(t, { host: 'h', port: 70, type: '0', selector: '/caf\xe9.txt', query: '\xff', encoding: 'latin1' });
  assert.equal(requestLine(t).toString('hex'), Buffer.from('/caf\xe9.txt\t\xff\r\n', 'latin1').toString('hex'));
  assert.equal(buildGopherUrl(t), 'gopher://h/0/caf%E9.txt%09%FF');
  assert.deepEqual(parseGopherUrl(buildGopherUrl(t)), t);
  // A latin1 field holds bytes: a character past U+00FF is no byte and is refused.
  assert.throws(() => checkTarget({ host: 'h', port: 70, type: '0', selector: '/\u20ac', encoding: 'latin1' }), InputError);
  assert.throws(() => checkTarget({ host: 'h', port: 70, type: '0', selector: '/x', encoding: 'ebcdic' as 'latin1' }), InputError);
});

test('url: build → parse round-trips any selector and query (property)', () => {
  const text = fc.oneof(
    fc.string({ maxLength: 30, unit: 'binary' }).map((s) => s.replace(/[\t\r\n\0]/g, '').replace(/[\ud800-\udfff]/g, '')),
    fc.array(fc.constantFrom('/', '.', '..', 'a', '%2e', '%'), { maxLength: 8 }).map((a) => a.join('')),
  );
  fc.assert(
    fc.property(fc.oneof(fc.constantFrom('0', '1', '7', '9', 'g', 'h', 'I', '%', ' ', 'é'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => [...c].length === 1 && !/[\t\r\n\0]/.test(c))), text, fc.option(text, { nil: undefined }), fc.integer({ min: 1, max: 65535 }), (type, selector, query, port) => {
      const t: GopherTarget = { host: 'example.org', port, type, selector };
      if (query !== undefined) t.query = query;
      if (type === '.' && (selector === '' || selector === '.') && query === undefined) assert.throws(() => buildGopherUrl(t), InputError);
      else assert.deepEqual(parseGopherUrl(buildGopherUrl(t)), t);
    }),
    { numRuns: 500 },
  );
});

// Found by feeding the request builders values of every type: a target without a selector
// passed checkTarget and requestLine sent the word 'undefined' as the selector.
test('url: a selector that is not a string is refused, not sent as text', () => {
  for (const selector of [undefined, null, 5]) {
    const t = { host: 'h', port: 70, type: '1', selector } as unknown as GopherTarget;
    assert.throws(() => requestLine(t), InputError, String(selector));
  }
});

