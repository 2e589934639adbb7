import { AUDIO_SIGNATURE_BYTES, sniffAudioFormat, whyNotTranscribable } from './audio-formats';

const head = (...parts: (string | number[])[]) =>
  Buffer.concat(
    parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'latin1') : Buffer.from(part))),
  );

describe('audio formats', () => {
  it('knows each format by its first bytes', () => {
    expect(sniffAudioFormat(head('RIFF', [1, 2, 3, 4], 'WAVEfmt '))).toBe('wav');
    expect(sniffAudioFormat(head('fLaC'))).toBe('flac');
    expect(sniffAudioFormat(head('OggS'))).toBe('ogg');
    expect(sniffAudioFormat(head('ID3'))).toBe('mp3');
    expect(sniffAudioFormat(head([0xff, 0xfb, 0x90]))).toBe('mp3');
    expect(sniffAudioFormat(head([0, 0, 0, 0x20], 'ftypM4A '))).toBe('mp4');
    expect(sniffAudioFormat(head([0x1a, 0x45, 0xdf, 0xa3]))).toBe('webm');
    expect(sniffAudioFormat(head('shopping list'))).toBeUndefined();
    expect(sniffAudioFormat(head('RIFF', [1, 2, 3, 4], 'AVI '))).toBeUndefined();
    expect(AUDIO_SIGNATURE_BYTES).toBeGreaterThanOrEqual(12);
  });

  it('takes audio bytes whatever they are called or declared to be', () => {
    expect(
      whyNotTranscribable({ filename: 'x.bin', mimeType: 'text/plain', head: head('OggS') }),
    ).toBeUndefined();
    expect(
      whyNotTranscribable({
        filename: 'blob',
        mimeType: 'application/octet-stream',
        head: head([0x1a, 0x45, 0xdf, 0xa3]),
      }),
    ).toBeUndefined();
  });

  it('refuses what is not audio, whatever it is called or declared, with a reason naming the file and the formats', () => {
    const reason = whyNotTranscribable({
      filename: 'notes.txt',
      mimeType: 'text/plain',
      head: head('shopping'),
    });
    expect(reason).toMatch(/^notes\.txt \(text\/plain\) is not audio .*wav/);
    expect(
      whyNotTranscribable({ filename: 'a.wav', mimeType: 'audio/wav', head: head('hello') }),
    ).toBeDefined();
    expect(
      whyNotTranscribable({ filename: 'a.m4a', mimeType: 'audio/mp4', head: head('....') }),
    ).toBeDefined();
    expect(
      whyNotTranscribable({ filename: 'blob', mimeType: 'audio/webm', head: head('hello') }),
    ).toBeDefined();
  });
});
