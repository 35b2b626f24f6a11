/**
 * What every public response shares: the client's address behind trusted proxies,
 * security headers, the page language, and the gateway's own server-rendered pages.
 */
@NullMarked
package dev.securelink.gateway.web;

import org.jspecify.annotations.NullMarked;
