import { ArgumentMetadata, Injectable, PipeTransform } from '@nestjs/common';
import { FieldError, validationFailed } from '../errors/domain-error';

/**
 * Refuses a NUL character (U+0000) anywhere in a DTO, query or path parameter with 400 VALIDATION_FAILED:
 * PostgreSQL cannot store it, so it would otherwise fail deep in a query. Inputs read as plain objects (the legacy
 * add-on protocol, which must answer in its own format) are left to their handler.
 */
@Injectable()
export class RejectNulPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom' || metadata.metatype === Object) return value;
    const errors = nulFields(
      value,
      metadata.type === 'param' || metadata.type === 'query' ? (metadata.data ?? '') : '',
    );
    if (errors.length > 0) throw validationFailed(errors);
    return value;
  }
}

function nulFields(value: unknown, path: string): FieldError[] {
  if (typeof value === 'string') {
    return value.includes('\u0000')
      ? [{ field: path || 'body', message: `${path || 'body'} must not contain NUL` }]
      : [];
  }
  if (Array.isArray(value)) return value.flatMap((item, index) => nulFields(item, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => nulFields(item, path ? `${path}.${key}` : key));
  }
  return [];
}
