/**
 * The queries run against Prometheus 2.42 and reddot, grouped by area. Each
 * runs as an instant query at every time of `instantTimes` and as a range
 * query over every window of `rangeWindows` (test/e2e/promql-compare/times.ts)
 * unless it says otherwise. `AT` in a query is replaced with a fixed
 * timestamp inside the data (for the `@` modifier).
 *
 * What is left out, and why, is in EXCLUDED below and in docs/promql-compat.md.
 */

export interface CompareQuery {
  readonly q: string;
  /** Only as an instant query (range-vector or string results, which range queries refuse). */
  readonly instantOnly?: boolean;
  /**
   * Prometheus defines the order of an instant result (sort, sort_desc,
   * topk/bottomk without grouping): values are compared in answer order.
   * Otherwise series are sorted by labels before comparing.
   */
  readonly ordered?: boolean;
  /** Prometheus returns nothing for it at every time (still compared); others must return something somewhere. */
  readonly empty?: boolean;
}

/** A query both must refuse: same HTTP status class and errorType, messages not compared. */
export interface ErrorQuery {
  readonly q: string;
  readonly mode: "instant" | "range";
}

const Q = (q: string, opts: Omit<CompareQuery, "q"> = {}): CompareQuery => ({ q, ...opts });
const instant = (q: string, opts: Omit<CompareQuery, "q" | "instantOnly"> = {}) =>
  Q(q, { ...opts, instantOnly: true });

const SELECTORS: CompareQuery[] = [
  Q("up"),
  Q("http_requests_total"),
  Q('http_requests_total{method="GET"}'),
  Q('http_requests_total{method!="GET",status=~"2..|5.."}'),
  Q('http_requests_total{status!~"4..", instance=~"api-[0-2].*"}'),
  Q('{__name__=~"node_.*", mode="idle"}'),
  Q('{job="batch"}'),
  Q("gappy_gauge"),
  Q("flaky_value"),
  Q("nonexistent_metric", { empty: true }),
  Q("temperature_celsius offset 10m"),
  Q("temperature_celsius offset -5m"),
  Q("up @ AT"),
  Q("temperature_celsius @ start()"),
  Q("temperature_celsius @ end()"),
  Q("temperature_celsius @ AT offset 10m"),
  instant("http_requests_total[5m]"),
  instant("gappy_gauge[20m]"),
  instant("flaky_value[10m]"),
  instant("temperature_celsius[5m] offset 1h"),
  instant("up[3m] @ AT"),
];

const RATES: CompareQuery[] = [
  Q("rate(http_requests_total[1m])"),
  Q("rate(http_requests_total[5m])"),
  Q("rate(http_requests_total[30m])"),
  Q("rate(node_cpu_seconds_total[5m] @ AT)"),
  Q("rate(node_cpu_seconds_total[5m] @ end() offset 10m)"),
  Q("irate(http_requests_total[5m])"),
  Q("irate(node_cpu_seconds_total[1m])"),
  Q("increase(http_requests_total[10m])"),
  Q("increase(jobs_processed_total[1h])"),
  Q("delta(temperature_celsius[10m])"),
  Q("idelta(temperature_celsius[5m])"),
  Q("deriv(node_memory_free_bytes[10m])"),
  Q("deriv(temperature_celsius[30m])"),
  Q("predict_linear(node_memory_free_bytes[15m], 3600)"),
  Q("predict_linear(temperature_celsius[10m], -600)"),
  Q("changes(queue_depth[15m])"),
  Q("changes(up[1h])"),
  Q("resets(http_requests_total[1h])"),
  Q("resets(http_request_duration_seconds_bucket[2h])"),
  Q("rate(gappy_counter_total[5m])"),
  Q("rate(gappy_counter_total[20m])"),
  Q("increase(flaky_value[10m])"),
  Q("delta(flaky_value[10m])"),
  Q("rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])"),
];

