// Warnings for the person running Pulumi, printed by the engine under the run's diagnostics (a
// dynamic provider's host has no logging of its own: what it writes to stderr shows as plain
// output). The host is started with the engine's address as its argument; a warning is one Log
// call to it, with the gRPC client and protocol of the program's @pulumi/pulumi. When that cannot
// be done (no engine, as in the provider tests' own harness), the warning goes to stderr.
import { createRequire } from "node:module";

let client: { log(req: unknown, done: (err: unknown) => void): void } | null | undefined;
let proto: any;

function engine() {
  if (client !== undefined) return client;
  client = null;
  const address = process.argv
    .slice(2)
    .filter((a) => !a.startsWith("-"))
    .pop();
  if (!address || !/^[\w.-]+:\d+$/.test(address)) return client;
  try {
    const pp = createRequire(require.resolve("@pulumi/pulumi/package.json", { paths: [process.cwd(), __dirname] }));
    const grpc = pp("@grpc/grpc-js");
    const rpc = pp("./proto/engine_grpc_pb.js");
    proto = pp("./proto/engine_pb.js");
    client = new rpc.EngineClient(address, grpc.credentials.createInsecure());
  } catch {
    client = null;
  }
  return client;
}

/** Sends `message` to the engine as a warning of this run; resolves once it is delivered (or written to stderr). */
export function warn(message: string): Promise<void> {
  const c = engine();
  if (!c) {
    process.stderr.write(`warning: ${message}\n`);
    return Promise.resolve();
  }
  const req = new proto.LogRequest();
  req.setSeverity(proto.LogSeverity.WARNING);
  req.setMessage(message);
  req.setUrn("");
  return new Promise((resolve) =>
    c.log(req, (err) => {
      if (err) process.stderr.write(`warning: ${message}\n`);
      resolve();
    }),
  );
}
