/**
 * The exceptions that carry an operator-facing message, a hint and an exit code. The CLI maps them to
 * output in one place. Also the test-only fault points the crash tests stop the process at.
 */
package io.walden.error;
