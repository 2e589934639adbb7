import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '@libs/core/http';
import { EXECUTION_RESPONSE_HEADERS } from '@libs/orchestrator/engine';
import type { Observable } from 'rxjs';
import { Caller, type CompositeCaller } from '../composite-caller.decorator';
import { CreditLimitComposite } from './credit-limit.composite';
import { CreditLimitDto, CreditLimitParamsDto, CreditLimitQueryDto } from './credit-limit.dto';

const DEFAULT_PRECISION = 100;

@ApiTags('composites')
@Controller('composites')
export class CreditLimitController {
  constructor(private readonly creditLimit: CreditLimitComposite) {}

  @Get('credit-limit/:customer_id')
  @ApiOperation({
    summary: 'The largest loan a customer would be approved for (written in code)',
    description:
      'Asks the YAML endpoint POST /customers/{customer_id}/credit-risk about one amount after ' +
      'another (doubling, then halving the gap) until the largest approved one is known: a search ' +
      'whose next step depends on every answer before it. The decision rule is the YAML one. ' +
      'The search is one execution, composites.credit_limit, whose record holds every probe.',
  })
  @ApiOkResponse({
    type: CreditLimitDto,
    headers: EXECUTION_RESPONSE_HEADERS,
    description:
      'The limit; `_meta` lists degraded sources, or holds the trace when asked for (`?_trace=true`)',
  })
  @ApiErrorResponses({
    400: 'An invalid id or precision; every invalid field is listed',
    401: '`?_trace=true` without the read-only or the admin token',
    403: '`?_trace=true` while neither ORCHESTRATOR_READ_TOKEN nor the admin token is set',
    404: 'No such customer (source `customer`)',
    422: 'A feature the model needs is missing for this customer (source `risk`)',
    502: 'A backend failed or answered something unreadable; the source is named',
    503: 'A backend is unreachable (the source is named), or customers.score_credit_risk is not served',
    504: 'A backend did not answer in time; the source is named',
  })
  limit(
    @Param() params: CreditLimitParamsDto,
    @Query() query: CreditLimitQueryDto,
    @Caller() caller: CompositeCaller,
  ): Observable<CreditLimitDto> {
    return this.creditLimit.run(params.customer_id, query.precision ?? DEFAULT_PRECISION, caller);
  }
}
