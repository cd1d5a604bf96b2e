import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/domain-error';
import { unstorableText } from '../text/text-rules';

/** The rule lives with the other text rules; re-exported for the readers of raw forms (the OAuth token endpoint). */
export { unstorableText };

/**
 * Refuses text PostgreSQL cannot store anywhere in a DTO, query or path parameter with 400 VALIDATION_FAILED:
 * a NUL character (U+0000) would fail deep in a query, and a lone surrogate would be stored as U+FFFD, a
 * silently changed value (and makes some validators throw). Inputs read as plain objects (the legacy add-on
 * protocol, which must answer in its own format) are left to their handler.
 */
@Injectable()
export class RejectUnstorableTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom' || metadata.metatype === Object) return value;
    const errors = unstorableFields(
      value,
      metadata.type === 'param' || metadata.type === 'query' ? (metadata.data ?? '') : '',
    );
    if (errors.length > 0) throw validationFailed(errors);
    return value;
  }
}

/** Walks without recursion: the body's depth is limited when it is parsed, but a query object is not. */
function unstorableFields(value: unknown, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const pending: { value: unknown; path: string }[] = [{ value, path }];
  while (pending.length > 0) {
    const next = pending.pop() as { value: unknown; path: string };
    const field = next.path || 'body';
    if (typeof next.value === 'string') {
      const flaw = unstorableText(next.value);
      if (flaw !== undefined) errors.push({ field, message: `${field} ${flaw}` });
    } else if (next.value !== null && typeof next.value === 'object') {
      const entries = Object.entries(next.value as Record<string, unknown>);
      // Onto the stack last first, so that fields are reported in the order they were sent.
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, item] = entries[index];
        const path = Array.isArray(next.value) ? `${next.path}[${key}]` : next.path ? `${next.path}.${key}` : key;
        pending.push({ value: item, path });
      }
    }
  }
  return errors;
}
