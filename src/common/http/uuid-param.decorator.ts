import { Param, ParseUUIDPipe } from '@nestjs/common';
import { validationFailed } from '../errors/domain-error';

/** A path parameter that must be a UUID; anything else is 400 VALIDATION_FAILED naming the parameter. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () => validationFailed([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
}
