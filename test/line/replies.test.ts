import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, LimitError, ProtocolError, ReplyError } from '../../src/errors.js';
import { ReplyAssembler, checkReply, matchesExpect, parseCodeLine, parseReply, type Expect, type Reply } from '../../src/line/replies.js';

/** Pushes lines until a reply completes; fails if one completes early or none does. */
function assemble(lines: readonly string[], a = new ReplyAssembler()): Reply {
  let got: Reply | undefined;
  lines.forEach((l, i) => {
    const r = a.push(l);
    if (r) {
      assert.equal(i, lines.length - 1, `the reply ended early, at line ${i}`);
      got = r;
    }
  });
  assert.ok(got, 'the reply never ended');
  return got;
}

describe('parseCodeLine', () => {
  const cases: Array<[string, ReturnType<typeof parseCodeLine>]> = [
    ['250 OK', { code: 250, more: false, text: 'OK' }],
    ['250-SIZE 100', { code: 250, more: true, text: 'SIZE 100' }],
    ['250', { code: 250, more: false, text: '' }],
    ['250 ', { code: 250, more: false, text: '' }],
    ['250-', { code: 250, more: true, text: '' }],
    ['100 continue', { code: 100, more: false, text: 'continue' }],
    ['599 z', { code: 599, more: false, text: 'z' }],
    ['354 Start mail input; end with <CRLF>.<CRLF>', { code: 354, more: false, text: 'Start mail input; end with <CRLF>.<CRLF>' }],
    ['220  two spaces', { code: 220, more: false, text: ' two spaces' }],
  ];
  for (const [line, want] of cases) {
    test(`${JSON.stringify(line)} parses`, () => assert.deepEqual(parseCodeLine(line), want));
  }
  const bad = ['', '25', '25 ok', '099 x', '000 x', '600 x', '999 x', '2500 x', '250x', '250_x', ' 250 x', 'abc def', '2a0 x', '+OK pop3', '25\u0660 x'];
  for (const line of bad) {
    test(`${JSON.stringify(line)} is not a reply line`, () => assert.equal(parseCodeLine(line), undefined));
  }
});

describe('matchesExpect', () => {
  const table: Array<[number, Expect, boolean]> = [
    [250, 2, true],
    [354, 2, false],
    [354, 3, true],
    [250, 25, true],
    [251, 25, true],
    [220, 25, false],
    [250, 250, true],
    [251, 250, false],
    [550, 0, true],
    [421, [2, 3], false],
    [354, [2, 3], true],
    [331, [230, 331], true],
    [332, [230, 331], false],
    [227, (c: number) => c === 227, true],
    [226, (c: number) => c === 227, false],
  ];
  for (const [code, expect, want] of table) {
    test(`${code} vs ${typeof expect === 'function' ? 'a predicate' : JSON.stringify(expect)} → ${want}`, () => {
      assert.equal(matchesExpect(code, expect), want);
    });
  }
});

describe('checkReply', () => {
  const reply: Reply = { code: 550, lines: ['No such user', 'try again'], text: 'No such user\ntry again' };

  test('returns the reply when it meets expect, or when there is no expect', () => {
    assert.equal(checkReply(reply, 5), reply);
    assert.equal(checkReply(reply, undefined), reply);
  });

  test('throws a ReplyError carrying the code and the whole text otherwise', () => {
    assert.throws(
      () => checkReply(reply, 2, 'smtp'),
      (e: unknown) => {
        assert.ok(e instanceof ReplyError);
        assert.equal(e.code, 'DIAL_E_REPLY');
        assert.deepEqual(e.reply, { code: 550, text: 'No such user\ntry again' });
        assert.equal(e.protocol, 'smtp');
        assert.equal(e.phase, 'reply');
        assert.match(e.message, /550 No such user/);
        assert.equal(e.local, false);
        return true;
      },
    );
  });
});

