// The repository's rules; Playwright's outputs (reports bundle their own JavaScript) are not ours to lint.
import rootConfig from "../eslint.config.mjs";

export default [{ ignores: ["test-results/**", "playwright-report/**"] }, ...rootConfig];
