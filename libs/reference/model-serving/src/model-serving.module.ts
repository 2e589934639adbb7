import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModelRepository } from './model-repository';
import { ModelServingHealthController } from './model-serving.health';
import { OipController } from './oip.controller';

/**
 * Serves the ONNX models of `MODELS_DIR` over the Open Inference Protocol (`/v2/...`), with
 * onnxruntime, plus `GET /health`. The app provides the configuration (`modelServingEnvironment`).
 */
@Module({
  imports: [TerminusModule],
  controllers: [OipController, ModelServingHealthController],
  providers: [ModelRepository],
})
export class ModelServingModule {}
