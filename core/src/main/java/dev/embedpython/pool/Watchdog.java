package dev.embedpython.pool;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.embedpython.capi.CPython;
import dev.embedpython.interpreter.ThreadState;

/**
 * Raises {@code TimeoutError} in a call that overran its timeout, with {@code PyThreadState_SetAsyncExc}, which
 * works only from a thread attached to the same interpreter. Attaching blocks for as long as C code holds that
 * interpreter's GIL, so each interpreter has its own watchdog thread and nothing else ever waits on it.
 * <p>
 * Thread contract: {@link #fire} from any thread (the pool's housekeeper); {@link #stop} from the thread ending
 * the interpreter. The watchdog thread attaches only while handling a request.
 */
final class Watchdog {

	private static final int STOP = Integer.MIN_VALUE;

	private final PoolEntry entry;

	private final long timeoutError;

	private final LinkedBlockingQueue<Integer> requests = new LinkedBlockingQueue<>();

	private final Thread thread;

	Watchdog(PoolEntry entry, long timeoutError, String name) {
		this.entry = entry;
		this.timeoutError = timeoutError;
		this.thread = new Thread(this::loop, name);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	void fire(int callSeq) {
		this.requests.add(callSeq);
	}

	void stop() {
		this.requests.add(STOP);
		if (Thread.currentThread() != this.thread) {
			try {
				this.thread.join(TimeUnit.SECONDS.toMillis(10));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private void loop() {
		while (true) {
			int callSeq;
			try {
				callSeq = this.requests.take();
			}
			catch (InterruptedException ex) {
				return;
			}
			if (callSeq == STOP || this.entry.interpreter.isEnded()) {
				return;
			}
			this.entry.interpreter.attach();
			try {
				// The session bumps callSeq with the GIL held, so this check cannot race with the call's end.
				ThreadState target = this.entry.running;
				if (this.entry.callSeq == callSeq && this.entry.callStartNanos != 0 && target != null) {
					CPython.PyThreadState_SetAsyncExc(target.ident(), this.timeoutError);
				}
			}
			finally {
				this.entry.interpreter.detach();
			}
		}
	}

}
