/**
 * The command line: picocli commands that parse flags, open the repository, call one service and render
 * text or JSON. {@link io.walden.cli.Walden} is the one place that turns failures into messages and exit codes.
 */
package io.walden.cli;
