import { Injectable } from '@nestjs/common';
import {
  SourceAdapterFor,
  objectWithFields,
  withinSourceCall,
  type ConfigurationSections,
  type ResultShape,
  type SourceAdapter,
  type SourceCall,
  type SourceDeclarationView,
  type SourceProblem,
} from '@libs/core/sources';
import { Observable, firstValueFrom, fromEvent, map, switchMap, takeUntil, tap } from 'rxjs';
import { ModelClient } from './model.client';
import { MODEL_SERVICE } from './model.config';
import type { ModelReference } from './model.dto';
import { inferenceInputs, outputValues } from './model.tensors';

export const MODEL_SOURCE_TYPE = 'model';
const MODEL_OPERATION = /^([A-Za-z0-9_.-]+)(?:@([A-Za-z0-9_.-]+))?$/;

/** `credit_risk` or `credit_risk@2`, as a source's operation names a model. */
export function modelReferenceOf(operation: string | undefined): ModelReference | undefined {
  const match = MODEL_OPERATION.exec(operation ?? '');
  if (!match) return undefined;
  const [, name, version] = match;
  return version === undefined ? { name } : { name, version };
}

/**
 * Sources of type `model`: the operation names a model of the Open Inference Protocol server
 * (`credit_risk`, or `credit_risk@1` for one version) and there is one param per model input.
 * The inputs are checked and converted against the model's metadata before the call; the
 * answer is `{ <output name>: value }`, and the trace gets the model and its version.
 */
@Injectable()
@SourceAdapterFor(MODEL_SOURCE_TYPE)
export class ModelSourceAdapter implements SourceAdapter {
  readonly type = MODEL_SOURCE_TYPE;

  constructor(private readonly client: ModelClient) {}

  /** The model's inputs are only known at call time, from its metadata; here, the form. */
  validate(source: SourceDeclarationView): SourceProblem[] {
    const problems: SourceProblem[] = [];
    if (!modelReferenceOf(source.operation)) {
      problems.push({
        path: ['operation'],
        message: `model sources name their model as operation (credit_risk or credit_risk@1), not ${source.operation ?? 'none'}`,
      });
    }
    if (Object.keys(source.params).length === 0) {
      problems.push({ path: ['params'], message: 'model sources need one param per model input' });
    }
    return problems;
  }

  /** The answer has one field per output of the model, as its metadata lists them. */
  async describeResult(
    source: SourceDeclarationView,
    _sections: ConfigurationSections,
    signal: AbortSignal,
  ): Promise<ResultShape | undefined> {
    const model = modelReferenceOf(source.operation);
    if (!model) return undefined;
    const metadata = await firstValueFrom(
      this.client.metadata(model, {}).pipe(takeUntil(fromEvent(signal, 'abort'))),
    );
    return objectWithFields(metadata.outputs.map(({ name }) => name));
  }

  /** Inference is a pure function of its inputs. */
  idempotent(): boolean {
    return true;
  }

  execute(call: SourceCall): Observable<Record<string, unknown>> {
    const model = modelReferenceOf(call.operation) as ModelReference;
    const { context } = call;
    // The trace's attempts count inference requests; metadata is the client's (cached) business.
    return this.client.metadata(model, { requestId: context.requestId }).pipe(
      switchMap((metadata) =>
        this.client.infer(
          model,
          { id: call.context.requestId, inputs: inferenceInputs(call.source, model, metadata, call.params) },
          context,
        ),
      ),
      tap((response) =>
        call.context.annotate?.({ model: model.name, modelVersion: response.model_version ?? model.version }),
      ),
      map(outputValues),
      withinSourceCall(call, MODEL_SERVICE),
    );
  }
}
