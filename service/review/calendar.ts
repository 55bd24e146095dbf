// Business-time calendar for the review deadline. Pure: no I/O, no clock reads.
//
// Semantics (documented decisions):
// - A working day is a Monday-to-Friday calendar day in Europe/Paris that is not a French public holiday.
// - Every one of the 24 hours of a working day counts: 48 working hours = 2 working days. (On the DST change days,
//   which are always Sundays, nothing counts, so the 23/25-hour days never matter; the conversion is done in Paris
//   wall-clock time through luxon so offsets are always right.)
// - Time outside working days does not count: a submission on a Saturday, Sunday or holiday starts counting at
//   00:00 Paris time of the next working day. A deadline that falls exactly at midnight ending a working day is
//   reported as that midnight (e.g. Tue 00:00), not pushed past the following weekend.
// - French public holidays (metropolitan): 1 Jan, Easter Monday, 1 May, 8 May, Ascension Thursday (Easter + 39),
//   Whit Monday (Easter + 50), 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
import { DateTime } from 'luxon';

export const PARIS = 'Europe/Paris';
const HOUR_MS = 3_600_000;

/** Easter Sunday (Gregorian) of a year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): { month: number; day: number } {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return { month, day };
}

export interface Holiday {
  /** ISO date, YYYY-MM-DD. */
  date: string;
  name: string;
}

const holidayCache = new Map<number, Holiday[]>();

/** The French public holidays of a year, in date order. */
export function frenchHolidays(year: number): Holiday[] {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const e = easterSunday(year);
  const easter = DateTime.fromObject({ year, month: e.month, day: e.day }, { zone: 'UTC' });
  const fixed = (month: number, day: number, name: string): Holiday => ({
    date: DateTime.fromObject({ year, month, day }, { zone: 'UTC' }).toISODate()!,
    name,
  });
  const rel = (days: number, name: string): Holiday => ({ date: easter.plus({ days }).toISODate()!, name });
  const list = [
    fixed(1, 1, "Jour de l'an"),
    rel(1, 'Lundi de Pâques'),
    fixed(5, 1, 'Fête du Travail'),
    fixed(5, 8, 'Victoire 1945'),
    rel(39, 'Ascension'),
    rel(50, 'Lundi de Pentecôte'),
    fixed(7, 14, 'Fête nationale'),
    fixed(8, 15, 'Assomption'),
    fixed(11, 1, 'Toussaint'),
    fixed(11, 11, 'Armistice 1918'),
    fixed(12, 25, 'Noël'),
  ].sort((x, y) => x.date.localeCompare(y.date));
  holidayCache.set(year, list);
  return list;
}

/** True when the Paris calendar day containing `dt` is Mon-Fri and not a public holiday. */
function isWorkingDayDt(dt: DateTime): boolean {
  if (dt.weekday > 5) return false;
  const iso = dt.toISODate()!;
  return !frenchHolidays(dt.year).some((h) => h.date === iso);
}

/** True when the Paris calendar day of `at` is a working day. */
export function isWorkingDay(at: Date): boolean {
  return isWorkingDayDt(DateTime.fromJSDate(at, { zone: PARIS }));
}

function assertValid(d: Date, what: string): void {
  if (Number.isNaN(d.getTime())) throw new RangeError(`${what} is not a valid date`);
}

/**
 * The instant when `hours` working hours have elapsed after `start`. `hours` must be >= 0; fractional hours allowed.
 * With `hours = 0` the result is `start` itself on a working day, or the next working day's 00:00 otherwise.
 */
export function addWorkingHours(start: Date, hours: number): Date {
  assertValid(start, 'start');
  if (!(hours >= 0) || !Number.isFinite(hours)) throw new RangeError('hours must be a finite number >= 0');
  let remainingMs = hours * HOUR_MS;
  let cur = DateTime.fromJSDate(start, { zone: PARIS });
  // Walk day by day in Paris wall-clock time; at most a few hundred iterations for any sane SLA.
  for (;;) {
    const dayEnd = cur.startOf('day').plus({ days: 1 });
    if (isWorkingDayDt(cur)) {
      const availMs = dayEnd.toMillis() - cur.toMillis();
      if (remainingMs <= availMs) return new Date(cur.toMillis() + remainingMs);
      remainingMs -= availMs;
    }
    cur = dayEnd;
  }
}

/**
 * Working hours elapsed from `a` to `b` (fractional). Negative when `b` is before `a`, so
 * `workingHoursBetween(now, deadline)` is the time left and goes negative once the deadline is passed.
 */
export function workingHoursBetween(a: Date, b: Date): number {
  assertValid(a, 'a');
  assertValid(b, 'b');
  if (b.getTime() < a.getTime()) return -workingHoursBetween(b, a);
  let ms = 0;
  let cur = DateTime.fromJSDate(a, { zone: PARIS });
  const endMs = b.getTime();
  while (cur.toMillis() < endMs) {
    const dayEnd = cur.startOf('day').plus({ days: 1 });
    const segEnd = Math.min(dayEnd.toMillis(), endMs);
    if (isWorkingDayDt(cur)) ms += segEnd - cur.toMillis();
    cur = dayEnd;
  }
  return ms / HOUR_MS;
}

export interface SlaPolicy {
  /** Working hours from submission to the review deadline. Default 48. */
  slaWorkingHours: number;
  /** Working hours before the deadline at which a case is at risk. Default 12. */
  atRiskHours: number;
}

export const DEFAULT_SLA: SlaPolicy = { slaWorkingHours: 48, atRiskHours: 12 };

/** Review deadline of a case submitted at `submittedAt`. */
export function reviewDeadline(submittedAt: Date, policy: SlaPolicy = DEFAULT_SLA): Date {
  return addWorkingHours(submittedAt, policy.slaWorkingHours);
}

/** The instant a case becomes at risk: `atRiskHours` working hours before the deadline. */
export function atRiskFrom(submittedAt: Date, policy: SlaPolicy = DEFAULT_SLA): Date {
  return addWorkingHours(submittedAt, Math.max(0, policy.slaWorkingHours - policy.atRiskHours));
}

/** True when fewer than `atRiskHours` working hours remain before `deadline` at `now` (and it is not yet passed). */
export function isAtRisk(now: Date, deadline: Date, policy: SlaPolicy = DEFAULT_SLA): boolean {
  if (now.getTime() >= deadline.getTime()) return false;
  return workingHoursBetween(now, deadline) <= policy.atRiskHours;
}

/** ISO-8601 with the Paris offset, e.g. 2026-03-31T14:00:00.000+02:00. */
export function toParisIso(d: Date): string {
  return DateTime.fromJSDate(d, { zone: PARIS }).toISO()!;
}
