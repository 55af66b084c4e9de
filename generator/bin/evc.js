#!/usr/bin/env node
// The `evc` command: the compiled tool (`npm run build` makes `dist/`), no loader needed. From Node
// 22.1 on, V8's compile cache (in the OS temp folder, or where NODE_COMPILE_CACHE says) spares
// compiling the same modules again on every run; it covers only what is imported after it is on.
import module from "node:module";

module.enableCompileCache?.();
await import("../dist/cli/main.js");
