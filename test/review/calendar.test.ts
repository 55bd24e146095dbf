import { describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import {
  addWorkingHours,
  atRiskFrom,
  easterSunday,
  frenchHolidays,
  isAtRisk,
  isWorkingDay,
  reviewDeadline,
  toParisIso,
  workingHoursBetween,
} from '../../service/review/calendar.js';

const paris = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Paris' }).toJSDate();
const deadline = (iso: string, h = 48) => toParisIso(addWorkingHours(paris(iso), h));

describe('Easter and holidays', () => {
  it('computes Easter Sunday for 2024-2030', () => {
    const known: Record<number, string> = {
      2024: '03-31',
      2025: '04-20',
      2026: '04-05',
      2027: '03-28',
      2028: '04-16',
      2029: '04-01',
      2030: '04-21',
    };
    for (const [y, md] of Object.entries(known)) {
      const e = easterSunday(Number(y));
      expect(`${String(e.month).padStart(2, '0')}-${String(e.day).padStart(2, '0')}`).toBe(md);
    }
  });

  it('lists Easter Monday, Ascension and Whit Monday for 2024-2030', () => {
    const expected: Record<number, [string, string, string]> = {
      2024: ['2024-04-01', '2024-05-09', '2024-05-20'],
      2025: ['2025-04-21', '2025-05-29', '2025-06-09'],
      2026: ['2026-04-06', '2026-05-14', '2026-05-25'],
      2027: ['2027-03-29', '2027-05-06', '2027-05-17'],
      2028: ['2028-04-17', '2028-05-25', '2028-06-05'],
      2029: ['2029-04-02', '2029-05-10', '2029-05-21'],
      2030: ['2030-04-22', '2030-05-30', '2030-06-10'],
    };
    for (const [y, [em, asc, wm]] of Object.entries(expected)) {
      const dates = frenchHolidays(Number(y)).map((h) => h.date);
      expect(dates).toHaveLength(11);
      expect(dates).toContain(em);
      expect(dates).toContain(asc);
      expect(dates).toContain(wm);
      // Each of them is excluded from working time: a whole day there counts zero hours.
      for (const d of [em, asc, wm]) {
        expect(isWorkingDay(paris(`${d}T12:00`))).toBe(false);
        expect(workingHoursBetween(paris(`${d}T00:00`), paris(`${d}T23:59`))).toBe(0);
      }
    }
  });

  it('skips every fixed holiday that falls on a weekday', () => {
    for (const year of [2024, 2025, 2026, 2027]) {
      for (const md of ['01-01', '05-01', '05-08', '07-14', '08-15', '11-01', '11-11', '12-25']) {
        const day = DateTime.fromISO(`${year}-${md}`, { zone: 'Europe/Paris' });
        expect(isWorkingDay(day.set({ hour: 12 }).toJSDate())).toBe(false);
        if (day.weekday > 5) continue;
        // 1 working hour from 23:00 the evening before lands on the next working day, past the holiday.
        const before = day.minus({ days: 1 }).set({ hour: 23 });
        const got = DateTime.fromJSDate(addWorkingHours(before.toJSDate(), 2), { zone: 'Europe/Paris' });
        expect(got.toISODate()).not.toBe(day.toISODate());
        expect(got > day).toBe(true);
      }
    }
  });

  it('treats ordinary weekdays as working days and weekends as not', () => {
    expect(isWorkingDay(paris('2026-11-23T08:00'))).toBe(true); // Monday
    expect(isWorkingDay(paris('2026-11-27T23:59'))).toBe(true); // Friday
    expect(isWorkingDay(paris('2026-11-28T12:00'))).toBe(false); // Saturday
    expect(isWorkingDay(paris('2026-11-29T12:00'))).toBe(false); // Sunday
  });
});

describe('48 working hours', () => {
  it('midweek: two days later, same time', () => {
    expect(deadline('2026-11-23T10:00')).toBe('2026-11-25T10:00:00.000+01:00');
  });
  it('Friday submission skips the weekend', () => {
    expect(deadline('2026-11-20T10:00')).toBe('2026-11-24T10:00:00.000+01:00');
  });
  it('weekend submission starts counting on Monday 00:00', () => {
    expect(deadline('2026-11-21T15:30')).toBe('2026-11-25T00:00:00.000+01:00');
    expect(deadline('2026-11-22T23:59')).toBe('2026-11-25T00:00:00.000+01:00');
  });
  it('Easter Monday is skipped (Good Friday is a working day)', () => {
    expect(deadline('2026-04-03T12:00')).toBe('2026-04-08T12:00:00.000+02:00');
  });
  it('8 May on a Friday and Ascension Thursday', () => {
    expect(deadline('2026-05-07T09:00')).toBe('2026-05-12T09:00:00.000+02:00');
    // Wed 13 May 09:00: Wed 15h, Thu 14 Ascension, Fri 15 24h -> 39h, Mon 18 9h.
    expect(deadline('2026-05-13T09:00')).toBe('2026-05-18T09:00:00.000+02:00');
  });
  it('Christmas and New Year', () => {
    // Thu 24 Dec 2026 18:00: 6h Thu, Fri 25 holiday, Mon 28 24h (30), Tue 29 18h.
    expect(deadline('2026-12-24T18:00')).toBe('2026-12-29T18:00:00.000+01:00');
    // Wed 31 Dec 2025 12:00: 12h, Thu 1 Jan holiday, Fri 2 Jan 24h (36), Mon 5 12h.
    expect(deadline('2025-12-31T12:00')).toBe('2026-01-05T12:00:00.000+01:00');
  });
  it('crosses the March DST change (Paris clocks 02:00 -> 03:00 on Sunday)', () => {
    const start = paris('2026-03-27T12:00'); // Friday, +01:00
    const end = addWorkingHours(start, 24);
    expect(toParisIso(end)).toBe('2026-03-30T12:00:00.000+02:00');
    // 3 calendar days minus the lost hour.
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(71);
    expect(workingHoursBetween(start, end)).toBe(24);
  });
  it('crosses the October DST change (03:00 -> 02:00)', () => {
    const start = paris('2026-10-23T12:00'); // Friday, +02:00
    const end = addWorkingHours(start, 24);
    expect(toParisIso(end)).toBe('2026-10-26T12:00:00.000+01:00');
    expect((end.getTime() - start.getTime()) / 3_600_000).toBe(73);
    expect(deadline('2026-10-23T12:00')).toBe('2026-10-27T12:00:00.000+01:00');
  });
  it('accepts any input offset and answers in Paris time', () => {
    expect(toParisIso(reviewDeadline(new Date('2026-11-23T09:00:00Z')))).toBe(
      '2026-11-25T10:00:00.000+01:00',
    );
  });
  it('refuses invalid input', () => {
    expect(() => addWorkingHours(new Date('nope'), 1)).toThrow(RangeError);
    expect(() => addWorkingHours(new Date(), -1)).toThrow(RangeError);
  });
});

describe('working hours between and at-risk', () => {
  it('is the inverse of addWorkingHours over many starts', () => {
    let t = paris('2026-03-20T07:13').getTime();
    for (let i = 0; i < 200; i++) {
      const start = new Date(t);
      const h = (i * 7) % 97;
      const end = addWorkingHours(start, h);
      const back = workingHoursBetween(start, end);
      // From a non-working start, the hours between equal h exactly too (nothing counts until Monday 00:00).
      expect(back).toBeCloseTo(h, 9);
      t += 37 * 3_600_000 + 11 * 60_000;
    }
  });
  it('is negative after the deadline', () => {
    expect(workingHoursBetween(paris('2026-11-25T12:00'), paris('2026-11-25T10:00'))).toBe(-2);
  });
  it('becomes at risk 12 working hours before the deadline', () => {
    const sub = paris('2026-11-23T10:00');
    const dl = reviewDeadline(sub);
    const risk = atRiskFrom(sub);
    expect(toParisIso(risk)).toBe('2026-11-24T22:00:00.000+01:00');
    expect(isAtRisk(new Date(risk.getTime() - 60_000), dl)).toBe(false);
    expect(isAtRisk(risk, dl)).toBe(true);
    expect(isAtRisk(dl, dl)).toBe(false); // passed: expired, not at risk
  });
  it('at-risk point across a weekend', () => {
    // Thursday 10:00 -> deadline Monday 10:00; 12 h before is Friday 22:00.
    const sub = paris('2026-11-19T10:00');
    expect(toParisIso(reviewDeadline(sub))).toBe('2026-11-23T10:00:00.000+01:00');
    expect(toParisIso(atRiskFrom(sub))).toBe('2026-11-20T22:00:00.000+01:00');
    expect(isAtRisk(paris('2026-11-21T12:00'), reviewDeadline(sub))).toBe(true); // Saturday: still at risk
  });
});
