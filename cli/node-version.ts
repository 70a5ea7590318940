// Imported first by the `orgs` binary: undici (the HTTP client) needs Node 22 or newer and fails
// on older versions with an error about zstd that says nothing useful. Say what is wrong instead,
// and how to get a newer Node.
import { GET_NODE_22, nodeTooOld } from "../api/node-version";

if (nodeTooOld()) {
  process.stderr.write(
    `orgs: needs Node 22 or newer; this is Node ${process.versions.node}. ${GET_NODE_22}; or run ./dev orgs from a checkout, which fetches one.\n`,
  );
  process.exit(1);
}
