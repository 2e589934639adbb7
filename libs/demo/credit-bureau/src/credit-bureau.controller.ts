import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiSecurity,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@libs/core/http';
import { CreditBureauApiKeyGuard } from './credit-bureau-api-key.guard';
import { CREDIT_BUREAU_SECURITY_SCHEME } from './credit-bureau.openapi';
import { CreditReportResponseDto, CustomerIdParamsDto } from './credit-report.dto';
import { CreditReportStore } from './credit-report.store';

/** The credit bureau API: answers are `{ "data": … }`, every route requires the API key. */
@ApiTags('credit reports')
@ApiSecurity(CREDIT_BUREAU_SECURITY_SCHEME)
@ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'No X-API-Key header, or not the right key' })
@UseGuards(CreditBureauApiKeyGuard)
@Controller('v1/credit-reports')
export class CreditBureauController {
  constructor(private readonly store: CreditReportStore) {}

  @Get(':customer_id')
  @ApiOperation({ summary: "A customer's credit score, its band and the history behind it" })
  @ApiOkResponse({ type: CreditReportResponseDto })
  @ApiBadRequestResponse({ type: ErrorEnvelopeDto, description: 'customer_id does not look like cus-1001' })
  @ApiNotFoundResponse({ type: ErrorEnvelopeDto, description: 'The bureau has no report on this customer' })
  creditReport(@Param() params: CustomerIdParamsDto): CreditReportResponseDto {
    return { data: this.store.reportOf(params.customer_id) };
  }
}
