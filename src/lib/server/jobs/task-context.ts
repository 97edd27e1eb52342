// What every job task gets as its last parameter (a module of its own: tasks in files of their own,
// such as ./scenario-task.ts, take it without importing the task table).
export interface TaskContext {
	/** Sends a piece of the result ahead of the answer; resolves once it is taken (streamed jobs). */
	part: (value: unknown) => Promise<void>;
}
