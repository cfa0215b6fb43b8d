/**
 * The sans-IO SMTP core: replies and their classes, EHLO capabilities,
 * envelope checks and command lines, AUTH encodings (passwords and OAuth 2.0
 * bearer tokens), body facts.
 *
 * @module
 */
export * from './reply.js';
export * from './capabilities.js';
export * from './address.js';
export * from './auth.js';
export * from './oauth.js';
export * from './body.js';
