// The entry point of pulumi-resource-orgs (bin/pulumi-resource-orgs runs it with Node ≥ 22). The
// engine starts it with `[flags] <engine address>` in the program's directory and reads the port
// from its first line of stdout: nothing else may reach stdout, so console.log and console.info
// go to stderr (the engine shows a plugin's stderr as diagnostics).
import { nodeTooOld, GET_NODE_22 } from "../../api/node-version";

if (nodeTooOld()) {
  process.stderr.write(`pulumi-resource-orgs needs Node.js 22 or newer; this is Node.js ${process.versions.node}. ${GET_NODE_22}\n`);
  process.exit(1);
}
console.log = console.info = (...args: unknown[]) => console.error(...args);

async function main(): Promise<void> {
  // Loaded after the check above: on an older Node it would fail with a message about something else.
  const { serve } = require("./server") as typeof import("./server");
  const { port } = await serve();
  process.stdout.write(`${port}\n`);
}

main().catch((e) => {
  process.stderr.write(`pulumi-resource-orgs: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
