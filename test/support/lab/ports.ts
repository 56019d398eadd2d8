// Loopback ports for the test lab: tests never listen on or connect to anything but 127.0.0.0/8 and ::1.
import * as net from 'node:net';

/** The loopback address every lab server binds to. */
export const LAB_HOST = '127.0.0.1';

/** True for 127.0.0.0/8 and ::1 (also as IPv4-mapped IPv6), the only addresses tests may touch. */
export function isLoopbackAddress(address: string): boolean {
  const bare = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (net.isIPv4(bare)) return bare.startsWith('127.');
  return net.isIPv6(address) && new URL(`http://[${address}]/`).hostname === '[::1]';
}

/** A port on LAB_HOST that was free a moment ago (the kernel picks it; nothing listens afterwards). */
export async function freeLoopbackPort(host = LAB_HOST): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Resolves once `host:port` accepts a TCP connection; rejects at `deadlineMs` or as soon as
 * `failed()` returns a reason (e.g. the server process exited). Retries on refusal only.
 */
export async function waitForPort(
  port: number,
  options: { host?: string; deadlineMs?: number; failed?: () => string | undefined } = {},
): Promise<void> {
  const host = options.host ?? LAB_HOST;
  const deadline = Date.now() + (options.deadlineMs ?? 10_000);
  let backoffMs = 5;
  for (;;) {
    const failure = options.failed?.();
    if (failure !== undefined) throw new Error(failure);
    if (await accepts(host, port)) return;
    if (Date.now() >= deadline) throw new Error(`nothing accepted connections on ${host}:${port} within the deadline`);
    await new Promise((resolve) => setTimeout(resolve, backoffMs));
    backoffMs = Math.min(backoffMs * 2, 100);
  }
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
