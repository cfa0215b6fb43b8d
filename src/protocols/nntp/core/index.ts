/**
 * The sans-IO NNTP core: status lines, the command table, argument checks
 * and the parsers of GROUP, article, DATE, CAPABILITIES, LIST ACTIVE and
 * OVER responses. No sockets, timers or clocks here.
 *
 * @module
 */
export { parseStatus, refusal, type NntpStatus } from './status.js';
export { COMMANDS, succeeded, hasBlock, type NntpVerb, type CommandSpec } from './commands.js';
export { messageId, articleNumber, articleArg, articleSource, token, rangeArg, credential, type ArticleRef, type OverRange } from './args.js';
export { parseGroup, parseArticleRef, parseDate, parseNumber, type NntpGroup, type NntpArticleRef } from './responses.js';
export { listingText, parseCapabilities, parseActiveLine, parseOverLine, type NntpCapabilities, type ActiveEntry, type OverviewEntry } from './listing.js';