const OVER_TIME: CompareQuery[] = [
  Q("avg_over_time(temperature_celsius[10m])"),
  Q("min_over_time(temperature_celsius[10m])"),
  Q("max_over_time(temperature_celsius[10m])"),
  Q("sum_over_time(queue_depth[5m])"),
  Q("count_over_time(gappy_gauge[10m])"),
  Q("count_over_time(flaky_value[30m])"),
  Q("quantile_over_time(0.9, temperature_celsius[15m])"),
  Q("quantile_over_time(0, queue_depth[15m])"),
  Q("quantile_over_time(1.5, temperature_celsius[5m])"),
  Q("quantile_over_time(-1, temperature_celsius[5m])"),
  Q("stddev_over_time(temperature_celsius[20m])"),
  Q("stdvar_over_time(node_memory_free_bytes[20m])"),
  Q("stddev_over_time(up[20m])"),
  Q("last_over_time(gappy_gauge[20m])"),
  Q("last_over_time(flaky_value[1h])"),
  Q("present_over_time(gappy_gauge[5m])"),
  Q("present_over_time(flaky_value[30m])"),
  Q("absent_over_time(gappy_gauge[5m])"),
  Q("absent_over_time(flaky_value[10m])"),
  Q('absent_over_time(nonexistent{job="x", instance=~"y"}[5m])'),
  Q('absent_over_time(up{job="api"}[5m])'),
  Q("holt_winters(temperature_celsius[10m], 0.3, 0.6)"),
  Q("holt_winters(node_memory_free_bytes[30m], 0.1, 0.9)"),
];

const MATH: CompareQuery[] = [
  Q("abs(temperature_celsius)"),
  Q("ceil(temperature_celsius)"),
  Q("floor(temperature_celsius)"),
  Q("exp(temperature_celsius / 10)"),
  Q("exp(node_memory_free_bytes)"),
  Q("ln(temperature_celsius)"),
  Q("log2(node_memory_free_bytes)"),
  Q("log10(temperature_celsius)"),
  Q("sqrt(temperature_celsius)"),
  Q("sgn(temperature_celsius)"),
  Q("round(temperature_celsius)"),
  Q("round(temperature_celsius, 0.5)"),
  Q("round(node_memory_free_bytes, 1e6)"),
  Q("round(temperature_celsius, 3)"),
  Q("clamp(temperature_celsius, -5, 20)"),
  Q("clamp(temperature_celsius, 5, -5)", { empty: true }),
  Q("clamp_max(temperature_celsius, 10)"),
  Q("clamp_min(temperature_celsius, 10)"),
  Q("sin(temperature_celsius)"),
  Q("cos(temperature_celsius)"),
  Q("tan(temperature_celsius)"),
  Q("asin(cache_hit_ratio)"),
  Q("acos(cache_hit_ratio)"),
  Q("atan(temperature_celsius)"),
  Q("sinh(temperature_celsius / 10)"),
  Q("cosh(temperature_celsius / 10)"),
  Q("tanh(temperature_celsius)"),
  Q("asinh(temperature_celsius)"),
  Q("acosh(temperature_celsius)"),
  Q("atanh(cache_hit_ratio)"),
  Q("atanh(temperature_celsius)"),
  Q("deg(cache_hit_ratio)"),
  Q("rad(temperature_celsius)"),
  Q("pi()"),
];

const TIME: CompareQuery[] = [
  Q("time()"),
  Q("vector(time())"),
  Q("timestamp(up)"),
  Q("timestamp(temperature_celsius) - time()"),
  Q("timestamp(temperature_celsius offset 5m) - time()"),
  Q("timestamp(flaky_value)"),
  Q("time() - timestamp(gappy_gauge)"),
  Q("timestamp(abs(temperature_celsius))"),
  Q("minute()"),
  Q("hour()"),
  Q("day_of_week()"),
  Q("day_of_month()"),
  Q("day_of_year()"),
  Q("days_in_month()"),
  Q("month()"),
  Q("year()"),
  Q("hour(timestamp(up))"),
  Q("minute(vector(1700000000))"),
  Q("year(vector(0))"),
  Q("days_in_month(vector(951782400))"),
  Q("day_of_year(vector(1704067200 - 1))"),
  Q("day_of_week(vector(1704067200 + 86400 * 3))"),
];

