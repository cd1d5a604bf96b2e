import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { NormalizedDomain, normalizeDomain } from './normalize-domain';

/** {@link normalizeDomain} with the development patterns of the configuration (`DEVELOPMENT_DOMAIN_PATTERNS`). */
@Injectable()
export class DomainNormalizer {
  private readonly developmentPatterns: readonly string[];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.developmentPatterns = config.domains.developmentPatterns;
  }

  normalize(input: string): NormalizedDomain {
    return normalizeDomain(input, this.developmentPatterns);
  }
}
