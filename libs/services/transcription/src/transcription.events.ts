import type { OpenAiErrorDto } from './transcription.dto';

/**
 * The server-sent events of a streamed transcription, in the shape of OpenAI's (and of the
 * `openai` client's TranscriptionStreamEvent): deltas that add up to the transcript, then the
 * whole transcript. OpenAI's `usage` is left out: it counts tokens, and this engine has none.
 */
export type TranscriptionEvent =
  | { type: 'transcript.text.delta'; delta: string }
  | { type: 'transcript.text.done'; text: string }
  /** A failure after the stream began: OpenAI's error envelope, which OpenAI clients throw. */
  | ({ type: 'error' } & OpenAiErrorDto);

/** One event: the `event:` line names its type, as OpenAI-compatible servers commonly do. */
export function serverSentEvent(event: TranscriptionEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}
