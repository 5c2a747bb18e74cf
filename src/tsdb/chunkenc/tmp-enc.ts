import { XorAppender } from "./index.js";

const N = 120 * 1000;
const ts = new Float64Array(N),
  gs = new Float64Array(N),
  cs = new Float64Array(N);
let g = 50,
  s = 1,
  k = 1e6;
const rand = () => {
  s = (s * 16807) % 2147483647;
  return s / 2147483647;
};
for (let i = 0; i < N; i++) {
  ts[i] = 1.7e12 + i * 10000 + (rand() < 0.1 ? 3 : 0);
  g = Math.round((g + (rand() - 0.5) * 2) * 100) / 100;
  gs[i] = g;
  k += Math.floor(rand() * 1000);
  cs[i] = k;
}
function run(vs: Float64Array): number {
  let total = 0;
  for (let c = 0; c < 1000; c++) {
    const a = new XorAppender();
    for (let i = 0; i < 120; i++) a.append(ts[c * 120 + i], vs[c * 120 + i]);
    total += a.bytes().length;
  }
  return total;
}
const which = process.argv[2] === "gauge" ? gs : cs;
let best = 0;
for (let r = 0; r < 100; r++) {
  const t0 = performance.now();
  run(which);
  best = Math.max(best, N / (performance.now() - t0) / 1000);
}
console.log(process.argv[2], best.toFixed(1));
