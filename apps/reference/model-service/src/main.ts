import { bootstrapService } from '@libs/core/http';
import { AppModule, MODEL_SERVICE_PORT } from './app.module';

void bootstrapService(AppModule, MODEL_SERVICE_PORT, {
  title: 'model-service',
  description:
    'Serves the ONNX models of MODELS_DIR (<name>/<version>/model.onnx) with onnxruntime over the ' +
    'Open Inference Protocol (KServe V2): /v2/health/*, /v2/models/{name}, /v2/models/{name}/infer.',
});
