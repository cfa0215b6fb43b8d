/**
 * Gopher (RFC 1436) and gopher: URLs (RFC 4266): a streaming client, the
 * sans-IO menu and text readers it drives, and a menu printer.
 *
 * @module
 */
/** `gopher.fetch(url)` when the module is imported as a namespace. */
export { gopherFetch as fetch } from './client.js';
export { gopherFetch, GopherResponse, kindOf, type GopherFetchOptions, type GopherKind, type GopherRequest } from './client.js';
export { MenuParser, parseMenu, parseMenuLine, buildMenu, ITEM_TYPES, type MenuItem, type MenuParserOptions } from './core/menu.js';
export { TextUnstuffer } from './core/text.js';
export { parseGopherUrl, buildGopherUrl, requestLine, checkTarget, GOPHER_PORT, type GopherTarget } from './core/url.js';
export { formatMenu, itemUrl } from './format.js';
