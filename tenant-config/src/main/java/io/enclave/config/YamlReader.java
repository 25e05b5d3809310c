package io.enclave.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads a composed YAML node tree by hand, so every node is checked where it is used and
 * every mistake is reported with its path and line instead of failing on the first.
 */
final class YamlReader {
    /** Keys that read as a dotted path are left alone; anything else is bracketed to stay unambiguous. */
    private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

    /** One key and its value in a mapping. */
    record Entry(String key, Node keyNode, Node value) {
        int keyLine() {
            return lineOf(keyNode);
        }
    }

    private final Problems problems;
    private final EnvInterpolator env;
    private final DevMode devMode;
    private final Resolver implicitTags = new Resolver();

    YamlReader(Problems problems, EnvInterpolator env, DevMode devMode) {
        this.problems = problems;
        this.env = env;
        this.devMode = devMode;
    }

    DevMode devMode() {
        return devMode;
    }

    static int lineOf(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    static String child(String path, String key) {
        if (!SIMPLE_KEY.matcher(key).matches()) {
            return path + "['" + key + "']";
        }
        return path.isEmpty() ? key : path + "." + key;
    }

    static String item(String path, int index) {
        return path + "[" + index + "]";
    }

    void problem(String path, String message, int line) {
        problems.add(path, message, line);
    }

    void problem(Scalar at, String message) {
        problems.add(at.path(), message, at.line());
    }

    /** Reports a value that breaks {@code pattern}, quoting the pattern as the rule to follow. */
    boolean matches(Scalar value, Pattern pattern) {
        if (pattern.matcher(value.text()).matches()) {
            return true;
        }
        problem(value, value.quoted() + " must match " + pattern.pattern());
        return false;
    }

    /** Reports a problem about a value unless {@code ok}; the message follows the quoted value. */
    boolean check(Scalar value, boolean ok, String problem) {
        if (!ok) {
            problem(value, value.quoted() + " " + problem);
        }
        return ok;
    }

    /** A YAML null ({@code ~}, {@code null} or nothing after the colon) counts as not given. */
    static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && scalar.isPlain() && Tag.NULL.equals(scalar.getTag());
    }

    /**
     * Rejects a node whose tag was written explicitly. The tree is never constructed into
     * objects, but a tag like {@code !!java.lang.Runtime} or {@code !!binary} is never a
     * legitimate config value, so it is refused outright rather than silently read as text.
     */
    boolean isUntagged(Node node, String path) {
        Tag implicit = switch (node.getNodeId()) {
            case mapping -> Tag.MAP;
            case sequence -> Tag.SEQ;
            default -> implicitScalarTag((ScalarNode) node);
        };
        if (implicit.equals(node.getTag())) {
            return true;
        }
        problem(
                path,
                "explicit tag " + Scalar.quote(shortTag(node.getTag().getValue()))
                        + " is not allowed; write plain YAML values",
                lineOf(node));
        return false;
    }

    private Tag implicitScalarTag(ScalarNode scalar) {
        return scalar.isPlain() ? implicitTags.resolve(NodeId.scalar, scalar.getValue(), true) : Tag.STR;
    }

    /** A tag as it is usually written, e.g. {@code !!java.lang.Runtime}. */
    static String shortTag(String value) {
        if (value.startsWith(Tag.PREFIX)) {
            return "!!" + value.substring(Tag.PREFIX.length());
        }
        return value.startsWith("!") ? value : "!<" + value + ">";
    }

