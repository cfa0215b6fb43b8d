/**
 * The sans-IO POP3 core: status lines, listings, capabilities, login
 * material and the session table. No sockets, timers or clocks here.
 *
 * @module
 */
export { parseStatus, refusal, isContinuation, type Pop3Status } from './status.js';
export { parseStat, parseListLine, parseUidlLine, parseNumber, announcedSize, type Pop3Stat, type Pop3ListEntry, type Pop3UidEntry } from './listing.js';
export { parseCapa, saslMechanisms, type Pop3Capabilities } from './capa.js';
export { apopTimestamp, apopDigest, chooseLogin, saslPlain } from './auth.js';
export { ALLOWED, TRANSITIONS, checkAllowed, transition, messageNumber, lineCount, textArg, type Pop3State, type Pop3Verb, type Pop3Event } from './session.js';
