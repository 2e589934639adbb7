export { bootstrapService, configureService, type ServiceDescription } from './bootstrap';
export { DownstreamError, type DownstreamFailureKind } from './downstream.error';
export { ErrorEnvelopeDto, FieldErrorDto, type ErrorEnvelope } from './error-envelope';
export { ErrorEnvelopeFilter } from './error-envelope.filter';
export { loggingModule } from './logging.module';
export { KONG_CORRELATION_HEADER, REQUEST_ID_HEADER, requestIdOf, resolveRequestId } from './request-id';
export { createValidationPipe, invalidRequest, toFieldErrors } from './validation';
export { ApiErrorResponses, downstreamFailures } from './api-error-responses';
export { hasMediaType } from './media-type';
export {
  MultipartForm,
  multipartBodyLimit,
  type FileHead,
  type FormPart,
  type MultipartLimits,
} from './multipart-form';
export { type BodyLimits } from './request-entry';
export { ACCESS_LOG } from './logging.module';
export { maskSecrets } from './secret-mask';
export { shutdownSignalled } from './shutdown-signal';
export { bearerIsOneOf } from './bearer-token';
export { noteRouteTemplate, routeTemplateOf } from './route-template';
export { markedProviders, type MarkedRole } from './marked-providers';
