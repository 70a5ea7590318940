// Imported first by the `orgs` binary: undici (the HTTP client) needs Node 22 or newer and fails
// on older versions with an error about zstd that says nothing useful. Say what is wrong instead.
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  process.stderr.write(
    `orgs: needs Node 22 or newer; this is Node ${process.versions.node}. Install a newer Node (https://nodejs.org), or run ./dev orgs from a checkout, which fetches one.\n`,
  );
  process.exit(1);
}
