// Loopback TCP servers that misbehave, to prove the probe ends with a finding instead of hanging.
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import { LAB_HOST } from './ports';

/** How a rogue server treats each connection. */
export type RogueBehaviour = 'silent' | 'garbage' | 'reset';

/** A running rogue server. */
export interface RogueServer {
  port: number;
  /** Resolves when the first connection arrives. */
  readonly firstConnection: Promise<void>;
  /** Connections accepted so far. */
  readonly connections: number;
  stop(): Promise<void>;
}

const GARBAGE_BYTES = 4096;

/**
 * Starts a TCP server on 127.0.0.1 that accepts and then says nothing (`silent`), sends random
 * bytes that are not TLS (`garbage`), or resets the connection (`reset`).
 */
export async function startRogueServer(behaviour: RogueBehaviour): Promise<RogueServer> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let connected!: () => void;
  const firstConnection = new Promise<void>((resolve) => (connected = resolve));
  const server = net.createServer((socket) => {
    sockets.add(socket);
    connections++;
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    connected();
    if (behaviour === 'garbage') socket.write(Buffer.concat([Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), randomBytes(GARBAGE_BYTES)]));
    if (behaviour === 'reset') socket.resetAndDestroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LAB_HOST, resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    firstConnection,
    get connections() {
      return connections;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
