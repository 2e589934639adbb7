import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TranscriptionSegmentDto {
  @ApiProperty({ example: 0, description: 'Seconds from the start of the audio' })
  start!: number;

  @ApiProperty({ example: 2.05, description: 'Seconds from the start of the audio' })
  end!: number;

  @ApiProperty({ example: 'go forward ten meters' })
  text!: string;
}

/** What the orchestrator keeps of an OpenAI-compatible verbose transcription. */
export class TranscriptionDto {
  @ApiProperty({ example: 'go forward ten meters' })
  text!: string;

  @ApiPropertyOptional({
    example: 'english',
    description: 'The spoken language as the transcription service names it, when it says',
  })
  language?: string;

  @ApiPropertyOptional({ example: 2.05, description: 'Length of the audio in seconds, when known' })
  duration?: number;

  @ApiProperty({ type: [TranscriptionSegmentDto], description: 'Empty when the service gives no timings' })
  segments!: TranscriptionSegmentDto[];
}
