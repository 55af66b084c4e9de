/** How the benchmarks take their measurements in turn and reduce them to the figures they report. */

/** The middle value of a list of measurements (the upper one of an even count). */
export function middle(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** A ratio as reported: two decimals. */
export function ratio(value: number): number {
  return Math.round(value * 100) / 100;
}

/** Our figure and the yardstick's, measured one after the other: the yardstick first when `yardstickFirst`, so that neither always meets the warmer server. */
export async function inTurn(yardstickFirst: boolean, ours: () => Promise<number>, yardstick: () => Promise<number>): Promise<[number, number]> {
  if (!yardstickFirst) return [await ours(), await yardstick()];
  const measured = await yardstick();
  return [await ours(), measured];
}
