import { requestTarget } from './targets.js';

/**
 * The request-target one hop sends: the caller's own (`given`, see the
 * request option `requestTarget`) or the URL's. To a forwarding proxy
 * (absolute-form) a given path follows the URL's origin, and anything else
 * given (`*`, an authority) gives way to the URL, as curl sends it.
 */
export function hopTarget(u: URL, absoluteForm: boolean, given: string | undefined): string {
  if (given === undefined || (absoluteForm && !given.startsWith('/'))) return requestTarget(u, absoluteForm);
  return absoluteForm ? `${u.protocol}//${u.host}${given}` : given;
}