const LITERALS: CompareQuery[] = [
  Q("1"),
  Q("-1.5"),
  Q("0x1F"),
  Q("1e3"),
  Q("Inf"),
  Q("-Inf"),
  Q("NaN"),
  Q("1 + 2 * 3"),
  Q("2 ^ 3 ^ 2"),
  Q("-2 ^ 2"),
  Q("(1 + 2) * 3"),
  Q("5 % 3"),
  Q("-5 % 3"),
  Q("1 / 0"),
  Q("0 / 0"),
  Q("2 > bool 1"),
  Q("1 == bool 1"),
  Q("time() - 3600"),
  instant('"hello"'),
  Q("vector(1)"),
  Q("vector(1) + vector(2)"),
  Q("scalar(sum(up))"),
  Q("scalar(up)"),
  Q("scalar(nonexistent_metric)"),
  Q("scalar(count(up)) * up"),
  Q('up * scalar(temperature_celsius{instance="api-0:8080", zone="a"})'),
];

const AGGREGATIONS: CompareQuery[] = [
  Q("sum(http_requests_total)"),
  Q("sum by (job) (rate(http_requests_total[5m]))"),
  Q("sum without (instance) (rate(http_requests_total[5m]))"),
  Q("sum by (method, status) (rate(http_requests_total[5m]))"),
  Q("sum(up) by (job)"),
  Q("avg by (instance) (temperature_celsius)"),
  Q("avg without (zone) (temperature_celsius)"),
  Q("avg(http_requests_total) without (instance)"),
  Q("min by (job) (node_memory_free_bytes)"),
  Q("max without (instance, zone) (temperature_celsius)"),
  Q("count by (job) (up)"),
  Q("count without (cpu, mode) (node_cpu_seconds_total)"),
  Q("group by (job) (up)"),
  Q("group without (instance) (build_info)"),
  Q("stddev by (job) (temperature_celsius)"),
  Q("stddev(queue_depth)"),
  Q("stdvar without (instance) (rate(node_cpu_seconds_total[5m]))"),
  Q("quantile(0.9, temperature_celsius)"),
  Q("quantile by (zone) (0.5, temperature_celsius)"),
  Q("quantile without (instance) (0.25, rate(http_requests_total[5m]))"),
  Q("quantile(2, temperature_celsius)"),
  Q("quantile(-1, temperature_celsius)"),
  Q("topk(5, temperature_celsius)", { ordered: true }),
  Q("topk by (job) (2, node_memory_free_bytes)"),
  Q("bottomk(3, rate(http_requests_total[5m]))", { ordered: true }),
  Q("bottomk without (zone) (1, temperature_celsius)"),
  Q("topk(3, sum by (instance) (rate(http_requests_total[5m])))", { ordered: true }),
  Q("topk(1000, up)", { ordered: true }),
  Q('count_values("value", queue_depth)'),
  Q('count_values by (job) ("version", build_info)'),
  Q('count_values without (queue) ("depth", queue_depth)'),
  Q("sum(nonexistent_metric)", { empty: true }),
  Q("count(nonexistent_metric)", { empty: true }),
  Q("count(count by (job) (up))"),
  Q('max by (__name__) ({__name__=~"node_.*"})'),
  Q("sum(up) + count(up)"),
  Q("-sum(up)"),
];

