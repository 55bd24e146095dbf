// Review deadline of a case entering review: submission + SLA working hours, by the review area's
// business-time calendar (Mon-Fri, French public holidays, Europe/Paris).
import { reviewDeadline } from '../review/calendar.js';

export function computeReviewDeadline(submittedAt: Date, slaWorkingHours: number, atRiskHours: number): Date {
  return reviewDeadline(submittedAt, { slaWorkingHours, atRiskHours });
}
