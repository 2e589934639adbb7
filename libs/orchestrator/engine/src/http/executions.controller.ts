import { Controller, Get, Inject, NotFoundException, Param, Query, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@libs/core/http';
import { ExecutionListDto, ExecutionQueryDto, ExecutionRecordDto } from '../tracking/execution.dto';
import { EXECUTION_STORE, type ExecutionStore } from '../tracking/execution.store';
import { ReadTokenGuard } from './admin-token.guard';

const storeUnavailable = {
  type: ErrorEnvelopeDto,
  description: 'The execution store (Redis) cannot be reached; `source` is `execution-store`',
};

/**
 * The records of past executions of declared endpoints, as kept by the execution store. They
 * hold callers' parameters, so they need the read-only or the admin token.
 */
@ApiTags('executions')
@ApiBearerAuth()
@UseGuards(ReadTokenGuard)
@ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'Missing or wrong token' })
@ApiForbiddenResponse({
  type: ErrorEnvelopeDto,
  description: 'Execution records are closed: neither ORCHESTRATOR_READ_TOKEN nor the admin token is set',
})
@Controller('executions')
export class ExecutionsController {
  constructor(@Inject(EXECUTION_STORE) private readonly store: ExecutionStore) {}

  @Get()
  @ApiOperation({
    summary: 'Recent executions, newest first',
    description: 'Records are kept up to `EXECUTIONS_MAX` of them and for `EXECUTIONS_TTL_SECONDS`.',
  })
  @ApiOkResponse({ type: ExecutionListDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'An invalid filter; each one is listed' })
  @ApiServiceUnavailableResponse(storeUnavailable)
  async list(@Query() query: ExecutionQueryDto): Promise<ExecutionListDto> {
    const executions = await this.store.list({
      endpoint: query.endpoint,
      status: query.status,
      since: query.since === undefined ? undefined : new Date(query.since),
      until: query.until === undefined ? undefined : new Date(query.until),
      limit: query.limit,
    });
    return { executions };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One execution, by the id returned in `X-Execution-Id`' })
  @ApiOkResponse({ type: ExecutionRecordDto })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'Unknown, or no longer kept' })
  @ApiServiceUnavailableResponse(storeUnavailable)
  async get(@Param('id') id: string): Promise<ExecutionRecordDto> {
    const record = await this.store.get(id);
    if (!record) throw new NotFoundException(`No execution ${id} is kept: unknown, or expired`);
    return record;
  }
}
