/**
 * The {@code demo} profile of {@code ./mvnw spring-boot:run}: an in-process document
 * service, a development token issuer, and demo links created through the admin API. The
 * plain {@code java -jar} start never enables it.
 */
@NullMarked
package dev.securelink.gateway.demo;

import org.jspecify.annotations.NullMarked;
