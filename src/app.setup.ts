import { STATUS_CODES } from 'node:http';
import { INestApplication, ValidationError, ValidationPipe } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { FieldError, validationFailed } from './common/errors/domain-error';
import { ProblemFilter } from './common/errors/problem.filter';
import { ProblemResponseDto } from './common/http/problem-response.dto';
import { securityHeaders } from './common/http/security-headers';
import { RejectUnstorableTextPipe } from './common/http/unstorable-text.pipe';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { STAFF_AUTH, STAFF_LOGIN_AUTH } from './modules/auth/access.decorators';

/**
 * The groups of operations in Swagger UI, in this order: the staff's daily work first, then what storefronts
 * and add-ons call, then administration. Every tag of an operation must be here (the OpenAPI lint checks).
 */
const API_TAGS: [name: string, description: string][] = [
  ['Auth', 'Staff log in (Swagger UI: "Authorize", staffLogin); anyone sees whom their credentials belong to.'],
  [
    'Orders and licenses',
    'Paid orders become licenses. Staff work the delivery queue, deliver keys, suspend, reinstate and revoke, ' +
      'and read the history; storefronts read the licenses of their orders.',
  ],
  ['Update subscriptions', 'Quotes and renewals of the update subscription; extra storefronts on a license.'],
  ['Domains', 'Storefront domains bound to a license, changes counted against the cap, extra changes granted.'],
  ['Downloads', 'Which releases a license may download, and short-lived download tokens.'],
  ['Verification', 'License checks by add-ons (public, rate-limited), signed answers and their public keys.'],
  ['Legacy add-on protocol', 'The license check that add-ons already in the field speak (index.php).'],
  [
    'Add-on manager and Upgrade Center',
    "The current add-ons' channels: their manager (license_api.php) and CS-Cart's Upgrade Center (addon_updates.php).",
  ],
  ['Catalog', 'Vendors, products and their releases; admins write.'],
  [
    'Import and export',
    'Licenses sold by the earlier system in (admins), every license and every history event out as files (staff).',
  ],
  ['Webhooks', 'Subscriptions to license events (admins) and their deliveries (staff).'],
  ['Staff users and API clients', 'Admins create staff users and the API keys of storefronts.'],
  [
    'Business calendar',
    'The workdays that delivery SLAs count: public holidays, and the days admins set (transfers by decree).',
  ],
  ['Operations', 'Health and Prometheus metrics, for the platform.'],
];

/**
 * Everything an app needs besides its modules, shared by main.ts, the e2e tests and the OpenAPI writer so
 * that all three serve the same thing. Create the app with `bodyParser: false`: BodyParsingModule parses.
 */
export function configureApp(app: NestExpressApplication): OpenAPIObject {
  app.disable('x-powered-by');
  const config = app.get<AppConfig>(APP_CONFIG);
  // Before every route and Nest's middleware, so that errors, 404s, Swagger UI and the legacy protocol get them.
  app.use(securityHeaders({ hstsMaxAgeSeconds: config.http.hstsMaxAgeSeconds }));
  // Behind the configured proxies, @Ip() (rate limits, installation reports) is the client's address.
  app.set('trust proxy', config.http.trustProxy);
  app.useGlobalPipes(
    new RejectUnstorableTextPipe(),
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
  const builder = new DocumentBuilder()
    .setTitle('Licensor')
    .setDescription(
      'Licenses and update subscriptions of CS-Cart add-ons, themes and resold licenses. ' +
        'Staff log in under "Authorize" with their e-mail and password (staffLogin); storefronts paste their ' +
        'API key there as a bearer token. Every error is application/problem+json with a stable `code`, except ' +
        'the OAuth errors of the token endpoint; any operation may also answer 500 INTERNAL_ERROR.',
    )
    .setVersion('1')
    .addServer('/', 'This service, wherever it runs');
  for (const [name, description] of API_TAGS) builder.addTag(name, description);
  const config = builder
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        description: 'A storefront API key, or a staff access token from POST /v1/auth/login.',
      },
      STAFF_AUTH,
    )
    .addOAuth2(
      {
        type: 'oauth2',
        description: 'Staff: your e-mail as username and your password; client_id and client_secret stay empty.',
        flows: { password: { tokenUrl: '/v1/auth/token', scopes: {} } },
      },
      STAFF_LOGIN_AUTH,
    )
    .build();
  return describeBareAnswers(SwaggerModule.createDocument(app, config, { extraModels: [ProblemResponseDto] }));
}

/** Gives an answer declared without a description (`@ApiOkResponse({type})`) its HTTP reason phrase. */
function describeBareAnswers(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, { responses?: Record<string, ResponseObject> }>)) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (response.description === '') response.description = STATUS_CODES[Number(status)] ?? '';
      }
    }
  }
  return document;
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
