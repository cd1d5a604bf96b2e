import { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** The manager's envelope of a large get_statistics (1 000 add-ons) stays far below this. */
export const MAX_MANAGER_FIELD_BYTES = 1024 * 1024;

export type FieldReading = { ok: true; value: string } | { ok: false; reason: string };

/**
 * Reads one text field of a `multipart/form-data` body, streamed through busboy (a field larger than
 * `maxBytes` or any file part is refused, and the rest of the body is drained, not kept). Never throws.
 */
export function readMultipartField(
  request: IncomingMessage,
  name: string,
  maxBytes = MAX_MANAGER_FIELD_BYTES,
): Promise<FieldReading> {
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (mediaType !== 'multipart/form-data') {
    request.resume();
    return Promise.resolve({ ok: false, reason: 'the body is not multipart/form-data' });
  }
  return new Promise((resolve) => {
    let value: string | undefined;
    let failure: string | undefined;
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: request.headers, limits: { fieldSize: maxBytes, fields: 50, files: 0, parts: 50 } });
    } catch (error) {
      request.resume();
      resolve({ ok: false, reason: `the multipart body cannot be read: ${(error as Error).message}` });
      return;
    }
    const fail = (reason: string) => (failure ??= reason);
    parser.on('field', (field, text, info) => {
      if (info.valueTruncated) fail(`the field ${field} is larger than ${maxBytes} bytes`);
      else if (field === name) value = text;
    });
    parser.on('file', (field, stream) => {
      stream.resume();
      fail(`the body carries a file (${field}); only form fields are read`);
    });
    parser.on('filesLimit', () => fail('the body carries a file; only form fields are read'));
    parser.on('fieldsLimit', () => fail('the body has too many fields'));
    parser.on('partsLimit', () => fail('the body has too many parts'));
    parser.on('error', (error: Error) => {
      request.unpipe(parser);
      request.resume();
      resolve({ ok: false, reason: `the multipart body cannot be read: ${error.message}` });
    });
    parser.on('close', () => {
      if (failure !== undefined) resolve({ ok: false, reason: failure });
      else if (value === undefined) resolve({ ok: false, reason: `the body has no ${name} field` });
      else resolve({ ok: true, value });
    });
    request.pipe(parser);
  });
}