describe('ReplyAssembler: RFC 5321 §4.2.1 replies', () => {
  test('a single-line reply completes on its one line', () => {
    const a = new ReplyAssembler();
    assert.deepEqual(a.push('220 mail.example ESMTP'), { code: 220, lines: ['mail.example ESMTP'], text: 'mail.example ESMTP' });
    assert.equal(a.inProgress, false);
  });

  test('250- lines continue and the 250 line ends the reply; prefixes are removed', () => {
    const r = assemble(['250-mail.example greets you', '250-SIZE 35882577', '250-8BITMIME', '250 HELP']);
    assert.deepEqual(r, {
      code: 250,
      lines: ['mail.example greets you', 'SIZE 35882577', '8BITMIME', 'HELP'],
      text: 'mail.example greets you\nSIZE 35882577\n8BITMIME\nHELP',
    });
  });

  test("the RFC's own example: text beginning with digits after the hyphen", () => {
    const r = assemble(['250-First line', '250-Second line', '250-234 Text beginning with numbers', '250 The last line']);
    assert.deepEqual(r.lines, ['First line', 'Second line', '234 Text beginning with numbers', 'The last line']);
  });

  test('a bare code line (no text, RFC 5321 allows it) ends a multi-line reply', () => {
    assert.deepEqual(assemble(['250-one', '250']).lines, ['one', '']);
  });

  test('inProgress is true between the first line of a multi-line reply and its last', () => {
    const a = new ReplyAssembler();
    assert.equal(a.push('250-a'), undefined);
    assert.equal(a.inProgress, true);
    assert.ok(a.push('250 b'));
    assert.equal(a.inProgress, false);
  });

  test('one assembler serves reply after reply', () => {
    const a = new ReplyAssembler();
    assert.equal(assemble(['250-a', '250 b'], a).code, 250);
    assert.equal(assemble(['354 go'], a).code, 354);
    assert.deepEqual(assemble(['221-bye', '221 now'], a).lines, ['bye', 'now']);
  });
});

describe('ReplyAssembler: RFC 959 §4.2 multi-line replies', () => {
  test("the RFC's example: middle lines need not start with the code", () => {
    const r = assemble(['123-First line', 'Second line', '  234 A line beginning with numbers', '123 The last line']);
    assert.equal(r.code, 123);
    assert.deepEqual(r.lines, ['First line', 'Second line', '  234 A line beginning with numbers', 'The last line']);
  });

  test('a middle line with another code and a space does not end the reply; it is kept whole', () => {
    const r = assemble(['211-Features:', '200 not the end', ' MDTM', '211 End']);
    assert.deepEqual(r.lines, ['Features:', '200 not the end', ' MDTM', 'End']);
  });

  test('a middle line starting with the code but no separator is kept whole and does not end it', () => {
    assert.deepEqual(assemble(['230-hello', '2301 users online', '230x', '230 done']).lines, ['hello', '2301 users online', '230x', 'done']);
  });

  test('empty middle lines are kept', () => {
    assert.deepEqual(assemble(['214-help', '', '214 end']).lines, ['help', '', 'end']);
  });

  test('a middle line with the same code and a hyphen has its prefix removed', () => {
    assert.deepEqual(assemble(['150-a', 'b', '150-c', '150 d']).lines, ['a', 'b', 'c', 'd']);
  });
});

describe('ReplyAssembler: sameCode (RFC 5321 §4.2.1)', () => {
  test('a line with another code ends the reply as a ProtocolError, and the assembler starts afresh', () => {
    const a = new ReplyAssembler({ sameCode: true, protocol: 'smtp' });
    assert.equal(a.push('250-mail.test'), undefined);
    assert.throws(() => a.push('550 no'), (e: unknown) => e instanceof ProtocolError && /250 reply continued with a 550 line/.test(e.message));
    assert.equal(a.inProgress, false);
    assert.equal(a.push('250-a'), undefined);
    assert.throws(() => a.push('251-b'), ProtocolError);
  });

  test('lines with the same code, and lines that are not code lines, are still taken', () => {
    const a = new ReplyAssembler({ sameCode: true });
    assert.deepEqual(assemble(['220-first', '999 not a code, kept as text', 'free text', '220 end'], a).lines, ['first', '999 not a code, kept as text', 'free text', 'end']);
  });

  test('without it (RFC 959) the same lines are text inside the reply', () => {
    assert.deepEqual(assemble(['250-a', '550 b', '250 c']).lines, ['a', '550 b', 'c']);
  });
});

