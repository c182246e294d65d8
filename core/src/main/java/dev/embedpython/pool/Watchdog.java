package dev.embedpython.pool;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.embedpython.interpreter.Interpreter;
import dev.embedpython.interpreter.ThreadState;
import dev.embedpython.support.Threads;

/**
 * Raises {@code TimeoutError} in a call that overran its timeout ({@link Interpreter#interrupt}), which works only
 * from a thread attached to the same interpreter. Attaching blocks for as long as C code holds that
 * interpreter's GIL, so each interpreter has its own watchdog thread and nothing else ever waits on it.
 * <p>
 * Thread contract: {@link #fire} from any thread (the pool's housekeeper); {@link #stop} from the thread ending
 * the interpreter. The watchdog thread attaches only while handling a request.
 */
final class Watchdog {

	private static final long STOP = Long.MIN_VALUE;

	private final PoolEntry entry;

	private final LinkedBlockingQueue<Long> requests = new LinkedBlockingQueue<>();

	private final Thread thread;

	Watchdog(PoolEntry entry, String name) {
		this.entry = entry;
		this.thread = Threads.start(name, this::loop);
	}

	void fire(long callSeq) {
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
			long callSeq;
			try {
				callSeq = this.requests.take();
			}
			catch (InterruptedException ex) {
				return;
			}
			Interpreter interpreter = this.entry.interpreter();
			if (callSeq == STOP || interpreter.isEnded()) {
				return;
			}
			try {
				interpreter.attach();
			}
			catch (IllegalStateException ex) {
				// Ended or retired meanwhile: no call left to interrupt.
				return;
			}
			try {
				// The session counts the call's end with the GIL held, so this check cannot race with it.
				ThreadState target = this.entry.running;
				if (this.entry.callSeq() == callSeq && this.entry.callStartNanos != 0 && target != null) {
					interpreter.interrupt(target);
				}
			}
			finally {
				interpreter.detach();
			}
		}
	}

}
