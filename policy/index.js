// The entry point Pulumi's run-policy-pack loads from this directory (the pack's program is
// ../dist/policy/pack.js, built from pack.ts). @pulumi/policy reads the pack's version from
// package.json in the working directory, which the language host sets to this directory: the
// version is the orgs package's, one directory up, so that is the working directory from here on.
"use strict";
const path = require("node:path");

try {
  require.resolve("@pulumi/policy");
} catch {
  console.error(
    `The orgs policy pack needs @pulumi/policy: run npm install @pulumi/policy@^1.21.0 where orgs is installed (${path.resolve(__dirname, "..", "..")})`,
  );
  process.exit(1);
}
process.chdir(path.join(__dirname, ".."));
require("../dist/policy/pack.js");
