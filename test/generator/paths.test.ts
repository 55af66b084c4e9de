import { join, resolve } from "node:path";
import { describe, expect, test } from "vitest";
import { displayPath, isWithin } from "../../generator/paths.js";

describe("generator - paths", () => {
  const cwd = resolve("/work/project");

  test("displayPath shows a path below the working directory relative with / separators, the directory itself as ., one outside absolute", () => {
    expect(displayPath(cwd, join(cwd, "generated", "orders", "order-placed.v1.ts"))).toBe("generated/orders/order-placed.v1.ts");
    expect(displayPath(cwd, cwd)).toBe(".");
    expect(displayPath(cwd, resolve(cwd, "../specs"))).toBe(resolve(cwd, "../specs"));
    expect(displayPath(cwd, join(cwd, "..upcasters"))).toBe("..upcasters");
  });

  test("isWithin holds for the folder and what is below it, a name starting with two dots included, and not for what is beside or above it", () => {
    expect(isWithin(cwd, cwd)).toBe(true);
    expect(isWithin(cwd, join(cwd, "..shared.yaml"))).toBe(true);
    expect(isWithin(cwd, resolve(cwd, "../shared.yaml"))).toBe(false);
    expect(isWithin(cwd, resolve(cwd, ".."))).toBe(false);
  });
});
