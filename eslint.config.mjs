// Lint: ESLint's and typescript-eslint's recommended rules (syntax-level; tsc does the typing).
// The workspaces' dist/ (packages/*/dist) are copies of the build, like dist/.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "packages/*/dist/**", "node_modules/**", ".tools/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // Tests and harnesses read loosely-typed JSON bodies.
      "@typescript-eslint/no-explicit-any": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/no-require-imports": "off",
    },
  },
  {
    files: ["**/*.mjs", "**/*.js", "**/*.cjs", "scripts/**"],
    languageOptions: { globals: { process: "readonly", console: "readonly", require: "readonly", __dirname: "readonly" } },
  },
  {
    // The admin page's script runs in the browser (server/admin/public).
    files: ["server/admin/public/**/*.js"],
    languageOptions: {
      sourceType: "module",
      globals: {
        window: "readonly",
        document: "readonly",
        location: "readonly",
        history: "readonly",
        fetch: "readonly",
        sessionStorage: "readonly",
        FormData: "readonly",
        URLSearchParams: "readonly",
        Node: "readonly",
        CSS: "readonly",
      },
    },
  },
);
