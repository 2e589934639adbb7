import {
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Post,
  UnprocessableEntityException,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ErrorEnvelopeDto } from '@libs/core/http';
import { AdminTokenGuard } from './admin-token.guard';
import { ConfigurationState, type ConfigurationStatus, type ReloadResult } from './configuration.state';

class EndpointRouteDto {
  @ApiProperty({ example: 'catalog', description: 'The domain: its file domains/<domain>.yaml' })
  domain!: string;
  @ApiProperty({ example: 'get_product', description: 'Unique within its domain' }) name!: string;
  @ApiProperty({ example: 'GET' }) method!: string;
  @ApiProperty({ example: '/products/:product_id' }) path!: string;
}

class ConfigurationErrorDto {
  @ApiProperty() at!: string;
  @ApiProperty({ type: [String] }) problems!: string[];
}

class ConfigurationStatusDto implements ConfigurationStatus {
  @ApiProperty({ example: '3f2a9c0b1d4e', description: 'Content hash of the loaded files' }) version!: string;
  @ApiProperty() loadedAt!: string;
  @ApiProperty() directory!: string;
  @ApiProperty({ type: [EndpointRouteDto] }) endpoints!: EndpointRouteDto[];
  @ApiPropertyOptional({ type: ConfigurationErrorDto, description: 'The last rejected reload, if any since' })
  lastError?: ConfigurationErrorDto;
}

class ReloadResultDto implements ReloadResult {
  @ApiProperty() applied!: boolean;
  @ApiProperty({ description: 'The version now serving' }) version!: string;
  @ApiProperty({ type: [String] }) problems!: string[];
}

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@ApiUnauthorizedResponse({ type: ErrorEnvelopeDto, description: 'Missing or wrong admin token' })
@ApiForbiddenResponse({
  type: ErrorEnvelopeDto,
  description: 'Admin routes are disabled (no token configured)',
})
@Controller('admin/config')
export class AdminController {
  constructor(private readonly state: ConfigurationState) {}

  @Get()
  @ApiOperation({
    summary: 'The active configuration: version, when it was loaded, its routes and the last error',
  })
  @ApiOkResponse({ type: ConfigurationStatusDto })
  status(): ConfigurationStatus {
    return this.state.status();
  }

  @Post('reload')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Load the configuration directory again; an invalid one is refused whole' })
  @ApiOkResponse({ type: ReloadResultDto })
  @ApiUnprocessableEntityResponse({
    type: ErrorEnvelopeDto,
    description: 'The configuration is invalid; every problem is listed and the old one keeps serving',
  })
  async reload(): Promise<ReloadResult> {
    const result = await this.state.reload();
    if (!result.applied) {
      throw new UnprocessableEntityException({
        message: `Configuration rejected; version ${result.version} keeps serving: ${result.problems.join('; ')}`,
        fields: result.problems.map((problem) => ({ field: 'configuration', errors: [problem] })),
      });
    }
    return result;
  }
}
