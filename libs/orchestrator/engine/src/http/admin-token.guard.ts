import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigurationState } from './configuration.state';

const digest = (text: string) => createHash('sha256').update(text).digest();

/**
 * Admin routes need `Authorization: Bearer <token>`, the token being the value of the variable
 * that `config.yaml` names (`admin_token_env`, ORCHESTRATOR_ADMIN_TOKEN by default). Without
 * that variable the admin routes are closed.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly state: ConfigurationState) {}

  canActivate(context: ExecutionContext): boolean {
    const variable = this.state.current.snapshot.settings.adminTokenEnv;
    const expected = process.env[variable];
    if (!expected) throw new ForbiddenException(`Admin routes are disabled: set ${variable} to enable them`);
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    // Compared as digests of equal length, in constant time, so that timing reveals nothing.
    if (!timingSafeEqual(digest(given), digest(expected))) {
      throw new UnauthorizedException('Send the admin token as Authorization: Bearer <token>');
    }
    return true;
  }
}
