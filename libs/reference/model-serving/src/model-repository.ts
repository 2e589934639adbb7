import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InferenceSession, type Tensor } from 'onnxruntime-node';
import { MODELS_DIR } from './model-serving.config';
import { oipDatatypeOf } from './oip-datatypes';

const MODEL_FILE = 'model.onnx';
const ONNX_PLATFORM = 'onnxruntime_onnx';

/** An input or output as the protocol's metadata describes it; `-1` marks a variable dimension. */
export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface LoadedModel {
  name: string;
  version: string;
  session: InferenceSession;
  metadata: ModelMetadata;
  /** onnxruntime's element type of each input, by name, to build its tensors. */
  inputTypes: ReadonlyMap<string, Tensor.Type>;
}

export interface ModelLoadFailure {
  name: string;
  reason: string;
}

/**
 * The models of `MODELS_DIR`, loaded once at start-up: each directory holds numbered version
 * directories, and the highest one with a `model.onnx` is served. A model that fails to load
 * is logged and listed in `failures`; the others still serve.
 */
@Injectable()
export class ModelRepository implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ModelRepository.name);
  private readonly models = new Map<string, LoadedModel>();
  private readonly failed: ModelLoadFailure[] = [];
  readonly directory: string;

  constructor(config: ConfigService) {
    this.directory = resolve(config.getOrThrow<string>(MODELS_DIR));
  }

  async onModuleInit(): Promise<void> {
    if (!existsSync(this.directory)) {
      this.logger.warn(`the models directory ${this.directory} does not exist; no model is served`);
      return;
    }
    const names = readdirSync(this.directory, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    for (const name of names) await this.load(name);
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.models.values()].map((model) => model.session.release()));
    this.models.clear();
  }

  get(name: string): LoadedModel | undefined {
    return this.models.get(name);
  }

  all(): LoadedModel[] {
    return [...this.models.values()];
  }

  get failures(): readonly ModelLoadFailure[] {
    return this.failed;
  }

  private async load(name: string): Promise<void> {
    const version = highestVersion(join(this.directory, name));
    // A directory without numbered versions holds no model (the coefficients' docs, say).
    if (version === undefined) return;
    let session: InferenceSession | undefined;
    try {
      session = await InferenceSession.create(join(this.directory, name, version, MODEL_FILE));
      this.models.set(name, loadedModel(name, version, session));
      this.logger.log(`loaded ${name} version ${version}`);
    } catch (error) {
      await session?.release();
      const reason = (error as Error).message;
      this.failed.push({ name, reason });
      this.logger.error(`could not load ${name} version ${version}: ${reason}`);
    }
  }
}

function highestVersion(modelDirectory: string): string | undefined {
  const versions = readdirSync(modelDirectory, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
    .filter((entry) => existsSync(join(modelDirectory, entry.name, MODEL_FILE)))
    .map((entry) => entry.name)
    .sort((a, b) => Number(b) - Number(a));
  return versions[0];
}

function loadedModel(name: string, version: string, session: InferenceSession): LoadedModel {
  const inputs = session.inputMetadata.map(tensorMetadataOf);
  const outputs = session.outputMetadata.map(tensorMetadataOf);
  return {
    name,
    version,
    session,
    metadata: {
      name,
      versions: [version],
      platform: ONNX_PLATFORM,
      inputs: inputs.map(({ metadata }) => metadata),
      outputs: outputs.map(({ metadata }) => metadata),
    },
    inputTypes: new Map(inputs.map(({ metadata, type }) => [metadata.name, type])),
  };
}

function tensorMetadataOf(value: InferenceSession.ValueMetadata): {
  metadata: TensorMetadata;
  type: Tensor.Type;
} {
  if (!value.isTensor) throw new Error(`${value.name} is not a tensor`);
  const datatype = oipDatatypeOf(value.type);
  if (!datatype)
    throw new Error(`${value.name} has the datatype ${value.type}, which this server cannot convert`);
  const shape = value.shape.map((dimension) =>
    typeof dimension === 'number' && dimension >= 0 ? dimension : -1,
  );
  return { metadata: { name: value.name, datatype, shape }, type: value.type };
}
