// The modules' codes (UNKNOWN_PRODUCT, UPDATES_EXPIRED) as the app registers them.
import '../../error-statuses';
import { Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ApiProblems } from './api-problems.decorator';

@ApiProblems('UNAUTHENTICATED', 'FORBIDDEN')
@Controller('things')
class ThingsController {
  @Post()
  @ApiProblems('VALIDATION_FAILED', 'UNKNOWN_PRODUCT')
  @ApiProblems('IDEMPOTENCY_KEY_REUSED', 'MALFORMED_JSON')
  create(): void {}

  @Get('download')
  @ApiProblems('UPDATES_EXPIRED', 'NOT_FOUND')
  download(): void {}

  @Post('renew')
  @ApiProblems('FORBIDDEN')
  renew(): void {}

  @Get()
  list(): void {}
}

type Responses = Record<string, { description: string; content: Record<string, { schema: object; examples: object }> }>;

describe('ApiProblems', () => {
  let paths: Record<string, Record<string, { responses: Responses }>>;

  beforeAll(async () => {
    @Module({ controllers: [ThingsController] })
    class ThingsModule {}
    const app = await NestFactory.create(ThingsModule, new FastifyAdapter(), { preview: true, logger: false });
    paths = SwaggerModule.createDocument(app, new DocumentBuilder().build()).paths as typeof paths;
    await app.close();
  });

  const codes = (responses: Responses, status: string) =>
    (
      responses[status].content['application/problem+json'].schema as {
        allOf: { properties?: { code: { enum: string[] } } }[];
      }
    ).allOf[1].properties?.code.enum;

  it('adds up the codes of one status from several declarations, in the order of the status table', () => {
    const { responses } = paths['/things'].post;
    expect(responses['400'].description).toBe('Problem with code VALIDATION_FAILED or MALFORMED_JSON.');
    expect(codes(responses, '400')).toEqual(['VALIDATION_FAILED', 'MALFORMED_JSON']);
    expect(codes(responses, '422')).toEqual(['IDEMPOTENCY_KEY_REUSED', 'UNKNOWN_PRODUCT']);
    expect(Object.keys(responses['422'].content['application/problem+json'].examples)).toEqual([
      'IDEMPOTENCY_KEY_REUSED',
      'UNKNOWN_PRODUCT',
    ]);
    expect(responses['422'].content['application/problem+json'].examples).toMatchObject({
      UNKNOWN_PRODUCT: { value: { status: 422, code: 'UNKNOWN_PRODUCT', title: 'Unknown product' } },
    });
  });

  it("keeps the controller's codes where a method declares the same status, once each", () => {
    const { responses } = paths['/things/download'].get;
    expect(codes(responses, '403')).toEqual(['FORBIDDEN', 'UPDATES_EXPIRED']);
    expect(responses['403'].description).toBe('Problem with code FORBIDDEN or UPDATES_EXPIRED.');
    expect(codes(responses, '401')).toEqual(['UNAUTHENTICATED']);
    expect(codes(responses, '404')).toEqual(['NOT_FOUND']);
    expect(codes(paths['/things/renew'].post.responses, '403')).toEqual(['FORBIDDEN']);
    expect(paths['/things/renew'].post.responses['403'].description).toBe('Problem with code FORBIDDEN.');
  });

  it("gives a method without problems of its own the controller's", () => {
    const { responses } = paths['/things'].get;
    expect(Object.keys(responses).sort()).toEqual(['200', '401', '403', '503']);
  });

  it('declares 503 SERVICE_UNAVAILABLE wherever 401 UNAUTHENTICATED is: authenticating reads the database', () => {
    for (const [path, method] of [
      ['/things', 'get'],
      ['/things', 'post'],
      ['/things/download', 'get'],
    ] as const) {
      const { responses } = paths[path][method];
      expect(codes(responses, '503')).toEqual(['SERVICE_UNAVAILABLE']);
      expect(responses['503'].content['application/problem+json'].examples).toMatchObject({
        SERVICE_UNAVAILABLE: { value: { status: 503, code: 'SERVICE_UNAVAILABLE' } },
      });
    }
  });
});
