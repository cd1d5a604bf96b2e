import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { lookup as dnsLookupAsync } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { forbiddenAddressReason, HostResolver, webhookUrlProblem } from './webhook-url.rules';

const resolveWithDns: HostResolver = async (host) =>
  (await dnsLookupAsync(host, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Which URLs webhooks may call. In production, none whose host is or resolves to a loopback, private,
 * link-local, unique-local or otherwise internal address (no requests into the internal network); in
 * development and test any http(s) URL, so that a receiver on 127.0.0.1 works. Checked at registration,
 * before every send (DNS can change), and once more on the address the connection actually uses.
 */
@Injectable()
export class WebhookUrlPolicy {
  readonly restrictAddresses: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.restrictAddresses = config.environment === 'production';
  }

  /** Why the URL may not be called now, or undefined. */
  problem(url: string): Promise<string | undefined> {
    return webhookUrlProblem(url, { restrictAddresses: this.restrictAddresses, resolve: resolveWithDns });
  }

  async assertAllowed(url: string): Promise<void> {
    const problem = await this.problem(url);
    if (problem !== undefined) throw new DomainError('WEBHOOK_URL_NOT_ALLOWED', problem, { url });
  }

  /**
   * The DNS look-up the HTTP client uses to connect: in production it refuses internal addresses itself, so a
   * name that changes its answer between the check and the connection (DNS rebinding) still cannot reach one.
   */
  connectLookup(): LookupFunction | undefined {
    return this.restrictAddresses ? guardedLookup : undefined;
  }
}

const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error !== null) {
      callback(error, '', 0);
      return;
    }
    const refused = addresses.find((entry) => forbiddenAddressReason(entry.address) !== undefined);
    if (refused !== undefined || addresses.length === 0) {
      const reason = refused === undefined ? 'no address' : forbiddenAddressReason(refused.address);
      const refusal: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${refused?.address ?? 'nothing'}, ${reason}: webhooks may not call it.`,
      );
      refusal.code = 'EWEBHOOKADDRESS';
      callback(refusal, '', 0);
      return;
    }
    if (options.all === true) callback(null, addresses);
    else callback(null, addresses[0].address, addresses[0].family);
  });
};
