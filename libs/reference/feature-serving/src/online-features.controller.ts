import { Body, Controller, HttpCode, HttpStatus, Post, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { FeastStyleErrorFilter } from './feature-server.errors';
import { parseOnlineFeaturesRequest } from './online-features.request';
import { OnlineFeatureService, type OnlineFeaturesResponse } from './online-features.service';

/** Feast's `POST /get-online-features`, its errors included, so that any Feast client can call it. */
@ApiTags('features')
@Controller()
@UseFilters(FeastStyleErrorFilter)
export class OnlineFeaturesController {
  constructor(private readonly onlineFeatures: OnlineFeatureService) {}

  /** The body stays untyped, so that the project's validation pipe leaves it to Feast's own rules. */
  @Post('get-online-features')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Online features of entities, in Feast columnar form',
    description:
      'Body: `{ "features": ["customer_stats:customer_lifetime_value"] | "feature_service": "credit_features", ' +
      '"entities": { "customer_id": ["cus-1001"] }, "full_feature_names": false }`.',
  })
  getOnlineFeatures(@Body() body: unknown): Promise<OnlineFeaturesResponse> {
    return this.onlineFeatures.getOnlineFeatures(parseOnlineFeaturesRequest(body));
  }
}
