// Support for this library's specs: an Open Inference Protocol server played by a local HTTP
// server answering recorded protocol bodies, and the model module wired to a server.
import { Test, type TestingModule } from '@nestjs/testing';
import { configurationModule } from '@libs/core/config';
import { LocalHttpServer } from '@libs/core/testing';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { modelEnvironment } from './model.config';
import { ModelModule } from './model.module';

export interface Answer {
  status: number;
  body?: unknown;
  delayMs?: number;
}

export interface ReceivedRequest {
  method?: string;
  url?: string;
  headers: IncomingHttpHeaders;
  /** The JSON body, parsed; undefined for none. */
  body?: unknown;
}

/**
 * A model server answering each `METHOD /path` from `routes` (called with how many times that
 * route was hit, from 1), and anything else with the protocol's 404.
 */
export class ModelServerStandIn extends LocalHttpServer {
  readonly requests: ReceivedRequest[] = [];
  routes: Record<string, (hit: number) => Answer> = {};

  constructor() {
    super((req, res) => this.receive(req, res));
  }

  hitsOf(route: string): number {
    return this.requests.filter((request) => `${request.method} ${request.url}` === route).length;
  }

  private receive(req: IncomingMessage, res: ServerResponse): void {
    let text = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      const route = `${req.method} ${req.url}`;
      this.requests.push({
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
      });
      const answer = this.routes[route]?.(this.hitsOf(route)) ?? {
        status: 404,
        body: { error: `no route ${route}` },
      };
      const timer = setTimeout(
        () =>
          res
            .writeHead(answer.status, { 'content-type': 'application/json' })
            .end(JSON.stringify(answer.body ?? {})),
        answer.delayMs ?? 0,
      );
      res.on('close', () => clearTimeout(timer));
    });
  }
}

/** The model module against the model server at `url`, with the given `MODEL_SERVICE_*` settings on top. */
export async function modelModuleFor(
  url: string,
  environment: Record<string, string> = {},
): Promise<TestingModule> {
  Object.assign(process.env, {
    MODEL_SERVICE_URL: url,
    MODEL_SERVICE_BREAKER_THRESHOLD: '100',
    MODEL_SERVICE_RETRY_BASE_DELAY_MS: '1',
    MODEL_SERVICE_RETRY_MAX_DELAY_MS: '5',
    ...environment,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [configurationModule(modelEnvironment), ModelModule],
  }).compile();
  moduleRef.useLogger(false);
  return moduleRef;
}

/** Triton's metadata of an ONNX model: a batch dimension, versions and the ONNX platform. */
export const TRITON_METADATA = {
  name: 'credit_risk',
  versions: ['1'],
  platform: 'onnxruntime_onnx',
  inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 5] }],
  outputs: [{ name: 'probability_of_default', datatype: 'FP32', shape: [-1, 1] }],
};

/** Triton's answer to one row: flat data, the version as a string, the request id echoed. */
export const tritonInferenceResponse = (id: string) => ({
  model_name: 'credit_risk',
  model_version: '1',
  id,
  outputs: [{ name: 'probability_of_default', datatype: 'FP32', shape: [1, 1], data: [0.13700000941753387] }],
});
