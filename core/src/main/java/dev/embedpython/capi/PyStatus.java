package dev.embedpython.capi;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * {@code PyStatus}, returned by value from {@code Py_InitializeFromConfig} and
 * {@code Py_NewInterpreterFromConfig}. Its layout is the same in 3.13 and 3.14.
 * <p>
 * Thread contract: a plain value, confined to the thread that received it.
 */
@FieldOrder({ "_type", "func", "err_msg", "exitcode" })
public class PyStatus extends Structure {

	/** {@code _PyStatus_TYPE_OK}. */
	public static final int TYPE_OK = 0;

	/** {@code _PyStatus_TYPE_ERROR}. */
	public static final int TYPE_ERROR = 1;

	/** {@code _PyStatus_TYPE_EXIT}. */
	public static final int TYPE_EXIT = 2;

	public int _type;

	public Pointer func;

	public Pointer err_msg;

	public int exitcode;

	/**
	 * Whether the status is an error or exit request.
	 * @return {@code true} unless OK
	 */
	public boolean isException() {
		return this._type != TYPE_OK;
	}

	/**
	 * CPython's text for a failed status.
	 * @return {@code func: err_msg} or the exit code
	 */
	public String describe() {
		if (this._type == TYPE_EXIT) {
			return "CPython requested exit with code " + this.exitcode;
		}
		String message = (this.err_msg != null) ? this.err_msg.getString(0, "UTF-8") : "unknown error";
		return (this.func != null) ? this.func.getString(0, "UTF-8") + ": " + message : message;
	}

	/**
	 * By-value variant for return types.
	 */
	public static class ByValue extends PyStatus implements Structure.ByValue {

	}

}
