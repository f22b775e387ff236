// The repository's rules plus the React hooks and Next.js rules, for the admin app only.
import nextPlugin from "@next/eslint-plugin-next";
import reactHooks from "eslint-plugin-react-hooks";
import rootConfig from "../../eslint.config.mjs";

export default [
  ...rootConfig,
  reactHooks.configs.flat.recommended,
  nextPlugin.configs["core-web-vitals"],
  {
    settings: { next: { rootDir: import.meta.dirname } },
  },
];
