// At most `limit` pieces of work at once; the rest wait their turn, first come first served.
export class Gate {
	private running = 0;
	private waiting: (() => void)[] = [];
	constructor(private limit: number) {}

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
		else this.running++;
		try {
			return await work();
		} finally {
			// the place passes to the next in line (running stays), or is given back
			const next = this.waiting.shift();
			if (next) next();
			else this.running--;
		}
	}

	get queued(): number {
		return this.waiting.length;
	}
}
