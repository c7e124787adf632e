/**
 * The object container: every object in a repository is a header (magic, version, compression, key id,
 * metadata), a compressed and optionally encrypted chunked body, and a trailer with the plaintext length
 * and SHA-256. Reading an object back checks the trailer (and, when encrypted, authenticates it against
 * its name and header); keysets and their files live here too. Nothing here knows where objects are stored.
 */
package io.walden.codec;
