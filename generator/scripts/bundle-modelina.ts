/**
 * A build step after `tsc`: bundles `emit/modelina.ts` with the Modelina code it reaches into
 * `dist/emit/modelina.js`, over tsc's plain re-export. Modelina's generators require every input
 * processor, and those load the AsyncAPI parsers with their schema parsers, TypeScript with
 * typescript-json-schema, the Swagger parser and an XML parser: about 400 ms of module loading that
 * evc, which gives Modelina JSON Schema only, never uses (and the AsyncAPI parser, which the main thread
 * needs but the emit worker does not, another 200 ms). The bundle takes Modelina's ES modules, so
 * the other languages' generators are left out too, and replaces those packages by stubs that throw.
 * The packages the bundle still imports must be dependencies of the tool package; the build fails
 * otherwise. Run with `tsx scripts/bundle-modelina.ts` from the tool package's folder.
 */
import { copyFileSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import { fileURLToPath } from "node:url";
import { build, type Metafile, type Plugin } from "esbuild";

/** A package that only an input processor evc never runs loads, and the names that processor imports from it. */
interface LeftOutPackage {
  readonly processor: string;
  readonly names: readonly string[];
  /** Methods called on the package's default export. */
  readonly defaultMethods?: readonly string[];
  /**
   * Tests Modelina runs on every input, whatever its kind, to tell whether it is one of the package's
   * documents: such a document has a `json()` method, which no JSON value has. Their stubs answer false
   * for a value without one, as the package does, and throw for any other.
   */
  readonly documentTests?: readonly string[];
}

const leftOut: Readonly<Record<string, LeftOutPackage>> = {
  "@asyncapi/multi-parser": { processor: "AsyncAPI (documents Modelina parses itself)", names: ["NewParser", "ConvertDocumentParserAPIVersion"] },
  "@asyncapi/parser": { processor: "AsyncAPI", names: ["SchemaV2", "fromFile", "createAsyncAPIDocument"], documentTests: ["isAsyncAPIDocument", "isOldAsyncAPIDocument"] },
  "@asyncapi/parser/cjs/utils": { processor: "AsyncAPI", names: ["createDetailedAsyncAPI"] },
  "@apidevtools/swagger-parser": { processor: "OpenAPI and Swagger", names: [], defaultMethods: ["dereference"] },
  "typescript-json-schema": { processor: "TypeScript", names: ["getProgramFromFiles", "buildGenerator", "generateSchema"] },
  "fast-xml-parser": { processor: "XSD", names: ["XMLParser"] },
};

const toolFolder = fileURLToPath(new URL("..", import.meta.url));
const bundled = "@asyncapi/modelina";
const output = `${toolFolder}dist/emit/modelina.js`;
const licence = `${toolFolder}dist/emit/modelina.LICENSE`;

/** The module standing in for a left-out package: each name it exports throws when called or constructed. */
function stubSource(name: string, stub: LeftOutPackage): string {
  const message = `evc's bundle of Modelina leaves out ${name}, which only Modelina's ${stub.processor} input processor uses; evc gives Modelina JSON Schema only (see generator/scripts/bundle-modelina.ts)`;
  const lines = [`function unavailable() { throw new Error(${JSON.stringify(message)}); }`];
  for (const exported of stub.names) lines.push(`export const ${exported} = unavailable;`);
  for (const test of stub.documentTests ?? []) lines.push(`export function ${test}(value) { if (typeof value?.json === "function") unavailable(); return false; }`);
  if (stub.defaultMethods !== undefined) lines.push(`export default { ${stub.defaultMethods.map((method) => `${method}: unavailable`).join(", ")} };`);
  return lines.join("\n");
}

/** Bundles Modelina, stubs the left-out packages and keeps every other package an import. */
const modelinaOnly: Plugin = {
  name: "modelina-only",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path === bundled) return undefined;
      if (args.path in leftOut) return { path: args.path, namespace: "left-out" };
      return { path: args.path, external: true };
    });
    build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({ contents: stubSource(args.path, leftOut[args.path] as LeftOutPackage), loader: "js" }));
  },
};

/** The package a bare import names (`@scope/name` or `name`, without a subpath). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return (specifier.startsWith("@") ? parts.slice(0, 2) : parts.slice(0, 1)).join("/");
}

/** Throws when the bundle imports a package that the tool package does not depend on. */
function checkImports(metafile: Metafile): void {
  const manifest = JSON.parse(readFileSync(`${toolFolder}package.json`, "utf8")) as { dependencies: Record<string, string> };
  const imported = Object.values(metafile.outputs).flatMap((entry) => entry.imports.filter((found) => found.external).map((found) => found.path));
  const undeclared = [...new Set(imported.map(packageOf))].filter((name) => !(name in manifest.dependencies) && !builtinModules.includes(name.replace(/^node:/, "")));
  if (undeclared.length > 0) throw new Error(`the Modelina bundle imports ${undeclared.join(", ")}: add them to the dependencies of generator/package.json`);
}

const modelina = JSON.parse(readFileSync(fileURLToPath(import.meta.resolve(`${bundled}/package.json`)), "utf8")) as { version: string; license: string };
const result = await build({
  entryPoints: [`${toolFolder}emit/modelina.ts`],
  outfile: output,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  mainFields: ["module", "main"],
  keepNames: true,
  metafile: true,
  logLevel: "warning",
  plugins: [modelinaOnly],
  banner: {
    js: [
      `// ${bundled} ${modelina.version} (${modelina.license}, https://github.com/asyncapi/modelina; licence text in modelina.LICENSE beside this file),`,
      "// bundled by evc's build (generator/scripts/bundle-modelina.ts): only the modules evc reaches, with the packages only",
      `// its other input processors load (${Object.keys(leftOut).join(", ")}) replaced by stubs that throw.`,
    ].join("\n"),
  },
});
checkImports(result.metafile);
rmSync(`${output}.map`, { force: true });
copyFileSync(fileURLToPath(import.meta.resolve(`${bundled}/LICENSE`)), licence);
