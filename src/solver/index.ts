/** The solver module's public surface: resolution (resolver/), optimization (mip/), selection (selection/). */
export * from './resolver/index.js';
export * from './selection/index.js';
