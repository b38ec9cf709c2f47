/** The optimisers by name. */
import { adam } from "./adam.ts";
import { cobyla } from "./cobyla.ts";
import { lbfgsb } from "./lbfgsb.ts";
import { nelderMead } from "./nelder-mead.ts";
import { spsa } from "./spsa.ts";
import type { Optimizer, OptimizerName, StateBase } from "./types.ts";

/** Every shipped optimiser, by its API name. */
export const OPTIMIZERS: Readonly<Record<OptimizerName, Optimizer<StateBase>>> =
  {
    cobyla: cobyla as unknown as Optimizer<StateBase>,
    "nelder-mead": nelderMead as unknown as Optimizer<StateBase>,
    spsa: spsa as unknown as Optimizer<StateBase>,
    adam: adam as unknown as Optimizer<StateBase>,
    "l-bfgs-b": lbfgsb as unknown as Optimizer<StateBase>,
  };
