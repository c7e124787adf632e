/**
 * Drills and the recovery history: restore a chosen point into a scratch instance, prove it with built-in and
 * operator checks, measure RTO and RPO, tear it down and report; and the events (drills, restores) kept in the
 * repository for the post-incident write-up.
 */
package io.walden.ops.drill;
