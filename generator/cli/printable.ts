/**
 * What the CLI prints passes through here: control and invisible characters (ESC, DEL, NUL, bidi
 * overrides, zero-width spaces) that an event, a subject or a header may hold are shown as `\u{…}`
 * escapes, so no stored text can move the cursor, recolour or reorder a terminal. Line feeds and
 * tabs stay.
 */

const unprintable = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

/** Printable ASCII, line feeds and tabs: text with nothing to escape, told without the Unicode classes, whose first use is slow (`evc --help` starts faster). */
const plainAscii = /^[\x20-\x7e\n\t]*$/;

/** A text with every control and invisible character but `\n` and `\t` escaped. */
export function printable(text: string): string {
  if (plainAscii.test(text)) return text;
  return text.replace(unprintable, (char) => (char === "\n" || char === "\t" ? char : `\\u{${(char.codePointAt(0) as number).toString(16)}}`));
}
