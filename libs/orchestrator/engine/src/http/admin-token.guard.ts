import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  mixin,
  type Type,
} from '@nestjs/common';
import { bearerIsOneOf } from '@libs/core/http';
import type { IncomingHttpHeaders } from 'node:http';
import type { EngineSettings } from '../model';
import { ConfigurationState } from './configuration.state';

type TokenAccess = 'admin' | 'read';

/**
 * What the engine's protected routes ask of a request: the admin routes the admin token (the
 * variable `config.yaml` names in `admin_token_env`, ORCHESTRATOR_ADMIN_TOKEN by default);
 * execution records (`/executions`, `?_trace=true`), which hold callers' parameters, the admin
 * token or the read-only one (`read_token_env`, ORCHESTRATOR_READ_TOKEN). Routes whose variables
 * are all unset are closed.
 */
export function requireToken(
  headers: IncomingHttpHeaders,
  settings: EngineSettings,
  access: TokenAccess,
): void {
  const variables =
    access === 'admin' ? [settings.adminTokenEnv] : [settings.adminTokenEnv, settings.readTokenEnv];
  const tokens = variables
    .map((variable) => process.env[variable])
    .filter((token): token is string => !!token);
  const what = access === 'admin' ? 'Admin routes' : 'Execution records';
  if (tokens.length === 0) {
    throw new ForbiddenException(`${what} are disabled: set ${variables.join(' or ')} to enable them`);
  }
  if (!bearerIsOneOf(headers, tokens)) {
    throw new UnauthorizedException(
      `${what} need Authorization: Bearer <token>, the token being ${variables.join(' or ')}`,
    );
  }
}

/** The guard of routes that need `access`: `requireToken(…, access)` on each request. */
function tokenGuard(access: TokenAccess): Type<CanActivate> {
  @Injectable()
  class TokenGuard implements CanActivate {
    constructor(private readonly state: ConfigurationState) {}

    canActivate(context: ExecutionContext): boolean {
      const { headers } = context.switchToHttp().getRequest<{ headers: IncomingHttpHeaders }>();
      requireToken(headers, this.state.current.snapshot.settings, access);
      return true;
    }
  }
  return mixin(TokenGuard);
}

/** The admin routes' guard. */
export const AdminTokenGuard = tokenGuard('admin');
/** The execution records' guard. */
export const ReadTokenGuard = tokenGuard('read');
