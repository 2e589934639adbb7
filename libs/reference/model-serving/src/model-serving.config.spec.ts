import { validateEnvironment } from '@libs/core/config';
import { INFERENCE_MAX_BODY_BYTES, modelServingEnvironment } from './model-serving.config';

describe('the model-service’s variables', () => {
  const validate = validateEnvironment(modelServingEnvironment);

  it('limits inference bodies to 1 MiB unless told otherwise', () => {
    expect(validate({})).toMatchObject({ MODELS_DIR: 'models', [INFERENCE_MAX_BODY_BYTES]: 1_048_576 });
    expect(validate({ [INFERENCE_MAX_BODY_BYTES]: '4096' })).toMatchObject({
      [INFERENCE_MAX_BODY_BYTES]: 4096,
    });
  });

  it.each(['0', '1.5', 'a lot'])('refuses to start with INFERENCE_MAX_BODY_BYTES=%s, naming it', (value) => {
    expect(() => validate({ [INFERENCE_MAX_BODY_BYTES]: value })).toThrow(/INFERENCE_MAX_BODY_BYTES/);
  });
});
