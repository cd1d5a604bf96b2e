import { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { MetricsService } from './metrics.service';
import { matchedRoutePath, routeLabel } from './route-label';

/**
 * Counts and times every HTTP request once its answer has been sent: those refused by a guard (401), the
 * not-found handler (404) or the body parser (400, 413) included.
 *
 * It listens on the HTTP server itself rather than being a Nest middleware: the body parsers are mounted
 * in app.setup.ts before any Nest middleware, so a body they refuse never reaches one.
 */
@Injectable()
export class HttpMetricsRecorder implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    // Absent in an application context without HTTP (e.g. a script that only needs the providers).
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server === undefined) return;
    this.server = server;
    // Before the framework's own listener, so the time includes reading the body.
    server.prependListener('request', this.onRequest);
  }

  onApplicationShutdown(): void {
    this.server?.removeListener('request', this.onRequest);
  }

  private readonly onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      this.metrics.observeHttpRequest({
        method: request.method ?? 'UNKNOWN',
        route: routeLabel(matchedRoutePath(request)),
        status: response.statusCode,
        durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
      });
    });
  };
}
