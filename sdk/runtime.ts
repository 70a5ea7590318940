// The Node.js this package needs, and the @pulumi/pulumi a program's resources belong to.
import type * as Pulumi from "@pulumi/pulumi";
import { GET_NODE_22, nodeTooOld } from "../api/node-version";

// @pulumi/pulumi itself needs Node 22; say so, and how to get it, instead of failing somewhere
// inside it. The error carries the brand of Pulumi's RunError (how every copy of @pulumi/pulumi
// recognises one), so the program's runner prints the message without this file's stack.
if (nodeTooOld()) {
  throw Object.assign(
    new Error(
      `orgs needs Node.js 22 or newer, as @pulumi/pulumi does; this is Node.js ${process.versions.node} (${process.execPath}). ${GET_NODE_22}; then run pulumi again.`,
    ),
    { __pulumiRunError: true },
  );
}

/**
 * Pulumi keeps a program's runtime (its connection to the engine, or the mocks of a test) in the
 * copy of @pulumi/pulumi the program loaded. A package linked into the program's node_modules
 * (`npm install ../orgs`) would resolve a copy of its own beside its sources, and resources made
 * with that copy belong to no running program. So the SDK uses the copy the program's directory
 * resolves (Pulumi runs a program in its directory), and its own only when there is none.
 */
export function programPulumi(): typeof Pulumi {
  let path: string | undefined;
  try {
    path = require.resolve("@pulumi/pulumi", { paths: [process.cwd()] });
  } catch {
    // The program's directory has none: this package's own.
  }
  return require(path ?? "@pulumi/pulumi");
}

/** pulumi.dynamic.Resource of the program's @pulumi/pulumi: every SDK class extends it. */
export const DynamicResource = programPulumi().dynamic.Resource;
