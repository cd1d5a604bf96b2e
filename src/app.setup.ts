import { INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { FieldError, validationFailed } from './common/errors/domain-error';
import { ProblemFilter } from './common/errors/problem.filter';
import { ProblemResponseDto } from './common/http/problem-response.dto';

export const STAFF_AUTH = 'bearer';

/**
 * Everything an app needs besides its modules, shared by main.ts, the e2e tests and the OpenAPI writer so
 * that all three serve the same thing. Create the app with `bodyParser: false`: BodyParsingModule parses.
 */
export function configureApp(app: NestExpressApplication): OpenAPIObject {
  app.disable('x-powered-by');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => validationFailed(flattenValidationErrors(errors)),
    }),
  );
  app.useGlobalFilters(new ProblemFilter(app.get(HttpAdapterHost)));
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    swaggerOptions: { persistAuthorization: true },
  });
  return document;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Licensor')
    .setDescription(
      'Licenses and update subscriptions of CS-Cart add-ons, themes and resold licenses. ' +
        'Staff log in with POST /v1/auth/login and use the access token; storefronts use their API key. ' +
        'Both go in "Authorize" as a bearer token. Every error is application/problem+json with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A staff access token from POST /v1/auth/login, or a storefront API key.',
      },
      STAFF_AUTH,
    )
    .build();
  return SwaggerModule.createDocument(app, config, { extraModels: [ProblemResponseDto] });
}

/** class-validator's nested tree → `[{field: 'items[0].sku', message}]`. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : parent
        ? `${parent}.${error.property}`
        : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}
