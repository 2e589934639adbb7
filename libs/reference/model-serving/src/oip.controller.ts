import {
  Controller,
  Get,
  NotFoundException,
  Param,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UseFilters,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { infer } from './inference';
import { readInferenceBody, sendInferenceAnswer } from './inference-http';
import { ModelRepository, type LoadedModel, type ModelMetadata } from './model-repository';
import { INFERENCE_MAX_BODY_BYTES } from './model-serving.config';
import { OipErrorFilter } from './oip-error.filter';

const SERVER_NAME = 'model-service';
const SERVER_VERSION = '0.1.0';
/** The protocol's extensions this server offers, as its server metadata lists them. */
const EXTENSIONS = ['binary_tensor_data'];
/** What an inference takes and answers: JSON, or JSON followed by binary tensors. */
const INFERENCE_MEDIA_TYPES = ['application/json', 'application/octet-stream'];

/**
 * The Open Inference Protocol (KServe V2) REST API: health, server and model metadata, and
 * inference, in JSON or in the binary tensor data extension. Status codes and the `{ "error" }`
 * body are the protocol's, for its clients.
 */
@ApiTags('open inference protocol')
@UseFilters(OipErrorFilter)
@Controller('v2')
export class OipController {
  private readonly maxBodyBytes: number;

  constructor(
    private readonly repository: ModelRepository,
    config: ConfigService,
  ) {
    this.maxBodyBytes = config.getOrThrow<number>(INFERENCE_MAX_BODY_BYTES);
  }

  @Get()
  @ApiOperation({ summary: 'Server metadata' })
  server() {
    return { name: SERVER_NAME, version: SERVER_VERSION, extensions: EXTENSIONS };
  }

  @Get('health/live')
  @ApiOperation({ summary: '200 while the server runs' })
  live() {
    return { live: true };
  }

  /** Models load before the server listens, so it is ready as soon as one of them serves. */
  @Get('health/ready')
  @ApiOperation({ summary: '200 when at least one model serves, 503 otherwise' })
  ready() {
    if (this.repository.all().length === 0) throw new ServiceUnavailableException('no model is loaded');
    return { ready: true };
  }

  @Get('models/:name')
  @ApiOperation({ summary: 'Metadata of a model: its versions, inputs and outputs' })
  metadata(@Param('name') name: string): ModelMetadata {
    return this.model(name).metadata;
  }

  @Get('models/:name/versions/:version')
  @ApiOperation({ summary: 'Metadata of a model version' })
  versionMetadata(@Param('name') name: string, @Param('version') version: string): ModelMetadata {
    return this.model(name, version).metadata;
  }

  @Get('models/:name/ready')
  @ApiOperation({ summary: '200 when the model is ready, 404 for an unknown model' })
  modelReady(@Param('name') name: string) {
    return { name, ready: Boolean(this.model(name)) };
  }

  @Get('models/:name/versions/:version/ready')
  @ApiOperation({ summary: '200 when the model version is ready' })
  versionReady(@Param('name') name: string, @Param('version') version: string) {
    return { name, ready: Boolean(this.model(name, version)) };
  }

  @Post('models/:name/infer')
  @ApiOperation({ summary: 'Runs the model on the request’s inputs' })
  @ApiConsumes(...INFERENCE_MEDIA_TYPES)
  @ApiProduces(...INFERENCE_MEDIA_TYPES)
  infer(@Param('name') name: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(this.model(name), req, res);
  }

  @Post('models/:name/versions/:version/infer')
  @ApiOperation({ summary: 'Runs a model version on the request’s inputs' })
  @ApiConsumes(...INFERENCE_MEDIA_TYPES)
  @ApiProduces(...INFERENCE_MEDIA_TYPES)
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.answer(this.model(name, version), req, res);
  }

  /** The body is read only once the model is known: an unknown one is refused unread. */
  private async answer(model: LoadedModel, req: Request, res: Response): Promise<void> {
    const body = await readInferenceBody(req, this.maxBodyBytes);
    sendInferenceAnswer(res, await infer(model, body));
  }

  private model(name: string, version?: string): LoadedModel {
    const model = this.repository.get(name);
    if (!model) throw new NotFoundException(`unknown model ${name}`);
    if (version !== undefined && version !== model.version) {
      throw new NotFoundException(
        `model ${name} has no version ${version}; it serves version ${model.version}`,
      );
    }
    return model;
  }
}
