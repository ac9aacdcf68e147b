/** The live dashboard: a self-contained page over the REST API, served on the API listener by every host. */
package dev.fulcrum.dashboard;
