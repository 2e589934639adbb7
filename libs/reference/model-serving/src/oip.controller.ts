import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  ServiceUnavailableException,
  UseFilters,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { infer, type InferenceResponse } from './inference';
import { ModelRepository, type LoadedModel, type ModelMetadata } from './model-repository';
import { OipErrorFilter } from './oip-error.filter';

const SERVER_NAME = 'model-service';
const SERVER_VERSION = '0.1.0';

/**
 * The Open Inference Protocol (KServe V2) REST API: health, server and model metadata, and
 * inference. Status codes and the `{ "error" }` body are the protocol's, for its clients.
 */
@ApiTags('open inference protocol')
@UseFilters(OipErrorFilter)
@Controller('v2')
export class OipController {
  constructor(private readonly repository: ModelRepository) {}

  @Get()
  @ApiOperation({ summary: 'Server metadata' })
  server() {
    return { name: SERVER_NAME, version: SERVER_VERSION, extensions: [] };
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
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Runs the model on the request’s inputs' })
  infer(@Param('name') name: string, @Body() body: unknown): Promise<InferenceResponse> {
    return infer(this.model(name), body);
  }

  @Post('models/:name/versions/:version/infer')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Runs a model version on the request’s inputs' })
  inferVersion(
    @Param('name') name: string,
    @Param('version') version: string,
    @Body() body: unknown,
  ): Promise<InferenceResponse> {
    return infer(this.model(name, version), body);
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
