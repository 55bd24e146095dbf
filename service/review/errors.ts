// Expected refusals of the review domain. The API maps `kind` to an HTTP status (409, 403, 404, 400).
export type ReviewErrorKind = 'conflict' | 'forbidden' | 'not_found' | 'invalid';

export type ReviewErrorCode =
  | 'case_not_found'
  | 'not_in_review'
  | 'case_expired'
  | 'deadline_passed'
  | 'lease_held'
  | 'lease_required'
  | 'second_approval_required'
  | 'same_approver'
  | 'supervisor_required'
  | 'invalid_reasons'
  | 'review_incomplete'
  | 'media_not_loaded'
  | 'no_lease';

const KIND: Record<ReviewErrorCode, ReviewErrorKind> = {
  case_not_found: 'not_found',
  not_in_review: 'conflict',
  case_expired: 'conflict',
  deadline_passed: 'conflict',
  lease_held: 'conflict',
  lease_required: 'conflict',
  second_approval_required: 'conflict',
  same_approver: 'forbidden',
  supervisor_required: 'forbidden',
  invalid_reasons: 'invalid',
  review_incomplete: 'conflict',
  media_not_loaded: 'conflict',
  no_lease: 'conflict',
};

export class ReviewError extends Error {
  readonly kind: ReviewErrorKind;
  constructor(
    readonly code: ReviewErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ReviewError';
    this.kind = KIND[code];
  }
}
