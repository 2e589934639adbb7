import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from './error-envelope';

/** Documents the error statuses of a route, every one answered with the error envelope. */
export const ApiErrorResponses = (descriptions: Record<number, string>) =>
  applyDecorators(
    ...Object.entries(descriptions).map(([status, description]) =>
      ApiResponse({ status: Number(status), description, type: ErrorEnvelopeDto }),
    ),
  );

/** How the failure of a downstream service reaches the caller. */
export const downstreamFailures = (service: string): Record<number, string> => ({
  502: `The ${service} failed (5xx) or answered something unreadable`,
  503: `The ${service} is unreachable, or its circuit is open after repeated failures`,
  504: `The ${service} did not answer in time`,
});
