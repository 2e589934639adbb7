import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBooleanString, IsOptional } from 'class-validator';

/**
 * The query every composite route takes, as every YAML endpoint does: `?_trace=true` (the
 * engine's TRACE_QUERY) returns the trace of the run in the body's `_meta`.
 */
export class TraceQueryDto {
  @ApiPropertyOptional({
    type: Boolean,
    description:
      "Return the trace of every source of the run in the body's `_meta` (needs the read-only or the admin token)",
  })
  @IsOptional()
  @IsBooleanString()
  _trace?: string;
}
