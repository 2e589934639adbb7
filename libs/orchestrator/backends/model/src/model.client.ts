import { HttpService } from '@nestjs/axios';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DownstreamError, maskSecrets } from '@libs/core/http';
import { DownstreamClient, type CallContext } from '@libs/core/resilience';
import { Observable, catchError, defer, map, of, tap, throwError } from 'rxjs';
import { MODEL_SERVICE, readModelConfig } from './model.config';
import type {
  ModelReference,
  OipInferenceRequest,
  OipInferenceResponse,
  OipModelMetadata,
  OipTensorMetadata,
} from './model.dto';

/**
 * An Open Inference Protocol (KServe V2) server, as the orchestrator calls it: KServe, Triton,
 * MLServer or the model-service. Model metadata is cached for `MODEL_SERVICE_METADATA_TTL_MS`,
 * and forgotten when the server refuses an inference (a 4xx), since a redeployed model may have
 * changed its inputs. A transient failure keeps it: asking for metadata again would succeed
 * and hide from the circuit breaker that inference keeps failing.
 */
@Injectable()
export class ModelClient {
  readonly downstream: DownstreamClient;
  private readonly metadataTtlMs: number;
  private readonly metadataByModel = new Map<string, { metadata: OipModelMetadata; expiresAt: number }>();

  constructor(http: HttpService, config: ConfigService) {
    const { downstream, metadataTtlMs } = readModelConfig(config);
    this.downstream = new DownstreamClient(http.axiosRef, downstream);
    this.metadataTtlMs = metadataTtlMs;
  }

  /** `GET /v2/models/{name}[/versions/{v}]`, cached. */
  metadata(model: ModelReference, context: CallContext): Observable<OipModelMetadata> {
    return defer(() => {
      const key = pathOf(model);
      const cached = this.metadataByModel.get(key);
      if (cached && cached.expiresAt > Date.now()) return of(cached.metadata);
      return this.downstream
        .request<unknown>({ method: 'GET', url: key }, context, { idempotent: true })
        .pipe(
          map((answer) => checkedMetadata(answer)),
          tap((metadata) =>
            this.metadataByModel.set(key, { metadata, expiresAt: Date.now() + this.metadataTtlMs }),
          ),
          catchError((error: unknown) => throwError(() => asServiceFailure(error))),
        );
    });
  }

  /** `POST /v2/models/{name}[/versions/{v}]/infer`. Retried on transient failures: inference is a pure function. */
  infer(
    model: ModelReference,
    body: OipInferenceRequest,
    context: CallContext,
  ): Observable<OipInferenceResponse> {
    const path = pathOf(model);
    return this.downstream
      .request<unknown>({ method: 'POST', url: `${path}/infer`, data: body }, context, { idempotent: true })
      .pipe(
        map((answer) => checkedInferenceResponse(answer)),
        catchError((error: unknown) => {
          if (error instanceof DownstreamError && error.kind === 'rejected')
            this.metadataByModel.delete(path);
          return throwError(() => asServiceFailure(error));
        }),
      );
  }
}

const pathOf = ({ name, version }: ModelReference) =>
  `/v2/models/${encodeURIComponent(name)}${version === undefined ? '' : `/versions/${encodeURIComponent(version)}`}`;

/**
 * The adapter checks every value against the model's metadata before it calls, so a 4xx from
 * the server is not the caller's mistake: the server and the configuration disagree.
 */
function asServiceFailure(error: unknown): unknown {
  if (!(error instanceof DownstreamError) || error.kind !== 'rejected') return error;
  return new DownstreamError(MODEL_SERVICE, 'bad-gateway', error.message, {
    cause: error,
    detail: error.detail,
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isShape = (value: unknown): value is number[] =>
  Array.isArray(value) && value.every((dimension) => Number.isInteger(dimension) && dimension >= -1);

const isTensorMetadata = (value: unknown): value is OipTensorMetadata =>
  isRecord(value) &&
  typeof value['name'] === 'string' &&
  typeof value['datatype'] === 'string' &&
  isShape(value['shape']);

function unexpected(answer: unknown, expected: string): DownstreamError {
  return new DownstreamError(MODEL_SERVICE, 'bad-gateway', `${MODEL_SERVICE} did not answer ${expected}`, {
    detail: maskSecrets(String(JSON.stringify(answer)).slice(0, 200)),
  });
}

function checkedMetadata(answer: unknown): OipModelMetadata {
  const tensorsIn = (field: string) =>
    isRecord(answer) && Array.isArray(answer[field]) && (answer[field] as unknown[]).every(isTensorMetadata);
  if (
    !isRecord(answer) ||
    typeof answer['name'] !== 'string' ||
    !tensorsIn('inputs') ||
    !tensorsIn('outputs')
  ) {
    throw unexpected(answer, 'model metadata (name, inputs, outputs)');
  }
  return answer as unknown as OipModelMetadata;
}

function checkedInferenceResponse(answer: unknown): OipInferenceResponse {
  const outputs = isRecord(answer) ? answer['outputs'] : undefined;
  const wellFormed =
    Array.isArray(outputs) &&
    outputs.every(
      (output) =>
        isRecord(output) &&
        typeof output['name'] === 'string' &&
        isShape(output['shape']) &&
        Array.isArray(output['data']) &&
        (output['data'] as unknown[]).flat(Infinity).length ===
          (output['shape'] as number[]).reduce((product, dimension) => product * dimension, 1),
    );
  if (!wellFormed)
    throw unexpected(answer, 'an inference response (outputs with name, shape and matching data)');
  return answer as unknown as OipInferenceResponse;
}
