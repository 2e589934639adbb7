import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseSourceAdapter } from './database.adapter';
import { DatabaseConnections } from './database.connections';
import { DatabaseHealthIndicator } from './database.health';

/**
 * SQL databases as sources of YAML endpoints (`type: database`), from `database.yaml`, with the
 * health of the connections the serving configuration declares.
 */
@Module({
  imports: [TerminusModule],
  providers: [DatabaseConnections, DatabaseSourceAdapter, DatabaseHealthIndicator],
  exports: [DatabaseConnections, DatabaseSourceAdapter, DatabaseHealthIndicator],
})
export class DatabaseModule {}
