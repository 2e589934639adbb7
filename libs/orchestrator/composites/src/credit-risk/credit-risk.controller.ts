import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses } from '@libs/core/http';
import type { Observable } from 'rxjs';
import { Caller, type CompositeCaller } from '../composite-caller.decorator';
import { CreditRiskComposite } from './credit-risk.composite';
import { CreditRiskDto, CreditRiskParamsDto, CreditRiskRequestDto } from './credit-risk.dto';

@ApiTags('composites')
@Controller('composites')
export class CreditRiskController {
  constructor(private readonly creditRisk: CreditRiskComposite) {}

  @Post('credit-risk/:customer_id')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "A customer's probability of default on a loan, and a decision (written in code)",
    description:
      'The same answer as POST /customers/{customer_id}/credit-risk, which is declared in YAML: the ' +
      'customer, their balance and their credit features at once, then the credit_risk model.',
  })
  @ApiOkResponse({ type: CreditRiskDto })
  @ApiErrorResponses({
    400: 'An invalid id or amount; every invalid field is listed',
    404: 'No such customer (source `customer`)',
    422: 'A feature the model needs is missing for this customer (source `risk`)',
    502: 'A backend failed or answered something unreadable; the source is named',
    503: 'The database, the feature server or the model service is unreachable; the source is named',
    504: 'A backend did not answer in time; the source is named',
  })
  score(
    @Param() params: CreditRiskParamsDto,
    @Body() body: CreditRiskRequestDto,
    @Caller() caller: CompositeCaller,
  ): Observable<CreditRiskDto> {
    return this.creditRisk.run(
      { customerId: params.customer_id, requestedAmount: body.requested_amount },
      caller,
    );
  }
}
