import type { Ajv } from "ajv";

/** Whether an ajv instance accepts a value under a schema, each schema compiled once: the oracle of the compatibility property tests. */
export function ajvOracle(ajv: Pick<Ajv, "compile">): (schema: object, value: unknown) => boolean {
  const validators = new Map<string, (value: unknown) => boolean>();
  return (schema, value) => {
    const key = JSON.stringify(schema);
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile(schema) as (value: unknown) => boolean;
      validators.set(key, validate);
    }
    return validate(value);
  };
}
