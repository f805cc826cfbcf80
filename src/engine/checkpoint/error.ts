// The one error of reading or writing a checkpoint: its message is for the user, one line naming the file,
// field or tensor and what is wrong (the CLI prints it as `seqlab: <message>`, exit 1).
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}
