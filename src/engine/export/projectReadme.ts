// README.md of a training project: how to run train.py on one CPU, one GPU, and N GPUs on M nodes, and how the
// result comes back into SeqLab. It shows torchrun's plain flags (current PyTorch releases need no more).
import type { TaskKind } from '../run/config';

export function projectReadme(task: TaskKind, step: number): string {
  return `# SeqLab training project (${task}, exported at step ${step})

This folder continues a SeqLab run in PyTorch. \`train.py\` takes exactly the step SeqLab would have taken next:
the same batches in the same order, SeqLab's loss (mean over the counted positions), clipping by global norm,
optimizer (with its moments and step count) and learning-rate schedule. It runs as one process or under
\`torchrun\` with DistributedDataParallel (NCCL on GPUs, Gloo on CPUs, chosen automatically); each process
computes its share of every global batch, so the result does not depend on how many processes you use.

| file | what it is |
| --- | --- |
| \`model.py\` | the model as torch.nn modules, with SeqLab's parameter names (\`state_dict\` keys) |
| \`train.py\` | the training loop (one JSON object per step on stdout: \`step\`, \`loss\`, \`grad_norm\`, \`lr\`) |
| \`config.json\` | the run's settings and what SeqLab derived from them (optimizer, schedule, clipping) |
| \`data.json\` | the training data as token ids; the vocabulary is the tokenizer in \`checkpoint/seqlab.json\` |
| \`checkpoint/\` | the SeqLab checkpoint: weights, optimizer state, schedule position, data position, generator state |

Requirements: Python 3 and PyTorch 1.13 or later (no other package).

## One CPU

    python train.py --steps 1000 --cpu

## One GPU

    python train.py --steps 1000

## N GPUs on one machine

    torchrun --standalone --nproc_per_node=N train.py --steps 1000

## N GPUs on each of M machines

Run on every machine (node rank 0 … M−1), with the address of machine 0:

    torchrun --nnodes=M --nproc_per_node=N --node_rank=RANK --rdzv_backend=c10d --rdzv_endpoint=HOST0:29500 train.py --steps 1000

The batch size is the run's: each of the N×M processes takes about 1/(N×M) of every batch.

## Checkpoints and restarts

Process 0 writes a SeqLab checkpoint to \`runs/step-NNNNNNNN/\` every \`--checkpoint-every\` steps (default: the
run's setting) and at the end, and \`runs/latest\` names the newest one. Start \`train.py\` again (or let
\`torchrun --max-restarts=K\` restart it after a failure) and it resumes from \`runs/latest\`. \`--out DIR\` puts
the checkpoints and \`metrics.jsonl\` (one line per step) elsewhere.

## Back into SeqLab

    seqlab import runs --out my-model        # or: seqlab import . --out my-model

or run "SeqLab: Load Model…" in the editor and pick this folder: it loads the newest checkpoint, and its
completions, Generate, Translate (with attention) and Classify use it.

Dropout draws its random numbers from PyTorch's generator, not SeqLab's, so a run with dropout continues
statistically rather than bit for bit; everything else follows SeqLab's arithmetic to float32 rounding.
`;
}
