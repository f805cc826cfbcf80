// The RunConfig the task-level tests start from: the defaults of the run config with the two values the task
// tests were written against (norm clip 1, no attention), so their expected numbers stay meaningful.
import { DEFAULT_RUN_CONFIG, type RunConfig } from '../../src/engine/run/config';

export const TASK_TEST_CONFIG: Readonly<RunConfig> = { ...DEFAULT_RUN_CONFIG, clip: 1, attention: 'none' };
