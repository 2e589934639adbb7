// The bare Nest floor of `npm run bench:pipeline`: NestFactory on Express, its logger off, no
// pipes, filters or middleware of ours, one controller calling the stand-in through the raw
// floor's transport (an undici Pool). What it costs beyond the raw floor is the framework's cost.
// STAND_IN_URL, CATALOG_API_TOKEN, PORT (default 3097) at 127.0.0.1.
import { Module, type OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FloorController } from './floor.controller';
import { StandInClient } from './stand-in.client';

@Module({
  controllers: [FloorController],
  providers: [
    {
      provide: StandInClient,
      useFactory: () =>
        new StandInClient(
          process.env['STAND_IN_URL'] ?? 'http://127.0.0.1:3099',
          process.env['CATALOG_API_TOKEN'] ?? 'demo-catalog-token',
        ),
    },
  ],
})
class NestFloorModule implements OnApplicationShutdown {
  constructor(private readonly standIn: StandInClient) {}

  onApplicationShutdown(): Promise<void> {
    return this.standIn.close();
  }
}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(NestFloorModule, { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT'] ?? 3097), '127.0.0.1');
}

void bootstrap();
