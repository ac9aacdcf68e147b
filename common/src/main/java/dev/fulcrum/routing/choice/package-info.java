/**
 * The weighted random choice that pool steering and origin steering share: {@link
 * dev.fulcrum.routing.choice.WeightedChoice}, over candidate indices, so a policy of either kind only says how it
 * weighs a candidate. Depends on nothing else of Fulcrum. Non-null everywhere.
 */
package dev.fulcrum.routing.choice;
