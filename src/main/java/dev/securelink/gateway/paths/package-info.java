/**
 * Every path the gateway owns, and how a raw request path is read in any spelling: a leaf
 * of the package map that imports nothing of the gateway, so that every feature, the edge
 * and the tests can name the paths without depending on each other.
 */
@NullMarked
package dev.securelink.gateway.paths;

import org.jspecify.annotations.NullMarked;
