package dev.embedpython.pool;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.embedpython.PoolListener;
import org.jspecify.annotations.Nullable;

/**
 * The listeners of one pool as one {@link PoolListener}: the one set with
 * {@link dev.embedpython.PythonPool#setPoolListener} first, then the added ones in order. A listener that throws
 * (which the contract forbids) is logged and does not keep the event from the others or from the pool.
 * <p>
 * Thread contract: immutable; the pool swaps in a new chain when its listeners change.
 */
final class PoolListenerChain implements PoolListener {

	private static final Logger logger = System.getLogger(PoolListenerChain.class.getName());

	private final String poolName;

	private final List<PoolListener> listeners;

	private PoolListenerChain(String poolName, List<PoolListener> listeners) {
		this.poolName = poolName;
		this.listeners = listeners;
	}

	/**
	 * The listener the pool should call.
	 * @param poolName the pool's name, for the log
	 * @param primary the listener set with {@code setPoolListener}, or {@code null}
	 * @param added the added listeners
	 * @return {@code null} for none, else a chain (even of one, so that a throwing listener is contained)
	 */
	static @Nullable PoolListener of(String poolName, @Nullable PoolListener primary, List<PoolListener> added) {
		List<PoolListener> all = new ArrayList<>();
		if (primary != null) {
			all.add(primary);
		}
		all.addAll(added);
		if (all.isEmpty()) {
			return null;
		}
		return new PoolListenerChain(poolName, List.copyOf(all));
	}

	@Override
	public void acquired(long waitedNanos) {
		forEach((listener) -> listener.acquired(waitedNanos));
	}

	@Override
	public void acquireTimedOut(long waitedNanos) {
		forEach((listener) -> listener.acquireTimedOut(waitedNanos));
	}

	@Override
	public void recycled(String reason) {
		forEach((listener) -> listener.recycled(reason));
	}

	@Override
	public void callTimedOut() {
		forEach(PoolListener::callTimedOut);
	}

	@Override
	public void closed() {
		forEach(PoolListener::closed);
	}

	private void forEach(Consumer<PoolListener> event) {
		for (PoolListener listener : this.listeners) {
			try {
				event.accept(listener);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "A listener of pool '" + this.poolName + "' failed: " + listener, ex);
			}
		}
	}

}
