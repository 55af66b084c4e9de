/** How the benchmarks reduce their measurements to the figures they report. */

/** The middle value of a list of measurements (the upper one of an even count). */
export function middle(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** A ratio as reported: two decimals. */
export function ratio(value: number): number {
  return Math.round(value * 100) / 100;
}
