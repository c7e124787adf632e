/**
 * Operations built on the repository, backup and restore: the demo, status (the recoverable window),
 * verify, the health check, and retention (planning is a pure function; carrying it out takes the lock).
 */
package io.walden.ops;
