import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { EndpointConfigurationModule } from '../config/endpoint-configuration.module';
import { EndpointExecutor } from '../execution/endpoint.executor';
import { SourceResultCache } from '../execution/source-result.cache';
import { ExecutionTrackingModule } from '../tracking/execution-tracking.module';
import { AdminController } from './admin.controller';
import { AdminTokenGuard, ReadTokenGuard } from './admin-token.guard';
import { ConfigurationState } from './configuration.state';
import { EndpointDocumentation } from './endpoint.openapi';
import { EndpointRouter } from './endpoint.router';
import { ExecutionRecorder } from './execution.recorder';
import { ExecutionsController } from './executions.controller';
import { RequestBinding } from './request.binding';

/**
 * The declarative engine in an application: serves the YAML endpoints of `CONFIG_DIR` with
 * whatever source adapters the application's modules register, tracks every execution,
 * reloads the configuration without a restart and documents the endpoints.
 */
@Module({
  imports: [EndpointConfigurationModule, ExecutionTrackingModule],
  controllers: [AdminController, ExecutionsController],
  providers: [
    ConfigurationState,
    EndpointExecutor,
    SourceResultCache,
    RequestBinding,
    ExecutionRecorder,
    EndpointRouter,
    EndpointDocumentation,
    AdminTokenGuard,
    ReadTokenGuard,
  ],
  exports: [
    ConfigurationState,
    EndpointDocumentation,
    EndpointExecutor,
    ExecutionRecorder,
    EndpointConfigurationModule,
  ],
})
export class EngineModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(EndpointRouter).forRoutes('{*path}');
  }
}
