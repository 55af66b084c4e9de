import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tokenizer } from "acorn";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import standaloneCode from "ajv/dist/standalone/index.js";
import { describe, expect, test } from "vitest";
import { scopeNameUses, tidyStandaloneCode } from "../../generator/standalone-code.js";

/** ajv's standalone CommonJS code for one schema, untidied: a format written as a regular expression, a pattern, a referenced `$id`. */
function rawModule(id: string): string {
  const ajv = new Ajv({ allErrors: true, strict: false, inlineRefs: false, code: { source: true, lines: true } });
  addFormats.default(ajv);
  ajv.addSchema({ $id: "evc:/events/A", type: "object", properties: { mail: { type: "string", format: "email" }, code: { type: "string", pattern: "^o-[a-z'\"]+$" }, named: { $id: id, type: "string" }, again: { $ref: id } } });
  return standaloneCode.default(ajv, { validateA: "evc:/events/A" });
}

/** Run CommonJS code and return its exports. */
function run(code: string): Record<string, (data: unknown) => boolean> {
  const exports = {};
  new Function("exports", "require", code)(exports, createRequire(import.meta.url));
  return exports;
}

/** The scope names a JavaScript tokenizer finds: identifier tokens shaped like ajv's, not after a dot. */
function tokenizerUses(code: string) {
  const tokens = [...tokenizer(code, { ecmaVersion: "latest", sourceType: "module", allowReturnOutsideFunction: true })];
  return tokens.flatMap((token, index) => {
    const name = code.slice(token.start, token.end);
    const before = tokens[index - 1]?.type.label;
    return token.type.label === "name" && /^(validate|schema|func|formats|pattern|root|wrapper|keyword|Error)\d+$/.test(name) && before !== "." && before !== "?." ? [{ name, start: token.start, end: token.end }] : [];
  });
}

describe("generator - tidied standalone code", () => {
  const code = [
    `export const validateA = validate7;`,
    `const schema9 = {"$id":"unused","description":"validate7 and schema3"};`,
    `const schema3 = {"enum":["schema9"]};`,
    `function validate7(data){if(data.schema3 !== undefined && !schema3.enum.includes(data.schema3)){return false;}return validate2(data.validate2) && func4(data, "x");}`,
    `const func4 = Object.prototype.hasOwnProperty;`,
    `function validate2(data){return typeof data == "string";}`,
    ``,
  ].join("\n");

  test("drops the schema constants no code uses, and numbers ajv's names in the order they appear, strings and properties left alone", () => {
    expect(tidyStandaloneCode(code)).toBe(
      [
        `export const validateA = validate0;`,
        `const schema0 = {"enum":["schema9"]};`,
        `function validate0(data){if(data.schema3 !== undefined && !schema0.enum.includes(data.schema3)){return false;}return validate1(data.validate2) && func0(data, "x");}`,
        `const func0 = Object.prototype.hasOwnProperty;`,
        `function validate1(data){return typeof data == "string";}`,
        ``,
      ].join("\n"),
    );
  });

  test("the same code numbered differently tidies to the same text", () => {
    const renumbered = code.replaceAll("validate7", "validate11").replaceAll("validate2(", "validate5(").replaceAll("func4", "func1");
    expect(renumbered).not.toBe(code);
    expect(tidyStandaloneCode(renumbered)).toBe(tidyStandaloneCode(code));
  });

  test("an $id that would close ajv's sourceURL comment does not run: the comment is dropped", () => {
    const raw = rawModule("urn:x*/ globalThis.evcInjected = true; /*");
    const global = globalThis as { evcInjected?: boolean };
    const valid = { mail: "a@b.io", code: "o-x", named: "n", again: "m" };
    try {
      run(raw)["validateA"]?.(valid);
      expect(global.evcInjected).toBe(true);
      delete global.evcInjected;
      const validate = run(tidyStandaloneCode(raw))["validateA"] as (data: unknown) => boolean;
      expect(global.evcInjected).toBeUndefined();
      expect(validate(valid)).toBe(true);
      expect(validate({ mail: "nope", code: "x", named: 1, again: 2 })).toBe(false);
    } finally {
      delete global.evcInjected;
    }
  });

  test.each([
    ["ajv's raw code, with a format's regular expression, a pattern and sourceURL comments", () => rawModule("urn:evc-test:named")],
    ["the seeds' validators module", () => readFileSync("generated/validators.ts", "utf8").replace(/^import .*$/m, "").replaceAll(": ValidateFunction", "")],
  ])("finds the names a JavaScript tokenizer finds, in %s", (_code, read) => {
    const source = read();
    const uses = scopeNameUses(source);
    expect(uses.length).toBeGreaterThan(10);
    expect(uses).toEqual(tokenizerUses(source));
  });
});
