/** The solver module's public surface: dependency resolution (resolver/) and optimization (mip/). */
export * from './resolver/index.js';
