/** Tidying of ajv's standalone code, for the SDK's validators module and the precompiled AsyncAPI meta-schemas alike. */

/** The names ajv's value scope gives what a module declares once (`validate12`, `schema31`, `pattern3`, ...): a prefix and a counter. */
const scopeNames = String.raw`\b(?:validate|schema|func|formats|pattern|root|wrapper|keyword|Error)\d+\b`;

/**
 * What the scan of ajv's code stops at: a string, the regular expression of a format (the only
 * literal one ajv writes, always after `= ` or `: `), and a scope name, with the dot before it when it
 * is a property. Strings and regular expressions are matched only to be passed over whole.
 */
const lexeme = new RegExp(
  [String.raw`"(?:[^"\\\n]|\\.)*"`, String.raw`'(?:[^'\\\n]|\\.)*'`, String.raw`(?<=[=:] )/(?:[^/\\\[\n]|\\.|\[(?:[^\]\\\n]|\\.)*\])+/[a-z]*`, String.raw`(\.)?(${scopeNames})`].join("|"),
  "g",
);

/** The start of a schema constant's declaration, a line of its own (ajv's `code.lines`), up to its name. */
const schemaDeclaration = /^const (schema\d+)$/;

/**
 * The comment ajv opens a function with when its schema has an `$id` (`/*# sourceURL="<$id>" *\/`), a
 * line of its own. ajv does not escape a `*\/` inside the `$id`, which would end the comment and
 * let the rest of the `$id` run as code: the comment is dropped (it only names eval'd code anyway).
 */
const sourceUrlComment = /^\/\*# sourceURL=.*\n/gm;

/** Where a scope name is used, as an identifier: never inside a string, nor as a property after a dot. */
export interface ScopeNameUse {
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/**
 * ajv's standalone code, made to depend only on the functions it exports and not on the order ajv
 * compiled them in (a compiler patched edit after edit writes what a new one writes):
 * - the `sourceURL` comments are dropped (see `sourceUrlComment`);
 * - the schema constants no function uses are dropped (ajv declares the schema of every function);
 * - ajv's numbered names are numbered again, per prefix, in the order they first appear.
 *
 * A string or a property that looks like a name (`"#/properties/schema1"`, `data.validate2`) is left
 * as it is. The code must have been generated with ajv's `code.lines`: a declaration is a line.
 */
export function tidyStandaloneCode(generated: string): string {
  const code = generated.replace(sourceUrlComment, "");
  const uses = scopeNameUses(code);
  const counts = new Map<string, number>();
  for (const use of uses) counts.set(use.name, (counts.get(use.name) ?? 0) + 1);
  const renamed = new Map<string, string>();
  const next = new Map<string, number>();
  let tidied = "";
  let from = 0;
  for (const use of uses) {
    const lineStart = code.lastIndexOf("\n", use.start) + 1;
    if (counts.get(use.name) === 1 && schemaDeclaration.exec(code.slice(lineStart, use.end))?.[1] === use.name) {
      const lineEnd = code.indexOf("\n", use.end);
      tidied += code.slice(from, lineStart);
      from = lineEnd === -1 ? code.length : lineEnd + 1;
      continue;
    }
    let name = renamed.get(use.name);
    if (name === undefined) {
      const prefix = use.name.replace(/\d+$/, "");
      const number = next.get(prefix) ?? 0;
      next.set(prefix, number + 1);
      name = `${prefix}${number}`;
      renamed.set(use.name, name);
    }
    tidied += code.slice(from, use.start) + name;
    from = use.end;
  }
  return tidied + code.slice(from);
}

/** Every use of a scope name in ajv's standalone code, in order. */
export function scopeNameUses(code: string): ScopeNameUse[] {
  const uses: ScopeNameUse[] = [];
  for (const match of code.matchAll(lexeme)) {
    const [, dot, name] = match;
    if (name !== undefined && dot === undefined) uses.push({ name, start: match.index + match[0].length - name.length, end: match.index + match[0].length });
  }
  return uses;
}
