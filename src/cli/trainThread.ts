// Entry of a data-parallel training thread (bundled as dist/trainThread.js; started by threads.ts): the engine's
// helper loop on the block it was handed.
import { workerData } from 'node:worker_threads';
import type { ReplicaInit } from '../engine/parallel/contract';
import { runReplica } from '../engine/parallel/replica';

runReplica(workerData as ReplicaInit);
