import { runCli } from "../../generator/dist/cli/program.js";
const io = { stdout: () => {}, stderr: (t) => process.stderr.write(t), cwd: process.cwd(), env: process.env };
for (let i = 0; i < 6; i++) {
  const t = performance.now();
  const code = await runCli(["generate", "--no-cache"], io);
  console.log(i, code, (performance.now() - t).toFixed(0), "ms");
}
process.exit(0);
