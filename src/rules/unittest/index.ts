/** Rule unit tests in promtool's format (`reddot test rules`). */
export { glob, loadRuleFiles } from "./load-rules.js";
export {
  formatRuleTestReport,
  goFloatE,
  goLabels,
  type RuleTestOptions,
  type RuleTestReport,
  runRuleTestFile,
} from "./runner.js";
export { parseTestFile, type TestFile, testFileSchema } from "./test-file.js";
