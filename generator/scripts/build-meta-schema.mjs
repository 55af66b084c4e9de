// The build step after tsc: write the precompiled AsyncAPI meta-schema validators into
// dist/asyncapi-meta-schema/, where the package's `#asyncapi-meta-schema/*` import finds them
// (see meta-schema-build.ts and meta-schema-validators.ts).
import { fileURLToPath } from "node:url";
import { writeMetaSchemaValidators } from "../dist/meta-schema-build.js";

writeMetaSchemaValidators(fileURLToPath(new URL("../dist/asyncapi-meta-schema/", import.meta.url)));