const BINARY: CompareQuery[] = [
  Q("temperature_celsius + 1"),
  Q("2 * temperature_celsius"),
  Q("temperature_celsius / 0"),
  Q("(temperature_celsius - temperature_celsius) / 0"),
  Q("temperature_celsius % 7"),
  Q("temperature_celsius ^ 2"),
  Q("-temperature_celsius"),
  Q("1 - temperature_celsius"),
  // 2.42 keeps the name after atan2 (dropped since 2.47, as for the other arithmetic operators).
  Q("(temperature_celsius + 0) atan2 2"),
  Q("node_memory_free_bytes / 1024 / 1024"),
  Q("temperature_celsius > 10"),
  Q("temperature_celsius < bool 0"),
  Q("10 < temperature_celsius"),
  Q("temperature_celsius == bool temperature_celsius"),
  Q("queue_depth != 3"),
  Q("queue_depth >= bool 5"),
  Q("up == 1"),
  Q("http_requests_total > 1e6 < 5e6"),
  Q("http_request_duration_seconds_sum / http_request_duration_seconds_count"),
  Q(
    "rate(http_requests_total[5m]) / ignoring(status) group_left sum without (status) (rate(http_requests_total[5m]))",
  ),
  Q("node_cpu_seconds_total / on(job, instance) group_left(version) build_info"),
  Q("build_info * on(job, instance) group_right(version) node_memory_free_bytes"),
  Q("up * on(job, instance) group_left(version, revision) build_info"),
  Q("temperature_celsius - on(instance) group_left avg by (instance) (temperature_celsius)"),
  Q("temperature_celsius > bool on(instance) group_left avg by (instance) (temperature_celsius)"),
  Q('node_cpu_seconds_total{mode="idle"} / ignoring(mode) node_cpu_seconds_total{mode="user"}'),
  Q(
    'sum by (job) (rate(http_requests_total{status=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m]))',
  ),
  Q("sum by (job) (up) > 1"),
  Q("sum by (job) (up) == bool on(job) count by (job) (up)"),
  Q('http_requests_total{status="500"} / on(instance, method) http_requests_total{status="200"}'),
  Q("queue_depth == on(instance) group_left max by (instance) (queue_depth)"),
  Q("up * on() group_left vector(1)"),
];

const SETS: CompareQuery[] = [
  Q("up and on(instance) temperature_celsius > 30"),
  Q("temperature_celsius and temperature_celsius > 20"),
  Q("temperature_celsius or up"),
  Q("up unless on(job) queue_depth"),
  Q("gappy_gauge or vector(0)"),
  Q("(up == 1) or on(instance) flaky_value"),
  Q("temperature_celsius unless temperature_celsius > 25"),
  Q("nonexistent_metric or up"),
  Q("up and nonexistent_metric", { empty: true }),
  Q("up and ignoring(job, instance) vector(1)"),
  Q('http_requests_total unless ignoring(status) http_requests_total{status="404"}', {
    empty: true,
  }),
  Q('http_requests_total{status="500"} or ignoring(status) http_requests_total{status="404"}'),
];

