// The variables this service reads (besides every service's own), validated at start-up.
import { portVariable, type EnvironmentSchema } from '@libs/core/config';
import { transcriptionEnvironment } from '@libs/services/transcription';

export const TRANSCRIPTION_SERVICE_PORT = 'TRANSCRIPTION_SERVICE_PORT';

export const environment: EnvironmentSchema = {
  [TRANSCRIPTION_SERVICE_PORT]: portVariable(3002),
  ...transcriptionEnvironment,
};
