#!/usr/bin/env node
// The `evc` command: the compiled tool (`npm run build` makes `dist/`), no loader needed.
import "../dist/cli/main.js";
