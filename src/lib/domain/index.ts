/**
 * The domain core of Kuaiban: the programme's rules as plain TypeScript over plain data
 * (DESIGN.md, "Layout"). Nothing here touches Svelte, storage, the network or the clock.
 */
export * from './errors';
export * from './access';
export * from './authority';
export * from './dates';
export * from './money';
export * from './records';
export * from './rules';
export * from './budget';
export * from './workflow';
export * from './decisions';
export * from './finance';
export * from './public';
export * from './review';
export * from './inspection';
export * from './rating';
export * from './spot-check';
export * from './monthly-report';
export * from './calendar';
export * from './vote';
export * from './deliberation';
export * from './inbox';
export * from './sha256';
export * from './sampling';
export * from './report';
export * from './city-view';
export * from './finder';
