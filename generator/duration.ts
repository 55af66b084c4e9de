/** Durations as specs and flags write them: `500ms`, `30s`, `5m`, `2h`, `7d`. */

/** The pattern of a duration, as the specs' own JSON Schemas write it. */
export const durationPattern = "^[0-9]+(ms|s|m|h|d)$";

/** The pattern compiled once; its one group is the unit. */
const duration = new RegExp(durationPattern);

/** The units a duration may use, in milliseconds. */
const units = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** True when `value` is written as a duration such as `500ms`, `30s`, `5m`, `2h`, `7d`. */
export function isDuration(value: string): boolean {
  return duration.test(value);
}

/** Milliseconds of a duration such as `500ms`, `30s`, `5m`, `2h`, `7d` (or 0); throws `RangeError` for anything else. */
export function durationMs(value: string | 0): number {
  if (value === 0) return 0;
  const unit = duration.exec(value)?.[1] as keyof typeof units | undefined;
  if (unit === undefined) throw new RangeError(`invalid duration "${value}"`);
  return Number(value.slice(0, -unit.length)) * units[unit];
}
