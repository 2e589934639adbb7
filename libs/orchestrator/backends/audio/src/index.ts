export { AUDIO_SOURCE_TYPE, AudioSourceAdapter } from './audio.adapter';
export { AudioClient, type AudioFile, type TranscriptionOptions } from './audio.client';
export { TRANSCRIPTION_SERVICE, audioEnvironment } from './audio.config';
export { TranscriptionDto, TranscriptionSegmentDto } from './audio.dto';
export { AudioHealthIndicator } from './audio.health';
export { AudioModule } from './audio.module';
