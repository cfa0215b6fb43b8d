// The mail and news cores under generated and mutated text, kept from the 200k-run searches over
// them (fixed seed, ~2 s). Oracles: a server-text parser answers or throws a DialError; a builder
// of command text from caller values of any type either refuses with an InputError or returns
// text with no CR, LF or NUL and no 'undefined'/'NaN'/'[object' leaking in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import * as smtp from '../../src/protocols/smtp/core/index.js';
import * as pop3 from '../../src/protocols/pop3/core/index.js';
import * as nntp from '../../src/protocols/nntp/core/index.js';
import { assertOnlyDialErrors, serverText } from './server-text.js';

const SEEDS = [
  '2.1.5 ok', '+OK 2 320', '-ERR [AUTH] bad', '1 120', '1 whqtswO00WBw418f9t5JxYwZ', '<1896.697170952@dbc.mtview.ca.us>',
  '1234 3000234 3002322 misc.test', '10110 <23445@sdcc.13>', '20240102030405', 'misc.test 3002322 3000234 y', '211 1234 1 2 g',
  '3000234\tsubject\t"Demo" <n@example.com>\t6 Oct 1998 04:38:40 -0500\t<4@example.com>\t<5@example.net>\t1234\t17\tXref: x',
  'PIPELINING', 'AUTH=PLAIN LOGIN', 'SIZE 1000', 'VXNlcm5hbWU6', 'SASL PLAIN',
];
const INSERTS = ['\r', '\n', '\0', '\t', ' ', '\ufeff', '\ud800', '9'.repeat(20), 'é', '<', '>', '[', ']', '=', '+', '-'];
const text = serverText(SEEDS, INSERTS);

test('server-text parsers answer or throw a DialError', () => {
  const parsers: Array<(s: string) => unknown> = [
    (s) => smtp.parseEnhancedStatus(s, 250), (s) => smtp.parseEhlo(s.split('\n')), smtp.decodeChallenge, (s) => smtp.classifyReply(s.length * 7),
    pop3.parseStatus, pop3.parseStat, pop3.parseListLine, pop3.parseUidlLine, (s) => pop3.parseCapa(s.split('\n')), pop3.apopTimestamp, pop3.announcedSize,
    nntp.parseStatus, nntp.parseGroup, nntp.parseArticleRef, nntp.parseDate, nntp.parseActiveLine, nntp.parseOverLine, (s) => nntp.parseCapabilities(s.split('\n')),
  ];
  assertOnlyDialErrors(parsers, text, { numRuns: 3000, seed: 501 });
});

test('command builders refuse unsafe caller values or return clean text', () => {
  const value = fc.oneof(
    text,
    fc.integer(),
    fc.double(),
    fc.constantFrom(undefined, null, true, {}, [], { from: 5 }, { from: 5, to: 3 }, { from: 1, to: 2 }),
  );
  const builders: Array<(v: unknown) => string> = [
    (v) => smtp.mailFromLine(v as string), (v) => smtp.rcptToLine(v as string), (v) => smtp.checkHeloName(v as string),
    (v) => nntp.messageId(v as string), (v) => nntp.token(v, 'group'), (v) => nntp.rangeArg(v as number), (v) => nntp.credential(v, 'password'),
    (v) => nntp.articleArg(v as string), (v) => String(nntp.articleNumber(v)),
    (v) => pop3.textArg(v, 'user'), (v) => String(pop3.messageNumber(v)), (v) => String(pop3.lineCount(v)),
  ];
  fc.assert(
    fc.property(value, (v) => {
      for (const build of builders) {
        let out: string;
        try {
          out = build(v);
        } catch (e) {
          assert.ok(e instanceof InputError, `${String(e)} for ${String(v)}`);
          continue;
        }
        assert.ok(!/[\r\n\0]|undefined|NaN|\[object/.test(out), `${JSON.stringify(out)} for ${String(v)}`);
      }
    }),
    { numRuns: 3000, seed: 502 },
  );
});
