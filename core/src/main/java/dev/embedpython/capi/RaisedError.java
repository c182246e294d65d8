package dev.embedpython.capi;

import org.jspecify.annotations.Nullable;

/**
 * A Python exception fetched from CPython as plain data: the binding knows no Java exception types. The layer
 * above turns it into the public exceptions through the {@link ErrorTranslator} it installs.
 * @param typeName the qualified type name ({@code ValueError}, {@code json.decoder.JSONDecodeError})
 * @param message {@code str(exception)}
 * @param traceback the formatted traceback, as {@code traceback.format_exception} prints it
 * @param syntaxError whether the type is {@code SyntaxError} or a subclass
 * @param line the {@code lineno} of a syntax error (0 when unknown or not a syntax error)
 * @param column the {@code offset} of a syntax error (0 when unknown or not a syntax error)
 * @param cause the {@code __cause__}, else the {@code __context__} unless suppressed; {@code null} when none
 */
public record RaisedError(String typeName, String message, String traceback, boolean syntaxError, int line,
		int column, @Nullable RaisedError cause) {

	/**
	 * {@code Type: message}, or the type alone when the message is empty.
	 * @return the description
	 */
	public String describe() {
		return this.message.isEmpty() ? this.typeName : this.typeName + ": " + this.message;
	}

}
