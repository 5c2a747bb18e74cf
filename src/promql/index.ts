/** PromQL. For now: the series-selector parser used by the read API. */
export { parseSeriesSelector } from "./selector.js";
