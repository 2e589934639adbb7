import Joi from 'joi';
import { tmpdir } from 'node:os';
import { transcriptionConfig, transcriptionEnvironment } from './transcription.config';

describe('transcription configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('has the documented defaults', () => {
    for (const name of Object.keys(transcriptionEnvironment)) delete process.env[name];
    expect(transcriptionConfig()).toEqual({
      maxBytes: 26214400,
      concurrency: 2,
      jobTimeoutMs: 120000,
      tmpDir: tmpdir(),
      pocketsphinxBin: 'pocketsphinx_batch',
      modelDir: '/usr/share/pocketsphinx/model/en-us',
      maxHmmsPerFrame: 3000,
      ffmpegBin: 'ffmpeg',
    });
  });

  it('reads and converts the variables', () => {
    process.env['TRANSCRIPTION_MAX_BYTES'] = '1000';
    process.env['TRANSCRIPTION_CONCURRENCY'] = '4';
    process.env['FFMPEG_BIN'] = '/opt/ffmpeg/bin/ffmpeg';
    expect(transcriptionConfig()).toMatchObject({
      maxBytes: 1000,
      concurrency: 4,
      ffmpegBin: '/opt/ffmpeg/bin/ffmpeg',
    });
  });

  it('refuses invalid values, naming every one', () => {
    process.env['TRANSCRIPTION_CONCURRENCY'] = '0';
    process.env['TRANSCRIPTION_JOB_TIMEOUT_MS'] = 'soon';
    process.env['POCKETSPHINX_MAX_HMMS_PER_FRAME'] = '0';
    expect(() => transcriptionConfig()).toThrow(
      /TRANSCRIPTION_CONCURRENCY.*TRANSCRIPTION_JOB_TIMEOUT_MS.*POCKETSPHINX_MAX_HMMS_PER_FRAME/,
    );
  });

  it('is a schema map an app can merge into the one it validates at start-up', () => {
    const schema = Joi.object({ PORT: Joi.number().default(3002), ...transcriptionEnvironment });
    const { value } = schema.validate({ TRANSCRIPTION_MAX_BYTES: '2048' }, { allowUnknown: true });
    expect(value).toMatchObject({ PORT: 3002, TRANSCRIPTION_MAX_BYTES: 2048, TRANSCRIPTION_CONCURRENCY: 2 });
  });
});
