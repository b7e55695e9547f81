// Control for runner-scaling.ts: the same CPU work as busy-work.ts, in a bare Node process with
// no runner around it. Usage: node bare-busy.mjs <blocks per job> <jobs>. Keep the loop identical
// to busyWork() in busy-work.ts.
const [blocks, jobs] = process.argv.slice(2).map(Number);
let x = 0;
for (let job = 0; job < jobs; job++) {
  for (let b = 0; b < blocks; b++) for (let i = 0; i < 10_000; i++) x += Math.sqrt(i + x);
}
if (!(x > 0)) process.exit(1);
