import { fork } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

/**
 * The HTTP load generator of the benchmarks, run in a process of its own (as the tunnel that
 * carries Meta's requests would be), so its own work does not share the server's event loop.
 */

export interface LoadRequest {
  url: string;
  bodies: { body: string; sig: string }[];
  concurrency: number;
}

export interface Sample {
  latencies: number[];
  acknowledged: number;
  failed: number;
  seconds: number;
}

/** N pre-signed POSTs with C keep-alive connections; each connection is one sender address. */
async function load({ url, bodies, concurrency }: LoadRequest): Promise<Sample> {
  const latencies: number[] = [];
  let acknowledged = 0;
  let failed = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      // Meta delivers from a pool of addresses; the tunnel reports each as the last X-Forwarded-For hop.
      const headers = { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${w + 1}` };
      while (next < bodies.length) {
        const { body, sig } = bodies[next++]!;
        const t0 = process.hrtime.bigint();
        const status = await new Promise<number>((resolve) => {
          const req = http.request(url, { method: 'POST', agent, headers: { ...headers, 'x-hub-signature-256': sig, 'content-length': Buffer.byteLength(body) } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', () => resolve(0));
          req.end(body);
        });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status === 200) acknowledged++;
        else failed++;
      }
      agent.destroy();
    }),
  );
  return { latencies, acknowledged, failed, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Runs one load in a child process and resolves with what it measured; bounded by `timeoutMs`. */
export function loadInChild(request: LoadRequest, timeoutMs = 120_000): Promise<Sample> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise<Sample>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`load client did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('message', (sample: Sample) => {
      clearTimeout(timer);
      child.disconnect();
      resolve(sample);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`load client exited with ${code} before reporting`));
    });
    child.send(request);
  });
}

// As the child: one request in, one sample out.
if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once('message', (request: LoadRequest) => {
    void load(request).then((sample) => process.send!(sample, () => process.exit(0)));
  });
}
