// The Node.js every entry point needs (22 or newer: @pulumi/pulumi's and undici's floor), and how
// to get it, said the same way by the SDK and the CLI. It imports nothing: the SDK loads it first,
// before anything that would fail on an older Node with a message about something else.

/** The running Node's major version is older than 22. */
export const nodeTooOld = (version = process.versions.node): boolean => Number(version.split(".")[0]) < 22;

/** The shell line that puts Node 22 first on PATH for one shell, from the npm registry alone. */
export const NPX_NODE_22 = 'export PATH="$(dirname "$(npx -y node@22 -p process.execPath)"):$PATH"';

/** How to get Node 22, as the end of a refusal. */
export const GET_NODE_22 = `Get it with nvm (\`nvm install 22\`, https://github.com/nvm-sh/nvm), with an official installer (https://nodejs.org/en/download), or for this shell only from the npm registry: ${NPX_NODE_22}`;
