/**
 * NNTP: {@link NntpClient} and its sans-IO core.
 *
 * @module
 */
export { NntpClient, NntpArticle } from './client.js';
export type { NntpArticleOptions, NntpConnectOptions, NntpSecurity, NntpWaitOptions } from './client.js';
export * from './core/index.js';
