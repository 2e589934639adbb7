import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UPLOAD_MAX_BYTES } from '@libs/core/config';
import { AUDIO_SIGNATURE_BYTES } from '@libs/core/contracts';
import { MultipartForm, invalidRequest, type FileHead } from '@libs/core/http';
import type { Request, Response } from 'express';
import { SourceAdapterRegistry } from '../config/source-adapter.registry';
import type { EndpointDefinition, RequestParameter } from '../model';
import { referencesIn } from '../references';
import { fieldErrorsOf, type RouteMatch } from './live-configuration';

/** A request's declared parameters, checked, and the rest of its form while it still arrives. */
export interface BoundRequest {
  params: Record<string, unknown>;
  /**
   * Settles once a multipart form is read to its end (after its first file, which streams on
   * to the sources); rejects with the client's error (a truncated upload, a file over the limit).
   */
  formRest?: Promise<void>;
}

/**
 * Turns an Express request into the validated params of the endpoint it matched: each declared
 * parameter read from its path, query, header or body (JSON, or a multipart form whose file
 * streams), coerced and checked by the endpoint's request schema. Anything wrong is one 400
 * listing every invalid field.
 */
@Injectable()
export class RequestBinding {
  private readonly uploadMaxBytes: number;

  constructor(
    config: ConfigService,
    private readonly registry: SourceAdapterRegistry,
  ) {
    this.uploadMaxBytes = config.getOrThrow<number>(UPLOAD_MAX_BYTES);
  }

  async bind(
    req: Request,
    res: Response,
    { endpoint: { definition: endpoint, validateRequest: validate }, pathParams }: RouteMatch,
  ): Promise<BoundRequest> {
    const input: Record<string, unknown> = {};
    const files = endpoint.request.filter((parameter) => parameter.type === 'file');
    const { fields: form, rest: formRest } =
      files.length > 0
        ? await this.readFormUntilFile(req, res, endpoint)
        : { fields: undefined, rest: undefined };
    const repeated: RequestParameter[] = [];
    for (const parameter of endpoint.request) {
      const value =
        parameter.in === 'path'
          ? pathParams[parameter.name]
          : parameter.in === 'query'
            ? queryValue(req.query[parameter.name], parameter, repeated)
            : parameter.in === 'header'
              ? req.headers[parameter.name.toLowerCase()]
              : (form ?? (req.body as Record<string, unknown> | undefined))?.[parameter.name];
      if (value !== undefined) input[parameter.name] = value;
    }
    const missingFiles = files.filter((file) => file.required && input[file.name] === undefined);
    const valid = validate(input);
    if (!valid || missingFiles.length > 0 || repeated.length > 0) {
      throw invalidRequest([
        ...repeated.map(({ name, type }) => ({
          field: name,
          errors: [
            `${name} is given more than once; expected one ${type} (a parameter declared type: array takes several)`,
          ],
        })),
        ...fieldErrorsOf(validate.errors ?? []).filter(
          ({ field }) => !repeated.some(({ name }) => name === field),
        ),
        ...missingFiles.map(({ name }) => ({ field: name, errors: [`${name} is required: a file part`] })),
      ]);
    }
    return { params: input, formRest };
  }

  /**
   * The fields of a multipart form up to its first file, with that file as a live stream
   * (`{ stream, filename, mimeType }`), so that the upload is passed on while it arrives; the
   * rest of the form is read meanwhile and its fields are not waited for. The file is checked
   * by the adapters of the sources it goes to (`SourceAdapter.checkFile`) before it is taken.
   */
  private async readFormUntilFile(
    req: Request,
    res: Response,
    endpoint: EndpointDefinition,
  ): Promise<{ fields: Record<string, unknown>; rest?: Promise<void> }> {
    const fileFields = endpoint.request.filter(({ type }) => type === 'file').map(({ name }) => name);
    const form = MultipartForm.open(req, res, {
      fileMaxBytes: this.uploadMaxBytes,
      fileFields,
      headBytes: AUDIO_SIGNATURE_BYTES,
      checkFile: (file) => this.fileProblem(endpoint, file),
    });
    // Whatever happens to the request, reading stops with its answer.
    res.once('close', () => form.abandon());
    const fields: Record<string, unknown> = Object.create(null);
    for (let part = await form.next(); part; part = await form.next()) {
      if (part.kind === 'field') {
        fields[part.name] = part.value;
        continue;
      }
      fields[part.name] = { stream: part.stream, filename: part.filename, mimeType: part.mimeType };
      // The rest streams on while the sources run; a fault in it fails the request.
      const rest = (async () => {
        while (await form.next());
      })();
      rest.catch(() => undefined);
      return { fields: { ...fields }, rest };
    }
    return { fields: { ...fields } };
  }

  /** Why the adapters a file goes to would not take it, if any would not. */
  private fileProblem(endpoint: EndpointDefinition, file: FileHead): string | undefined {
    const readers = endpoint.sources.filter((source) =>
      referencesIn(source.params).some(({ root, path }) => root === 'request' && path[0] === file.field),
    );
    for (const { type } of readers) {
      const problem = this.registry.adapters.get(type)?.checkFile?.(file);
      if (problem) return problem;
    }
    return undefined;
  }
}

/**
 * A query parameter's value: a list when it is declared an array, however often it is given;
 * else one value, and a parameter given more than once is noted in `repeated` and left out.
 */
function queryValue(value: unknown, parameter: RequestParameter, repeated: RequestParameter[]): unknown {
  if (value === undefined) return undefined;
  if (parameter.type === 'array') return Array.isArray(value) ? value : [value];
  if (!Array.isArray(value)) return value;
  repeated.push(parameter);
  return undefined;
}
