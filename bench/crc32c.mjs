// CRC32C of @lithops/gcp-storage (slicing by 8) vs the SDK's own (`CRC32C` of @google-cloud/storage),
// on 64 KiB and 16 MiB buffers: MB/s of each, alternating which goes first, median of the rounds.
// Run: node bench/crc32c.mjs   (BENCH_ROUNDS, default 7; `pnpm build` first)
import { readFileSync } from 'node:fs';
import { CRC32C } from '@google-cloud/storage';

const { Crc32c } = await import(new URL('../packages/gcp-storage/dist/crc32c.js', import.meta.url).href);

const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sides = {
  ours: (buf) => {
    const c = new Crc32c();
    c.update(buf);
    return c.toString();
  },
  sdk: (buf) => {
    const c = new CRC32C();
    c.update(buf);
    return c.toString();
  },
};

console.log(`loadavg ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
for (const [label, size, count] of [
  ['64 KiB', 64 * 1024, 512],
  ['16 MiB', 16 * 1024 * 1024, 2],
]) {
  const bufs = Array.from({ length: count }, (_, i) => Buffer.alloc(size, i));
  const check = bufs.map(sides.sdk);
  const mbps = { ours: [], sdk: [] };
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ['ours', 'sdk'] : ['sdk', 'ours'];
    for (const side of order) {
      const t0 = performance.now();
      const out = bufs.map(sides[side]);
      const ms = performance.now() - t0;
      if (out.some((v, i) => v !== check[i])) throw new Error(`${side}: wrong CRC32C`);
      if (r > 0) mbps[side].push((size * count) / 2 ** 20 / (ms / 1000)); // round 0 warms up
    }
  }
  const ours = median(mbps.ours);
  const sdk = median(mbps.sdk);
  console.log(
    `${label}: ours ${ours.toFixed(0)} MB/s, SDK ${sdk.toFixed(0)} MB/s, ratio ${(ours / sdk).toFixed(1)}x (median of ${rounds - 1} rounds)`,
  );
}
