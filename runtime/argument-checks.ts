/**
 * Checks of the numbers and times a caller passes: counts, versions, durations, dates. One that is
 * not what its argument takes is refused with an `ArgumentError` naming the argument, what it takes
 * and what it was given, before it can mean something else (a pause of NaN ms that never ends, a
 * batch of 0 that never publishes, an invalid date that fails deep inside a read).
 */
import { ArgumentError } from "./errors.js";

/** What a number argument takes. */
export type NumberKind = "count" | "count or 0" | "milliseconds" | "milliseconds or 0";

const kinds: Record<NumberKind, { readonly holds: (value: number) => boolean; readonly expected: string }> = {
  count: { holds: (value) => Number.isInteger(value) && value >= 1, expected: "a positive integer" },
  "count or 0": { holds: (value) => Number.isInteger(value) && value >= 0, expected: "0 or a positive integer" },
  milliseconds: { holds: (value) => Number.isFinite(value) && value > 0, expected: "a positive number of milliseconds" },
  "milliseconds or 0": { holds: (value) => Number.isFinite(value) && value >= 0, expected: "a number of milliseconds, 0 or more" },
};

/** True when `value` is a number of that kind. */
export function isNumberOf(kind: NumberKind, value: unknown): value is number {
  return typeof value === "number" && kinds[kind].holds(value);
}

/** Refuse `value` unless it is a number of that kind; `context` follows what was expected (`for the subscription to "task.created"`). */
export function requireNumber(name: string, value: unknown, kind: NumberKind, context?: string): void {
  if (!isNumberOf(kind, value)) throw new ArgumentError(name, `${kinds[kind].expected}${context === undefined ? "" : ` ${context}`}, not ${shown(value)}`);
}

/**
 * Options over their defaults: each option given, but one given as `undefined` keeps its default
 * (`servers: process.env.NATS_URL` with the variable unset, an optional setting passed on from a
 * caller's own options), as if it had not been given.
 */
export function withDefaults<D extends object, G extends object>(defaults: D, given: G): D & G {
  const settings: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [name, value] of Object.entries(given)) if (value !== undefined) settings[name] = value;
  return settings as D & G;
}

/** Refuse any of the options that is given (not undefined) and not a number of its kind. */
export function requireNumberOptions<O extends object>(options: O, kindsOf: { readonly [K in keyof O]?: NumberKind }, context?: string): void {
  for (const [name, kind] of Object.entries(kindsOf) as [keyof O & string, NumberKind][]) {
    const value = options[name];
    if (value !== undefined) requireNumber(name, value, kind, context);
  }
}

/** Refuse `value` unless it is one of `choices`; `context` follows what was expected. */
export function requireChoice(name: string, value: unknown, choices: readonly string[], context?: string): void {
  if (!choices.includes(value as string)) {
    throw new ArgumentError(name, `one of ${choices.map((choice) => JSON.stringify(choice)).join(", ")}${context === undefined ? "" : ` ${context}`}, not ${shown(value)}`);
  }
}

/** Refuse `value` unless it is a `Date` holding a time (`new Date("yesterday")` holds none). */
export function requireDate(name: string, value: unknown): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new ArgumentError(name, `a Date holding a time, not ${value instanceof Date ? "an invalid Date" : shown(value)}`);
}

/** A value as a message shows what was given. */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(shown).join(", ")}]`;
  return typeof value === "object" && value !== null ? "an object" : String(value);
}
