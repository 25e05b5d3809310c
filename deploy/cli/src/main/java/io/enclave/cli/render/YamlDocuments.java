package io.enclave.cli.render;

import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/** Writes rendered manifests as block-style YAML, the way people write them by hand. */
final class YamlDocuments {
    private YamlDocuments() {}

    static String dump(Map<String, Object> document) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setIndicatorIndent(2);
        options.setIndentWithIndicator(true);
        options.setWidth(120);
        options.setSplitLines(false);
        // Manifests are read by people and by kubectl; anchors and aliases would only confuse both.
        options.setDereferenceAliases(true);
        return new Yaml(options).dump(document);
    }
}
