/**
 * A build step after `tsc`: writes the precompiled schema validators into `dist/precompiled/`, where the
 * package's `#precompiled/*` import finds them (see `precompiled-build.ts` and
 * `precompiled-validators.ts`). Run with `tsx scripts/build-validators.ts` from the tool package's folder.
 */
import { fileURLToPath } from "node:url";
import { writePrecompiledValidators } from "../precompiled-build.js";

writePrecompiledValidators(fileURLToPath(new URL("../dist/precompiled/", import.meta.url)));
