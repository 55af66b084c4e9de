/**
 * A mapping key written plain (unquoted) that YAML reads as null, a boolean or a number: the
 * parser (`@stoplight/yaml`) and evc name the property by that value's text, so `1.0:` is the key
 * "1", `0x10:` "16", `True:` "true" and `~:` "null". In a schema's `properties` or a map of
 * channels or messages that silently renames a field of the contract, so where the key read is not
 * the key written it is worth a warning; `1:`, `true:` and `null:` read as written and are not. An
 * empty key in a flow mapping (`{ : v }`) is read as null too, so it becomes the key "null".
 */
import { ScalarType } from "@stoplight/yaml-ast-parser";

/** A plain key that becomes another string than the one written. */
export interface KeyProblem {
  readonly code: "evc-key-rewritten";
  readonly message: string;
}

/** What YAML reads a plain scalar of each type as, for a message. */
const typeNames: Readonly<Partial<Record<ScalarType, string>>> = {
  [ScalarType.null]: "null",
  [ScalarType.bool]: "a boolean",
  [ScalarType.int]: "an integer",
  [ScalarType.float]: "a number",
};

/** The problem of a key written plain as `written`, of YAML type `type`, and read as the key `read`; undefined when it reads as written. */
export function keyProblem(written: string, type: ScalarType, read: string): KeyProblem | undefined {
  const typeName = typeNames[type];
  if (typeName === undefined || read === written) return undefined;
  if (written === "") return { code: "evc-key-rewritten", message: `an empty key is read as ${JSON.stringify(read)}: YAML reads a key with nothing written as null, which the parser writes as ${JSON.stringify(read)}; write the key, quoted ("") if it is to be empty` };
  const message = `key ${written} is read as ${JSON.stringify(read)}: YAML reads an unquoted ${written} as ${typeName}, which the parser writes as ${JSON.stringify(read)}; quote it (${JSON.stringify(written)}) to keep the key as written`;
  return { code: "evc-key-rewritten", message };
}
