import { Writable } from 'node:stream';

/** Everything the app logs, as pino wrote it (one JSON document per line). */
export class LogCapture extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }

  entries(): LogEntry[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as LogEntry);
  }

  /** pino-http writes a request's line when the answer has finished, which may be after the client has it. */
  async waitFor(predicate: (entry: LogEntry) => boolean, timeoutMs = 2000): Promise<LogEntry> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.entries().find(predicate);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No log line matched within ${timeoutMs} ms:\n${this.text}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

export interface LogEntry {
  level: number;
  msg: string;
  context?: string;
  requestId?: string;
  req?: { id: string; method: string };
  route?: string;
  res?: { statusCode: number };
  err?: { message: string };
  cause?: { code?: string; message?: string };
}
