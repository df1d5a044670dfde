/**
 * The physical limit of a read, measured beside the product in the same run: the statement the
 * route sends, run straight through `pg` from many connections in a closed loop (each connection
 * sends its next query when the last one answered), with no HTTP, no framework, no service.
 * Benchmarks divide the product's rate by this one, so a slow or busy machine moves both figures
 * and the ratio stays comparable from day to day.
 */
import { performance } from 'node:perf_hooks';
import pg from 'pg';

export interface RawQuery {
  text: string;
  values: unknown[];
  /** set: run as a named prepared statement (parsed and planned once per connection), as the hot reads are */
  name?: string;
}

export interface RawLoadResult {
  /** queries per second over the measured seconds */
  perS: number;
  queries: number;
  errors: number;
  p50Ms: number;
  p95Ms: number;
  connections: number;
  seconds: number;
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;

export interface RawLoad {
  /** runs the queries for `seconds` on every connection, as fast as they answer */
  measure(seconds: number): Promise<RawLoadResult>;
  close(): Promise<void>;
}

/**
 * Opens `connections` clients that run `next()`'s query in a loop when measured, so the limit can be
 * measured in slices between slices of the product's load (the same moment's machine for both).
 * @example
 * const raw = await openRawLoad(url, () => ({ name: 'p', text: 'SELECT $1::int', values: [1] }), 50);
 * const { perS } = await raw.measure(2);
 * await raw.close();
 */
export async function openRawLoad(
  connectionString: string | pg.ClientConfig,
  next: () => RawQuery,
  connections: number,
): Promise<RawLoad> {
  const config = typeof connectionString === 'string' ? { connectionString } : connectionString;
  const clients: pg.Client[] = [];
  try {
    for (let i = 0; i < connections; i++) {
      const c = new pg.Client({ ...config, application_name: 'peixun-bench-raw' });
      clients.push(c);
      await c.connect();
    }
  } catch (e) {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    throw e;
  }
  return {
    async measure(seconds) {
      let errors = 0;
      const latencies: number[] = [];
      const t0 = performance.now();
      const until = t0 + seconds * 1000;
      await Promise.all(
        clients.map(async (c) => {
          while (performance.now() < until) {
            const q = next();
            const query = q.name
              ? { name: q.name, text: q.text, values: q.values }
              : { text: q.text, values: q.values };
            const s = performance.now();
            try {
              const r = await c.query(query);
              if (r.rows.length === 0) errors++;
              else latencies.push(performance.now() - s);
            } catch {
              errors++;
            }
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      return {
        perS: round(latencies.length / wall, 0),
        queries: latencies.length,
        errors,
        p50Ms: round(percentile(latencies, 50)),
        p95Ms: round(percentile(latencies, 95)),
        connections,
        seconds,
      };
    },
    async close() {
      await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    },
  };
}

/**
 * The product's rate and the limit's, measured in turns (`rounds` slices of `seconds` each), so both
 * see the same moment of a shared machine; the ratio is the median of the rounds' ratios.
 */
export async function interleaved(
  rounds: number,
  seconds: number,
  product: (seconds: number) => Promise<number>,
  raw: RawLoad,
): Promise<{ ratio: number; productPerS: number; rawPerS: number; rounds: Array<{ product: number; raw: number }> }> {
  const out: Array<{ product: number; raw: number }> = [];
  for (let i = 0; i < rounds; i++) {
    const p = await product(seconds);
    const r = (await raw.measure(seconds)).perS;
    out.push({ product: round(p, 0), raw: r });
  }
  const median = (xs: number[]) => percentile(xs, 50);
  return {
    ratio: round(median(out.map((x) => x.product / x.raw)), 3),
    productPerS: round(median(out.map((x) => x.product)), 0),
    rawPerS: round(median(out.map((x) => x.raw)), 0),
    rounds: out,
  };
}
