/**
 * A number written in YAML against the JavaScript number every reader makes of it: the parser, ajv,
 * the SDK and every consumer's `JSON.parse` all read the nearest double. Where that is not what the
 * author wrote, an enum of two such values may hold one, and a `const` or a bound accepts its
 * neighbours, so it is worth a warning; where no double is near (`.inf`, `.nan`, `1e400`), JSON has
 * no value at all, so it is an error.
 */

/** What is wrong with a number as written, and how badly. */
export interface NumberProblem {
  readonly severity: "error" | "warning";
  readonly code: "evc-non-json-number" | "evc-unsafe-integer" | "evc-inexact-number";
  readonly message: string;
}

/**
 * The problem of a YAML number written as `text` (an integer, decimal, `0x` or `0o`, or a float) and
 * read as `read`; undefined when the double is what was written. An integer, however written
 * (`9007199254740993`, `9007199254740993.0`, `1e23`), is compared exactly; a fraction is compared
 * with the shortest decimal its double prints as (every `0.1` is rounded in binary, and read back
 * as `0.1`; `0.30000000000000001` is read as `0.3`).
 */
export function numberProblem(text: string, read: number): NumberProblem | undefined {
  if (!Number.isFinite(read)) return { severity: "error", code: "evc-non-json-number", message: nonFinite(text) };
  const written = decimalOf(text);
  if (written === undefined) return undefined;
  const integral = written.exponent >= 0;
  const held = integral ? BigInt(read).toString() : String(read);
  if (sameDecimal(written, decimalOf(held))) return undefined;
  if (integral) {
    const shown = /^0[xo]/.test(text) ? BigInt(text).toString() : text;
    const message = `integer ${shown} cannot be held exactly by a JavaScript number: ${readers} read it as ${shortened(held)}; keep integers within ±${Number.MAX_SAFE_INTEGER}, or write the value as a string`;
    return { severity: "warning", code: "evc-unsafe-integer", message };
  }
  const message = `number ${text} is more precise than a JavaScript number: ${readers} read it as ${held}, the nearest it holds; write ${held}, or the value as a string`;
  return { severity: "warning", code: "evc-inexact-number", message };
}

/** Who reads a number as a double. */
const readers = "the parser, ajv, the SDK and every consumer's JSON.parse";

/** How many digits of an integer a message shows in full. */
const shownDigits = 30;

/** An integer's digits, the leading ones and how many there are when it has more than `shownDigits`. */
function shortened(integer: string): string {
  const sign = integer.startsWith("-") ? "-" : "";
  const digits = integer.slice(sign.length);
  return digits.length <= shownDigits ? integer : `${sign}${digits.slice(0, 21)}… (${digits.length} digits)`;
}

/** Why a number JSON cannot hold is refused: YAML's `.inf` and `.nan`, or a number past the largest double. */
function nonFinite(text: string): string {
  if (/^[-+]?\.(inf|nan)$/i.test(text)) return `${text} is no JSON number (JSON has no infinity and no NaN), and would be read as null; write a finite number`;
  return `${text} is beyond the largest JavaScript number (±${Number.MAX_VALUE}): it would be read as infinity, which JSON has not, so as null; write a finite number`;
}

/** A number's exact value: its sign and digits, leading and trailing zeros dropped, times ten to `exponent`; zero has no digits. */
interface Decimal {
  readonly negative: boolean;
  readonly digits: string;
  readonly exponent: number;
}

/** The exact value of a number as YAML or JavaScript writes it (`-12.50`, `1e+23`, `0x1F`, `0o17`); undefined for another text. */
function decimalOf(text: string): Decimal | undefined {
  const match = /^([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (match === null) {
    try {
      return decimalOf(BigInt(text).toString());
    } catch {
      return undefined;
    }
  }
  const [, sign, whole = "", fraction = "", exponent = "0"] = match;
  const significant = `${whole}${fraction}`.replace(/^0+/, "");
  const digits = significant.replace(/0+$/, "");
  if (digits === "") return { negative: false, digits, exponent: 0 };
  return { negative: sign === "-", digits, exponent: Number(exponent) - fraction.length + (significant.length - digits.length) };
}

function sameDecimal(a: Decimal, b: Decimal | undefined): boolean {
  return b !== undefined && a.negative === b.negative && a.digits === b.digits && a.exponent === b.exponent;
}
