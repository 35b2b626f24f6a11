/**
 * What every public response shares: the client's address behind trusted proxies,
 * security headers, the page language, and the gateway's own server-rendered pages.
 */
package dev.securelink.gateway.web;
