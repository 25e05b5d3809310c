package io.enclave.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads the tenant YAML file into a validated {@link EnclaveConfig}, or throws one
 * {@link ConfigException} listing every problem with its YAML path and line.
 *
 * <p>The file is only composed into a node tree, never constructed into objects, so no tag
 * can instantiate a class; size, alias and nesting limits keep a hostile file from exhausting
 * memory, and a budget on the nodes and characters the tree holds once its aliases are followed
 * keeps a file of aliases from multiplying into more than the binder can walk. {@code ${VAR}} and
 * {@code ${VAR:-default}} are resolved from the given environment in the fields that may hold
 * them (secrets, endpoints, paths: {@link ValueKind}), and no message ever shows a resolved value.
 * Outside {@link DevMode development mode} development defaults, short secrets and Kafka without
 * TLS are problems like any other.
 */
public final class TenantConfigLoader {
    /** Largest accepted file; a config for dozens of tenants is a few tens of KiB. */
    public static final int MAX_BYTES = 1 << 20;
    /** Enough to share a few lists between tenants through anchors, far too few for an alias bomb. */
    static final int MAX_ALIASES = 20;
    /** The schema is six levels deep; deeper nesting is a mistake or an attack on the parser. */
    static final int MAX_NESTING = 20;
    /**
     * Nodes the document may hold once every alias is followed. A config for a hundred tenants
     * has a few tens of thousands; a file of aliases that multiplies beyond this is refused
     * before the binder walks it.
     */
    static final int MAX_EXPANDED_NODES = 100_000;
    /** Characters of scalar text the expanded document may hold: aliases of one long value count each time. */
    static final int MAX_EXPANDED_CHARS = 4 * MAX_BYTES;
    /** Path used for problems that belong to the file as a whole rather than one key. */
    static final String DOCUMENT = "<document>";

    private TenantConfigLoader() {}

    /**
     * Loads {@code file}, resolving {@code ${VAR}} from this process's environment, in development
     * mode only when the environment has {@code ENCLAVE_DEV=1}.
     */
    public static EnclaveConfig load(Path file) {
        return load(file, DevMode.fromEnvironment());
    }

    /** Loads {@code file}, resolving {@code ${VAR}} from this process's environment. */
    public static EnclaveConfig load(Path file, DevMode devMode) {
        return load(file, System.getenv(), devMode);
    }

    /**
     * Loads {@code file}, resolving {@code ${VAR}} from {@code env} only, which keeps tests
     * hermetic; development mode is as this process's environment says.
     */
    public static EnclaveConfig load(Path file, Map<String, String> env) {
        return load(file, env, DevMode.fromEnvironment());
    }

