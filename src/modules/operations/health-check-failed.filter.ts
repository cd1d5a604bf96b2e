import { ArgumentsHost, Catch, ExceptionFilter, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';

/**
 * Answers a failed health check with terminus's own result document (`{status: 'error', info, error,
 * details}`) and 503, which load balancers and monitoring tools read, instead of the problem document the
 * global filter would make of it. Applied to the health controller only.
 */
@Catch(ServiceUnavailableException)
export class HealthCheckFailedFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: ServiceUnavailableException, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<unknown>();
    this.adapterHost.httpAdapter.reply(response, exception.getResponse(), exception.getStatus());
  }
}
