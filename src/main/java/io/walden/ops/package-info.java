/**
 * Operations built on backup and restore: the demo today; check, verify, retention and drills later.
 */
package io.walden.ops;
