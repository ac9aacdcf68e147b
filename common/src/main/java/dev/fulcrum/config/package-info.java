/**
 * The configuration model: immutable records for Cloudflare's load-balancing objects, with every default
 * already applied. Records carry no JSON annotations; {@code config.json} maps them to Cloudflare's snake_case.
 * Nullable components are documented on each record; collections are never null and never mutable.
 */
package dev.fulcrum.config;