    /** What a node is, for "expected X, got Y" messages; scalars show the file's own text. */
    static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        return switch (node.getNodeId()) {
            case mapping -> "a mapping";
            case sequence -> "a list";
            default -> Scalar.quote(((ScalarNode) node).getValue());
        };
    }

    /** The entries of a mapping in file order; a repeated key is a problem and its value is ignored. */
    Optional<Map<String, Entry>> mapping(Node node, String path) {
        if (!isUntagged(node, path)) {
            return Optional.empty();
        }
        if (!(node instanceof MappingNode mapping)) {
            problem(path, "expected a mapping, got " + describe(node), lineOf(node));
            return Optional.empty();
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            Optional<String> key = key(tuple.getKeyNode(), path);
            if (key.isEmpty()) {
                continue;
            }
            Entry entry = new Entry(key.get(), tuple.getKeyNode(), tuple.getValueNode());
            Entry first = entries.putIfAbsent(key.get(), entry);
            if (first != null) {
                problem(
                        child(path, key.get()),
                        "duplicate key " + Scalar.quote(key.get()) + "; it was first given on line " + first.keyLine(),
                        entry.keyLine());
            }
        }
        return Optional.of(entries);
    }

    private Optional<String> key(Node keyNode, String path) {
        if (!isUntagged(keyNode, path)) {
            return Optional.empty();
        }
        if (!(keyNode instanceof ScalarNode scalar)) {
            problem(path, "keys must be plain strings, got " + describe(keyNode), lineOf(keyNode));
            return Optional.empty();
        }
        if (Tag.MERGE.equals(scalar.getTag())) {
            // Merged values would make it hard to see what one tenant really gets; every tenant is spelled out.
            problem(
                    child(path, scalar.getValue()),
                    "merge keys (<<) are not supported; write the values out",
                    lineOf(keyNode));
            return Optional.empty();
        }
        return Optional.of(scalar.getValue());
    }

    /** A view of a mapping that knows its allowed keys and reports the others. */
    Optional<YamlSection> section(Node node, String path, int line, List<String> keys) {
        return mapping(node, path).map(entries -> YamlSection.present(this, path, line, entries, keys));
    }

    Optional<List<Node>> sequence(Node node, String path) {
        if (!isUntagged(node, path)) {
            return Optional.empty();
        }
        if (!(node instanceof SequenceNode sequence)) {
            problem(path, "expected a list, got " + describe(node), lineOf(node));
            return Optional.empty();
        }
        return Optional.of(new ArrayList<>(sequence.getValue()));
    }

    /** Like {@link #scalar} where a value must be written, as in a list item or a free-form map. */
    Optional<Scalar> requiredScalar(Node node, String path) {
        return requiredScalar(node, path, ValueKind.LITERAL);
    }

    Optional<Scalar> requiredScalar(Node node, String path, ValueKind kind) {
        if (isNull(node)) {
            problem(path, "has no value", lineOf(node));
            return Optional.empty();
        }
        return scalar(node, path, kind);
    }

    /** A single value written out in the file; a {@code ${...}} reference in it is a problem. */
    Optional<Scalar> scalar(Node node, String path) {
        return scalar(node, path, ValueKind.LITERAL);
    }

    /**
     * Refuses, outside development mode, a secret no real deployment may run with: a
     * development default or one shorter than {@link DevMode#MIN_SECRET_LENGTH}. Empty means not
     * given and is left to the caller. The messages never quote the secret, not even as written.
     */
    boolean isStrongSecret(Scalar secret) {
        Optional<String> refusal = devMode.refusal(secret.text());
        refusal.ifPresent(reason -> problem(secret, reason));
        return refusal.isEmpty();
    }

    /**
     * A single value with its {@code ${...}} references resolved where {@code kind} allows them;
     * empty when null or already reported.
     */
    Optional<Scalar> scalar(Node node, String path, ValueKind kind) {
        if (!isUntagged(node, path) || isNull(node)) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(path, "expected a single value, got " + describe(node), lineOf(node));
            return Optional.empty();
        }
        EnvInterpolator.Result resolved = env.resolve(scalar.getValue(), kind);
        resolved.problems().forEach(message -> problem(path, message, lineOf(node)));
        if (!resolved.ok()) {
            return Optional.empty();
        }
        return Optional.of(new Scalar(resolved.text(), scalar.getValue(), path, lineOf(node)));
    }
}
