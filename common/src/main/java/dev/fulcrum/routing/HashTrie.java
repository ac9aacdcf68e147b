package dev.fulcrum.routing;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * A persistent hash map from String to V (a hash array mapped trie, 32 ways per level): {@link #plus} and
 * {@link #minus} copy only the path to one key (about log32 n nodes, two at 5,000 host names) and share the rest,
 * and {@link #get} is a few array reads with no allocation. Used where the request path looks names up (the host
 * index), so that the index follows a configuration change in proportion to the change; pcollections' maps are
 * trees with a comparison or a pointer per level, too slow for a lookup on every request.
 *
 * <p>Immutable. Keys compare by {@link String#equals} with their cached {@link String#hashCode}; null keys and
 * values are refused.
 */
final class HashTrie<V> {

    private static final int BITS = 5;
    private static final int MASK = (1 << BITS) - 1;
    private static final HashTrie<?> EMPTY = new HashTrie<>(null, 0);

    /** A node: {@code bitmap} tells which of the 32 slots are used; {@code slots} holds, per used slot in order,
     *  either a key (String) and its value, or null and a child node. */
    private static final class Node {
        final int bitmap;
        final Object[] slots;

        Node(int bitmap, Object[] slots) {
            this.bitmap = bitmap;
            this.slots = slots;
        }
    }

    /** Keys whose whole 32-bit hashes are equal, below the last level: compared one by one. */
    private static final class Collision {
        final Object[] pairs;

        Collision(Object[] pairs) {
            this.pairs = pairs;
        }
    }

    private final Object root;
    private final int size;

    private HashTrie(Object root, int size) {
        this.root = root;
        this.size = size;
    }

    @SuppressWarnings("unchecked")
    static <V> HashTrie<V> empty() {
        return (HashTrie<V>) EMPTY;
    }

    int size() {
        return size;
    }

    /** The value of {@code key}, or null. */
    @SuppressWarnings("unchecked")
    V get(String key) {
        final int hash = key.hashCode();
        Object node = root;
        int shift = 0;
        while (node instanceof Node n) {
            final int bit = 1 << ((hash >>> shift) & MASK);
            if ((n.bitmap & bit) == 0) {
                return null;
            }
            final int at = 2 * Integer.bitCount(n.bitmap & (bit - 1));
            final Object k = n.slots[at];
            if (k == null) {
                node = n.slots[at + 1];
                shift += BITS;
            } else {
                return key.equals(k) ? (V) n.slots[at + 1] : null;
            }
        }
        if (node instanceof Collision c) {
            for (int i = 0; i < c.pairs.length; i += 2) {
                if (key.equals(c.pairs[i])) {
                    return (V) c.pairs[i + 1];
                }
            }
        }
        return null;
    }

    /** This map with {@code key} mapped to {@code value}. */
    HashTrie<V> plus(String key, V value) {
        if (key == null || value == null) {
            throw new NullPointerException("null key or value");
        }
        final boolean[] added = new boolean[1];
        final Object newRoot = root == null ? leafNode(key, value, key.hashCode(), 0)
                : put(root, key, value, key.hashCode(), 0, added);
        if (root == null) {
            added[0] = true;
        }
        return newRoot == root ? this : new HashTrie<>(newRoot, added[0] ? size + 1 : size);
    }

    /** This map without {@code key}. */
    HashTrie<V> minus(String key) {
        if (root == null) {
            return this;
        }
        final Object newRoot = remove(root, key, key.hashCode(), 0);
        if (newRoot == root) {
            return this;
        }
        return newRoot == null ? empty() : new HashTrie<>(newRoot, size - 1);
    }

    /** Calls {@code action} for every entry, in no particular order. */
    @SuppressWarnings("unchecked")
    void forEach(BiConsumer<String, V> action) {
        walk(root, (BiConsumer<String, Object>) (BiConsumer<?, ?>) action);
    }

    private static void walk(Object node, BiConsumer<String, Object> action) {
        if (node instanceof Node n) {
            for (int i = 0; i < n.slots.length; i += 2) {
                if (n.slots[i] == null) {
                    walk(n.slots[i + 1], action);
                } else {
                    action.accept((String) n.slots[i], n.slots[i + 1]);
                }
            }
        } else if (node instanceof Collision c) {
            for (int i = 0; i < c.pairs.length; i += 2) {
                action.accept((String) c.pairs[i], c.pairs[i + 1]);
            }
        }
    }

    private static Object leafNode(String key, Object value, int hash, int shift) {
        return new Node(1 << ((hash >>> shift) & MASK), new Object[] {key, value});
    }

    private static Object put(Object node, String key, Object value, int hash, int shift, boolean[] added) {
        if (node instanceof Collision c) {
            for (int i = 0; i < c.pairs.length; i += 2) {
                if (key.equals(c.pairs[i])) {
                    if (c.pairs[i + 1] == value) {
                        return node;
                    }
                    final Object[] pairs = c.pairs.clone();
                    pairs[i + 1] = value;
                    return new Collision(pairs);
                }
            }
            final Object[] pairs = Arrays.copyOf(c.pairs, c.pairs.length + 2);
            pairs[c.pairs.length] = key;
            pairs[c.pairs.length + 1] = value;
            added[0] = true;
            return new Collision(pairs);
        }
        final Node n = (Node) node;
        final int bit = 1 << ((hash >>> shift) & MASK);
        final int at = 2 * Integer.bitCount(n.bitmap & (bit - 1));
        if ((n.bitmap & bit) == 0) {
            final Object[] slots = new Object[n.slots.length + 2];
            System.arraycopy(n.slots, 0, slots, 0, at);
            slots[at] = key;
            slots[at + 1] = value;
            System.arraycopy(n.slots, at, slots, at + 2, n.slots.length - at);
            added[0] = true;
            return new Node(n.bitmap | bit, slots);
        }
        final Object k = n.slots[at];
        final Object v = n.slots[at + 1];
        final Object replacement;
        if (k == null) {
            replacement = put(v, key, value, hash, shift + BITS, added);
            if (replacement == v) {
                return node;
            }
        } else if (key.equals(k)) {
            if (v == value) {
                return node;
            }
            final Object[] slots = n.slots.clone();
            slots[at + 1] = value;
            return new Node(n.bitmap, slots);
        } else {
            replacement = split((String) k, v, k.hashCode(), key, value, hash, shift + BITS);
            added[0] = true;
        }
        final Object[] slots = n.slots.clone();
        slots[at] = null;
        slots[at + 1] = replacement;
        return new Node(n.bitmap, slots);
    }

    /** A subtree holding two keys that share the hash bits above {@code shift}. */
    private static Object split(String k1, Object v1, int h1, String k2, Object v2, int h2, int shift) {
        if (shift >= 32) {
            return new Collision(new Object[] {k1, v1, k2, v2});
        }
        final int i1 = (h1 >>> shift) & MASK;
        final int i2 = (h2 >>> shift) & MASK;
        if (i1 == i2) {
            return new Node(1 << i1, new Object[] {null, split(k1, v1, h1, k2, v2, h2, shift + BITS)});
        }
        return i1 < i2 ? new Node((1 << i1) | (1 << i2), new Object[] {k1, v1, k2, v2})
                : new Node((1 << i1) | (1 << i2), new Object[] {k2, v2, k1, v1});
    }

    /** The node without {@code key}: the same node when absent, null when it becomes empty. */
    private static Object remove(Object node, String key, int hash, int shift) {
        if (node instanceof Collision c) {
            for (int i = 0; i < c.pairs.length; i += 2) {
                if (key.equals(c.pairs[i])) {
                    if (c.pairs.length == 2) {
                        return null;
                    }
                    final Object[] pairs = new Object[c.pairs.length - 2];
                    System.arraycopy(c.pairs, 0, pairs, 0, i);
                    System.arraycopy(c.pairs, i + 2, pairs, i, c.pairs.length - i - 2);
                    return new Collision(pairs);
                }
            }
            return node;
        }
        final Node n = (Node) node;
        final int bit = 1 << ((hash >>> shift) & MASK);
        if ((n.bitmap & bit) == 0) {
            return node;
        }
        final int at = 2 * Integer.bitCount(n.bitmap & (bit - 1));
        final Object k = n.slots[at];
        if (k == null) {
            final Object child = n.slots[at + 1];
            final Object smaller = remove(child, key, hash, shift + BITS);
            if (smaller == child) {
                return node;
            }
            if (smaller != null) {
                final Object[] slots = n.slots.clone();
                slots[at + 1] = smaller;
                return new Node(n.bitmap, slots);
            }
        } else if (!key.equals(k)) {
            return node;
        }
        // The slot goes away (its key, or its emptied child). A node left empty disappears; a child left with
        // one key is not pulled up: lookups stay correct, and the depth is bounded by the 32-bit hash anyway.
        if (n.slots.length == 2) {
            return null;
        }
        final Object[] slots = new Object[n.slots.length - 2];
        System.arraycopy(n.slots, 0, slots, 0, at);
        System.arraycopy(n.slots, at + 2, slots, at, n.slots.length - at - 2);
        return new Node(n.bitmap & ~bit, slots);
    }
}
