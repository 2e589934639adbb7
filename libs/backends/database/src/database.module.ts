import { Module } from '@nestjs/common';
import { DatabaseSourceAdapter } from './database.adapter';
import { DatabaseConnections } from './database.connections';

/** SQL databases as sources of YAML endpoints (`type: database`), from `database.yaml`. */
@Module({
  providers: [DatabaseConnections, DatabaseSourceAdapter],
  exports: [DatabaseSourceAdapter],
})
export class DatabaseModule {}
