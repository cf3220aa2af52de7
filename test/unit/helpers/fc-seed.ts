/**
 * Property tests run with a fixed seed, so CI sees the same thousands of cases every time and a
 * red run can be replayed. `FC_SEED=<n>` replays or explores another seed; `FC_SEED=random`
 * lets fast-check pick one (it prints it with any counterexample).
 */
import fc from "fast-check";

const env = process.env.FC_SEED;
if (env !== "random") fc.configureGlobal({ seed: env ? Number(env) : 20261128 });
