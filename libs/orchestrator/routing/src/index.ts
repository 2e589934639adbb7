export { routingEnvironment } from './routing.config';
export { RoutingModule } from './routing.module';
