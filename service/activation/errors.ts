// Activation failures with a fixed meaning; the HTTP layer maps each code to a status.
export type ActivationErrorCode =
  | 'not_found' // no such case, or no code was ever issued for it
  | 'not_approved' // the case is not approved: nothing to activate
  | 'already_activated' // the identity is activated: a code is never accepted twice
  | 'code_expired'
  | 'code_locked' // too many wrong attempts on the current code
  | 'invalid_code'
  | 'malformed_code' // not 6 digits: refused before any lookup, costs no attempt
  | 'resend_limit';

export class ActivationError extends Error {
  constructor(
    readonly code: ActivationErrorCode,
    message: string,
    /** Wrong attempts left on the current code (invalid_code only). */
    readonly attemptsRemaining?: number,
  ) {
    super(message);
    this.name = 'ActivationError';
  }
}
