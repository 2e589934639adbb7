export { Caller, type CompositeCaller } from './composite-caller.decorator';
export { CompositeContext, CompositeRun } from './composite.context';
export { CompositesModule } from './composites.module';
