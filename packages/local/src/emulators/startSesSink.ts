import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import startSesServer from 'aws-ses-v2-local';
import { EmulatorStartError } from './errors';

export interface StartSesSinkOptions {
  /** Fixed port; the OS picks a free one when omitted. */
  port?: number;
}

/** One mail as aws-ses-v2-local stores it (`GET /store` → `emails[]`). */
export interface StoredMail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface SesSink {
  endpoint: string;
  /** Mail received so far, oldest first. */
  listMail(): Promise<StoredMail[]>;
  /** Empties the store (mail and templates). */
  clearMail(): Promise<void>;
  stop(): Promise<void>;
}

const NAME = 'SES sink';

/**
 * Starts aws-ses-v2-local in this process, bound to 127.0.0.1.
 *
 * Its store is module state of the library: every sink started in the same process shares
 * one mailbox, so tests that run several sinks must tell their mail apart by recipient.
 */
export async function startSesSink(opts: StartSesSinkOptions = {}): Promise<SesSink> {
  const server: Server = await startSesServer({ host: '127.0.0.1', port: opts.port ?? 0 });
  const address = server.address() as AddressInfo | null;
  if (!server.listening || address === null) {
    server.close();
    throw new EmulatorStartError(NAME, `could not listen on 127.0.0.1:${opts.port ?? 0}`);
  }
  const endpoint = `http://127.0.0.1:${address.port}`;

  return {
    endpoint,
    async listMail() {
      const response = await fetch(`${endpoint}/store`);
      if (!response.ok) throw new Error(`${NAME}: GET /store answered ${response.status}`);
      const store = (await response.json()) as { emails?: StoredMail[] };
      return store.emails ?? [];
    },
    async clearMail() {
      const response = await fetch(`${endpoint}/clear-store`, { method: 'POST' });
      if (!response.ok) throw new Error(`${NAME}: POST /clear-store answered ${response.status}`);
    },
    stop() {
      return new Promise<void>((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; without this close() waits for them to time out.
        server.closeAllConnections();
      });
    },
  };
}
