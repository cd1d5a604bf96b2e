import { ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  buildMessage,
  IsArray,
  IsIn,
  IsString,
  IsUrl,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { ALL_WEBHOOK_EVENTS, WEBHOOK_EVENT_TYPES } from '../webhook-event-types';
import { WEBHOOK_URL_MAX_LENGTH, webhookUrlHost } from '../webhook-url.rules';

const EVENT_CHOICES = [...WEBHOOK_EVENT_TYPES, ALL_WEBHOOK_EVENTS];

/** `*` means every event type: it is the only element or absent. */
function WildcardAlone(): PropertyDecorator {
  return ValidateBy({
    name: 'wildcardAlone',
    validator: {
      validate: (value: unknown) => !Array.isArray(value) || !value.includes(ALL_WEBHOOK_EVENTS) || value.length === 1,
      defaultMessage: buildMessage(() => 'events must be exactly ["*"] when it contains "*"'),
    },
  });
}

/** An absolute http(s) URL without credentials, as the dispatcher will parse it. */
function IsWebhookUrl(): PropertyDecorator {
  return ValidateBy({
    name: 'isWebhookUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && !('problem' in webhookUrlHost(value)),
      defaultMessage: buildMessage(() => 'url must be an absolute http or https URL without credentials'),
    },
  });
}

export class CreateWebhookDto {
  @ApiProperty({
    format: 'uri',
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    example: 'https://shop.example.com/hooks/licensor',
    description:
      'Where events are POSTed: http or https. In production, a URL whose host is or resolves to a loopback, ' +
      'private, link-local or unique-local address is refused (422 WEBHOOK_URL_NOT_ALLOWED).',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, allow_underscores: true },
    { message: 'url must be an absolute http or https URL' },
  )
  @IsWebhookUrl()
  url: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: EVENT_CHOICES },
    minItems: 1,
    uniqueItems: true,
    example: ['license.issued', 'license.delivered', 'license.revoked'],
    description: 'The event types to receive, without repeats, or exactly `["*"]` for every type.',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(EVENT_CHOICES, { each: true, message: `each value in events must be one of: ${EVENT_CHOICES.join(', ')}` })
  @WildcardAlone()
  events: string[];
}