    public static EnclaveConfig load(Path file, Map<String, String> env, DevMode devMode) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        return parse(
                read(file, source), source, env, devMode, file.toAbsolutePath().getParent());
    }

    /**
     * Parses YAML text that came from no file, so every path in it (a tenant's key store) must
     * be absolute.
     *
     * @param sourceName how the text is named in the exception, usually its file name
     */
    public static EnclaveConfig parse(String yaml, String sourceName, Map<String, String> env) {
        return parse(yaml, sourceName, env, DevMode.fromEnvironment(), null);
    }

    /** Parses YAML text, accepting development defaults only when {@code devMode} is on. */
    public static EnclaveConfig parse(String yaml, String sourceName, Map<String, String> env, DevMode devMode) {
        return parse(yaml, sourceName, env, devMode, null);
    }

    /**
     * Parses YAML text, accepting development defaults only when {@code devMode} is on, and
     * resolving relative paths in it against {@code baseDirectory} (the config file's directory),
     * never against the working directory.
     *
     * @param sourceName how the text is named in the exception, usually its file name
     * @param baseDirectory where relative paths start; null to require absolute paths
     */
    public static EnclaveConfig parse(
            String yaml, String sourceName, Map<String, String> env, DevMode devMode, Path baseDirectory) {
        Objects.requireNonNull(devMode, "devMode");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(env, "env");
        // Characters never outnumber UTF-8 bytes, so the cheap length test goes first.
        if (yaml.length() > MAX_BYTES || yaml.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw tooLarge(sourceName);
        }
        Node root = compose(yaml, sourceName);
        checkExpandedSize(root, sourceName);
        Problems problems = new Problems();
        Optional<EnclaveConfig> config =
                new ConfigBinder(new YamlReader(problems, new EnvInterpolator(env), devMode), baseDirectory).bind(root);
        if (!problems.isEmpty() || config.isEmpty()) {
            throw new ConfigException(sourceName, problems.inFileOrder());
        }
        return config.get();
    }

    private static String read(Path file, String source) {
        byte[] bytes;
        // Read at most one byte past the limit, so a huge file or a device is never read whole.
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw single(source, "cannot read the file: it does not exist", 0);
        } catch (IOException e) {
            throw single(source, "cannot read the file: " + e.getClass().getSimpleName() + ": " + e.getMessage(), 0);
        }
        if (bytes.length > MAX_BYTES) {
            throw tooLarge(source);
        }
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw single(source, "the file is not valid UTF-8", 0);
        }
    }

    private static Node compose(String yaml, String source) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_BYTES);
        options.setAllowRecursiveKeys(false);
        // Merging on compose stays off: in snakeyaml 2.5 a self-merge such as "a: &x {<<: *x}" never
        // finishes, and the binder refuses << keys anyway.
        options.setMergeOnCompose(false);
        // compose() stops at the node tree; SafeConstructor is there so this Yaml can never build arbitrary types,
        // and its default tag inspector rejects global tags such as !!java.lang.Runtime while composing.
        Yaml parser = new Yaml(new SafeConstructor(options));
        try {
            return parser.compose(new StringReader(yaml));
        } catch (MarkedYAMLException e) {
            throw single(source, describe(e), lineOf(e));
        } catch (YAMLException e) {
            throw single(source, "rejected by the parser's safety limits: " + e.getMessage(), 0);
        }
    }

    /**
     * Walks the composed tree as the binder would see it, every alias followed each time it
     * appears, and stops at the first node past the budget. snakeyaml limits only aliases of
     * collections; aliases of a long scalar, or a few collection aliases nested, still multiply.
     * The walk keeps its own stack, so even a cyclic graph ends at the budget, not in a stack overflow.
     */
    private static void checkExpandedSize(Node root, String source) {
        if (root == null) {
            return;
        }
        Deque<Node> pending = new ArrayDeque<>();
        pending.push(root);
        long nodes = 0;
        long chars = 0;
        while (!pending.isEmpty()) {
            Node node = pending.pop();
            nodes++;
            if (node instanceof ScalarNode scalar) {
                chars += scalar.getValue().length();
            }
            if (nodes > MAX_EXPANDED_NODES || chars > MAX_EXPANDED_CHARS) {
                String what = nodes > MAX_EXPANDED_NODES
                        ? "more than " + MAX_EXPANDED_NODES + " nodes"
                        : "more than " + MAX_EXPANDED_CHARS + " characters of values";
                throw single(
                        source,
                        "the document expands to " + what + " once its aliases are followed"
                                + " (or an alias refers to its own anchor); write the values out instead of repeating aliases",
                        YamlReader.lineOf(node));
            }
            if (node instanceof MappingNode mapping) {
                List<NodeTuple> tuples = mapping.getValue();
                for (int i = tuples.size() - 1; i >= 0; i--) {
                    pending.push(tuples.get(i).getValueNode());
                    pending.push(tuples.get(i).getKeyNode());
                }
            } else if (node instanceof SequenceNode sequence) {
                List<Node> items = sequence.getValue();
                for (int i = items.size() - 1; i >= 0; i--) {
                    pending.push(items.get(i));
                }
            }
        }
    }

    /**
     * The parser's own words without its source excerpt: the excerpt would copy file content,
     * perhaps a literal password, into logs.
     */
    private static String describe(MarkedYAMLException e) {
        String problem = Objects.requireNonNullElse(e.getProblem(), "");
        String globalTag = "Global tag is not allowed: ";
        if (problem.startsWith(globalTag)) {
            String tag = YamlReader.shortTag(problem.substring(globalTag.length()));
            return "explicit tag " + Scalar.quote(tag) + " is not allowed; write plain YAML values";
        }
        String context = e.getContext();
        if (context == null || context.isEmpty()) {
            return "invalid YAML: " + problem;
        }
        // An unclosed bracket fails far from where it was opened, so say where that was.
        Mark start = e.getContextMark();
        boolean elsewhere = start != null
                && e.getProblemMark() != null
                && start.getLine() != e.getProblemMark().getLine();
        return "invalid YAML: " + context + (elsewhere ? " started on line " + (start.getLine() + 1) : "") + ", "
                + problem;
    }

    private static int lineOf(MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        return mark == null ? 0 : mark.getLine() + 1;
    }

    private static ConfigException tooLarge(String source) {
        return single(source, "the file is larger than " + MAX_BYTES + " bytes (1 MiB)", 0);
    }

    private static ConfigException single(String source, String message, int line) {
        return new ConfigException(source, List.of(new ConfigProblem(DOCUMENT, message, line)));
    }
}
