// The benches' first step (package.json): they start the server, the CLI and the Pulumi engine's
// Node programs, all of which need Node 22 or newer. On an older Node they would build first and
// die far in (bench:reconcile inside the engine, with "orgs needs Node.js 22"); this says so at once.
//   node scripts/require-node.cjs <bench name>
const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
  const name = process.argv[2] ?? "server";
  process.stderr.write(
    `bench:${name}: needs Node 22 or newer; this is Node ${process.versions.node}. Run it as ./dev bench ${name} (which fetches Node 24 into .tools/ when the machine's is older).\n`,
  );
  process.exit(1);
}
