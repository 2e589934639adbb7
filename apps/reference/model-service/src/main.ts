import './tracing';
import { bootstrapService } from '@libs/core/http';
import { isInferenceRequest } from '@libs/reference/model-serving';
import { AppModule } from './app.module';
import { MODEL_SERVICE_PORT } from './environment';

void bootstrapService(AppModule, MODEL_SERVICE_PORT, {
  title: 'model-service',
  description:
    'Serves the ONNX models of MODELS_DIR (<name>/<version>/model.onnx) with onnxruntime over the ' +
    'Open Inference Protocol (KServe V2): /v2/health/*, /v2/models/{name}, /v2/models/{name}/infer, ' +
    'in JSON or in the binary tensor data extension, as the Triton and KServe clients send it.',
  readsOwnBody: isInferenceRequest,
});