const HISTOGRAMS: CompareQuery[] = [
  Q("histogram_quantile(0.5, rate(http_request_duration_seconds_bucket[5m]))"),
  Q("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
  Q(
    "histogram_quantile(0.9, sum by (le, method) (rate(http_request_duration_seconds_bucket[10m])))",
  ),
  Q("histogram_quantile(0, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
  Q("histogram_quantile(1, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
  Q("histogram_quantile(1.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
  Q("histogram_quantile(-0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
  Q("histogram_quantile(0.75, http_request_duration_seconds_bucket)"),
  Q(
    "histogram_quantile(0.9, sum without (instance) (rate(http_request_duration_seconds_bucket[5m])))",
  ),
  Q('histogram_quantile(0.5, rate(http_request_duration_seconds_bucket{le!="+Inf"}[5m]))'),
  Q("histogram_quantile(0.5, temperature_celsius)", { empty: true }),
  Q("histogram_count(http_request_duration_seconds_bucket)", { empty: true }),
  Q("histogram_sum(http_request_duration_seconds_bucket)", { empty: true }),
];

const LABELS: CompareQuery[] = [
  Q('label_replace(up, "host", "$1", "instance", "(.*):.*")'),
  Q('label_replace(up, "foo", "bar", "", "")'),
  Q('label_replace(node_memory_free_bytes, "job", "", "job", ".*")'),
  Q('label_replace(temperature_celsius, "zone_upper", "Z-$1", "zone", "(a|b)")'),
  Q('label_replace(up, "x", "$2-$1", "job", "(a)(p)i")'),
  Q('label_replace(up, "x", "y", "job", "nomatch")'),
  Q('label_replace(rate(http_requests_total[5m]), "__name__", "renamed", "", "")'),
  Q('label_join(up, "combined", "-", "job", "instance")'),
  Q('label_join(build_info, "vr", "/", "version", "revision", "nonexistent")'),
  Q('label_join(up, "job", "", "instance")'),
  Q('label_join(up, "empty", ",")'),
  Q("sort(temperature_celsius)", { ordered: true }),
  Q("sort_desc(rate(http_requests_total[5m]))", { ordered: true }),
  Q("sort(sum by (job) (up))", { ordered: true }),
  Q("sort_desc(queue_depth)", { ordered: true }),
];

const ABSENT: CompareQuery[] = [
  Q('absent(up{job="nonexistent"})'),
  Q('absent(nonexistent{job="a", instance=~"b", zone="c"})'),
  Q("absent(up)"),
  Q("absent(sum(nonexistent_metric))"),
  Q("absent(flaky_value)"),
  Q("absent(gappy_gauge)"),
];

const SUBQUERIES: CompareQuery[] = [
  Q("max_over_time(rate(http_requests_total[5m])[30m:1m])"),
  Q("avg_over_time(temperature_celsius[10m:30s])"),
  Q("rate(http_requests_total[10m:1m])"),
  Q("min_over_time(sum by (job) (rate(node_cpu_seconds_total[5m]))[1h:5m])"),
  Q("deriv(sum(node_memory_free_bytes)[20m:2m])"),
  instant("temperature_celsius[10m:1m]"),
  instant("rate(http_requests_total[5m])[5m:2m]"),
  Q("max_over_time(temperature_celsius[20m:1m] offset 10m)"),
  Q("max_over_time(temperature_celsius[20m:1m] @ AT)"),
  Q("sum_over_time(up[10m:])"),
  // The inner range is not a multiple of its step: see docs/promql-compat.md, nested subqueries.
  Q("max_over_time(avg_over_time(temperature_celsius[5m123ms:30s])[30m:2m])"),
  Q("quantile_over_time(0.5, rate(http_requests_total[2m])[15m:45s])"),
  Q("count_over_time(flaky_value[30m:1m])"),
  Q("last_over_time(gappy_gauge[20m:1m])"),
  Q("absent_over_time(gappy_gauge[10m:1m])"),
  Q("changes(queue_depth[30m:1m])"),
  Q("max_over_time(vector(time())[5m:1m])"),
];

const NESTED: CompareQuery[] = [
  Q('100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))'),
  Q("round(avg by (job) (temperature_celsius), 0.1)"),
  Q("abs(delta(temperature_celsius[30m])) > 1"),
  Q("sum by (job) (rate(http_requests_total[5m])) > 5 and on(job) sum by (job) (up) >= 2"),
  Q("topk(3, max_over_time(temperature_celsius[30m]))", { ordered: true }),
  Q(
    "sum by (instance) (rate(http_requests_total[5m])) / on(instance) group_left sum by (instance) (rate(node_cpu_seconds_total[5m]))",
  ),
  Q("clamp_min(predict_linear(node_memory_free_bytes[30m], 86400), 0)"),
  Q("sort_desc(sum by (method) (increase(http_requests_total[1h])))", { ordered: true }),
  Q(
    'count_values("le", histogram_quantile(0.5, rate(http_request_duration_seconds_bucket[5m])) > 0.2)',
  ),
  Q("ln(sum(rate(http_requests_total[5m])))"),
  Q("vector(scalar(max(queue_depth)))"),
];

/** Every query, in run order. */
export const QUERIES: readonly CompareQuery[] = [
  ...SELECTORS,
  ...RATES,
  ...OVER_TIME,
  ...MATH,
  ...TIME,
  ...LITERALS,
  ...AGGREGATIONS,
  ...BINARY,
  ...SETS,
  ...HISTOGRAMS,
  ...LABELS,
  ...ABSENT,
  ...SUBQUERIES,
  ...NESTED,
];

/** Queries both systems must refuse. */
export const ERROR_QUERIES: readonly ErrorQuery[] = [
  { q: "rate(up)", mode: "instant" },
  { q: "sum(up", mode: "instant" },
  { q: '{job=~".*"}', mode: "instant" },
  { q: '1 + "a"', mode: "instant" },
  { q: '"hello"', mode: "range" },
  { q: "up[5m]", mode: "range" },
  {
    q: "temperature_celsius - on(instance) avg by (instance) (temperature_celsius)",
    mode: "instant",
  },
  { q: "http_requests_total + on(instance) group_left node_cpu_seconds_total", mode: "instant" },
  { q: "holt_winters(temperature_celsius[10m], 1.5, 0.5)", mode: "instant" },
  {
    q: 'rate({__name__=~"http_request_duration_seconds_sum|http_request_duration_seconds_count"}[5m])',
    mode: "instant",
  },
  { q: 'label_replace(up, "foo", "$1", "instance", "(")', mode: "instant" },
  { q: 'label_replace(up, "instance", "", "instance", ".*")', mode: "instant" },
  { q: "max_over_time(time()[5m:1m])", mode: "instant" },
];

/**
 * Left out on purpose: Prometheus 2.42 cannot answer them, or answers by a
 * rule Prometheus 3 (which reddot follows) changed. See docs/promql-compat.md.
 */
export const EXCLUDED: readonly { q: string; reason: string }[] = [
  {
    q: "double_exponential_smoothing(x[10m], 0.3, 0.6)",
    reason: "Prometheus 3 name of holt_winters, experimental there; 2.42 knows only holt_winters",
  },
  {
    q: "histogram_avg / histogram_stddev / histogram_stdvar(...)",
    reason: "added after 2.42 (native histograms only; empty on float data)",
  },
  {
    q: "sort_by_label, limitk, limit_ratio, mad_over_time, first_over_time, ts_of_*, info",
    reason: "experimental in Prometheus 3, absent from 2.42",
  },
  {
    q: "histogram_fraction(0, 0.5, http_request_duration_seconds_bucket)",
    reason:
      "classic (float bucket) histograms answer nothing in 2.42; Prometheus 3.4+ computes the fraction",
  },
  {
    q: "x atan2 2 (name kept)",
    reason:
      "2.42 keeps __name__ after atan2; 2.47+ drops it like + - * /; the list writes (x + 0) atan2 2",
  },
  {
    q: "max_over_time(avg_over_time(x[5m:30s])[30m:2m])",
    reason:
      "nested subquery: inner windows start on outer steps (multiples of 2m), so t-5m falls on an inner step and 2.42 (closed) counts one more point than 3.x (open); the list uses [5m123ms:30s]",
  },
  {
    q: 'x{le="1"} as "1.0" after scrape',
    reason:
      "Prometheus 3 normalises le/quantile label values at scrape time only; remote write keeps them as sent",
  },
  {
    q: 'regex "." against values holding a newline',
    reason: "3.x lets . match \\n; the data holds no newlines",
  },
  {
    q: "rate(x[r]) where the series starts inside the range and its first value is small",
    reason:
      "2.42 clamps to the counter's zero point before the 1.1× extrapolation threshold, 3.x after; counters start ≥ 1e5",
  },
];
