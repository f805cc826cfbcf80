// Proleptic Gregorian calendar arithmetic for the date-normalisation task, on day numbers (days since
// 1970-01-01), after Howard Hinnant's "chrono-Compatible Low-Level Date Algorithms" (days_from_civil,
// civil_from_days). Written out rather than using Date so the generator does not depend on the host's time
// zone, and so the tests can check it against Date independently.

export const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
/** Weekday names, index 0 = Sunday (as Date.getUTCDay). */
export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Day number of year-month-day (month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400; // [0, 399]
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1; // [0, 365], March-based
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy; // [0, 146096]
  return era * 146097 + doe - 719468;
}

/** [year, month (1..12), day] of a day number. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

/** Weekday of a day number, 0 = Sunday; 1970-01-01 was a Thursday. */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

function ordinal(d: number): string {
  const suffix = d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th';
  return `${d}${suffix}`;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Input styles of the date task; each formats (year, month, day, weekday) as a human would write it. */
export const DATE_STYLES: readonly { name: string; format: (y: number, m: number, d: number, w: number) => string }[] = [
  { name: 'D Month YYYY', format: (y, m, d) => `${d} ${MONTHS[m - 1]} ${y}` },
  { name: 'Month D, YYYY', format: (y, m, d) => `${MONTHS[m - 1]} ${d}, ${y}` },
  { name: 'D Mon YYYY', format: (y, m, d) => `${d} ${MONTHS[m - 1].slice(0, 3)} ${y}` },
  { name: 'DD/MM/YYYY', format: (y, m, d) => `${pad2(d)}/${pad2(m)}/${y}` },
  { name: 'Weekday, D Month YYYY', format: (y, m, d, w) => `${WEEKDAYS[w]}, ${d} ${MONTHS[m - 1]} ${y}` },
  { name: 'YYYY Mon D', format: (y, m, d) => `${y} ${MONTHS[m - 1].slice(0, 3)} ${d}` },
  { name: 'Wkd, Mon D, YYYY', format: (y, m, d, w) => `${WEEKDAYS[w].slice(0, 3)}, ${MONTHS[m - 1].slice(0, 3)} ${d}, ${y}` },
  { name: 'Dth of Month YYYY', format: (y, m, d) => `${ordinal(d)} of ${MONTHS[m - 1]} ${y}` },
  { name: 'D.M.YYYY', format: (y, m, d) => `${d}.${m}.${y}` },
];

/** ISO 8601 calendar date, the task's target: "2026-11-24". */
export function isoDate(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${pad2(m)}-${pad2(d)}`;
}
