/**
 * A build step after `tsc`: writes the precompiled AsyncAPI meta-schema validators into
 * `dist/asyncapi-meta-schema/`, where the package's `#asyncapi-meta-schema/*` import finds them (see
 * `meta-schema-build.ts` and `meta-schema-validators.ts`). Run with `tsx scripts/build-meta-schema.ts`
 * from the tool package's folder.
 */
import { fileURLToPath } from "node:url";
import { writeMetaSchemaValidators } from "../meta-schema-build.js";

writeMetaSchemaValidators(fileURLToPath(new URL("../dist/asyncapi-meta-schema/", import.meta.url)));
