import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiParam } from '@nestjs/swagger';
import { validationFailed } from '../errors/domain-error';

/**
 * A path parameter that must be a UUID; anything else is 400 VALIDATION_FAILED naming the parameter. The
 * OpenAPI document says `format: uuid`, so Swagger UI and generated clients know it too.
 */
export function UuidParam(name: string): ParameterDecorator {
  const param = Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => validationFailed([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
  return (target, key, index) => {
    param(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    if (descriptor !== undefined) ApiParam({ name, type: String, format: 'uuid' })(target, key, descriptor);
  };
}
