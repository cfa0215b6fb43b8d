/** Placeholder until the gopher client lands (same commit series). */
import { InputError } from '../../errors.js';
import type { Opener } from '../types.js';

export const openGopher: Opener = async () => {
  throw new InputError('the gopher: scheme is not available yet', { code: 'DIAL_E_UNSUPPORTED' });
};
