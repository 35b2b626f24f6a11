/**
 * securelink-gateway: the edge service that checks a mailed link's code (and the
 * recipient's address), issues a short session and only then reverse-proxies to the
 * document service. Each subpackage is one feature; the allowed dependencies between them
 * are listed in the architecture test.
 */
@NullMarked
package dev.securelink.gateway;

import org.jspecify.annotations.NullMarked;