describe('ReplyAssembler: hostile input', () => {
  for (const line of ['hello', '', '+OK', '600 too high', '99 short', '   220 indented', '2500 four digits']) {
    test(`a first line ${JSON.stringify(line)} is a ProtocolError`, () => {
      assert.throws(() => new ReplyAssembler({ protocol: 'ftp' }).push(line), (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_PROTOCOL' && e.protocol === 'ftp' && e.phase === 'reply');
    });
  }

  test('the ProtocolError quotes at most 80 characters of a huge bad line', () => {
    assert.throws(() => new ReplyAssembler().push('x'.repeat(10000)), (e: unknown) => e instanceof ProtocolError && e.message.length < 200);
  });

  test('a reply of exactly maxLines lines passes; one more line is a LimitError', () => {
    const three = ['250-a', '250-b', '250 c'];
    assert.deepEqual(assemble(three, new ReplyAssembler({ maxLines: 3 })).lines, ['a', 'b', 'c']);
    const a = new ReplyAssembler({ maxLines: 3, protocol: 'smtp' });
    a.push('250-a');
    a.push('250-b');
    a.push('250-c');
    assert.throws(
      () => a.push('250 d'),
      (e: unknown) => e instanceof LimitError && e.limit === 3 && e.protocol === 'smtp' && e.phase === 'reply',
    );
    assert.equal(a.inProgress, false, 'the partial reply is forgotten');
  });

  test('a never-ending multi-line reply is cut at the default 1000 lines', () => {
    const a = new ReplyAssembler();
    assert.equal(a.maxLines, 1000);
    a.push('250-start');
    let err: unknown;
    for (let i = 0; i < 5000 && err === undefined; i++) {
      try {
        a.push(`250-line ${i}`);
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof LimitError);
  });

  test('reset forgets a reply in progress', () => {
    const a = new ReplyAssembler();
    a.push('250-partial');
    a.reset();
    assert.equal(a.inProgress, false);
    assert.equal(a.push('221 bye')!.code, 221);
  });

  for (const maxLines of [0, -3, 2.5]) {
    test(`maxLines ${maxLines} is an InputError`, () => {
      assert.throws(() => new ReplyAssembler({ maxLines }), InputError);
    });
  }
});

describe('parseReply', () => {
  test('parses a whole reply from its lines', () => {
    assert.deepEqual(parseReply(['250-a', '250 b']), { code: 250, lines: ['a', 'b'], text: 'a\nb' });
  });
  test('lines that end before the reply does are a ProtocolError', () => {
    assert.throws(() => parseReply(['250-a', '250-b']), ProtocolError);
    assert.throws(() => parseReply([]), ProtocolError);
  });
  test('lines after the end of the reply are a ProtocolError', () => {
    assert.throws(() => parseReply(['250 a', '250 b']), ProtocolError);
  });
});

describe('property: replies round-trip through their wire lines', () => {
  const text = fc.string({ maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''));
  test('RFC 5321 form: code-hyphen lines then code-space', () => {
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), fc.array(text, { minLength: 1, maxLength: 8 }), (code, texts) => {
        const wire = texts.map((t, i) => `${code}${i === texts.length - 1 ? ' ' : '-'}${t}`);
        assert.deepEqual(assemble(wire), { code, lines: texts, text: texts.join('\n') });
      }),
      { numRuns: 300 },
    );
  });

  test('RFC 959 form: free middle lines that never start with the code and a space', () => {
    const middle = text.filter((t) => !/^\d{3}( |$)/.test(t));
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 599 }), text, fc.array(middle, { maxLength: 6 }), text, (code, first, mids, last) => {
        const mid = mids.filter((m) => !m.startsWith(`${code} `) && !m.startsWith(`${code}-`) && m !== String(code));
        const r = assemble([`${code}-${first}`, ...mid, `${code} ${last}`]);
        assert.equal(r.code, code);
        assert.deepEqual(r.lines, [first, ...mid, last]);
      }),
      { numRuns: 300 },
    );
  });
});
