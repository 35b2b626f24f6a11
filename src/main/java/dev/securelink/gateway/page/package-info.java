/**
 * The one writer of the gateway's own pages: every message page and the e-mail prompt,
 * rendered once per language at start-up around markers where a request's values go, so
 * that no template runs on an event loop; the page language; the page marker that tells
 * the gateway's pages from the document service's.
 */
@NullMarked
package dev.securelink.gateway.page;

import org.jspecify.annotations.NullMarked;
