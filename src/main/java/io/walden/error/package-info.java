/**
 * The exceptions that carry an operator-facing message, a hint and an exit code. The CLI maps them to
 * output in one place.
 */
package io.walden.error;
