package io.regen.realtime.platform.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.regen.realtime.platform.testing.MarkdownLinks;
import io.regen.realtime.platform.testing.RepositoryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every relative link and anchor of README.md, docs/*.md, runbooks/*.md and the client SDK's README
 * leads somewhere: a doc that points a newcomer at a renamed file or a reworded heading fails the
 * build.
 */
class DocLinksTest {

  static Stream<Path> docs() throws IOException {
    Stream.Builder<Path> docs = Stream.builder();
    docs.add(RepositoryFiles.resolve("README.md"));
    docs.add(RepositoryFiles.resolve("clients/typescript/README.md"));
    for (String dir : List.of("docs", "runbooks")) {
      try (Stream<Path> files = Files.list(RepositoryFiles.resolve(dir))) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
      }
    }
    return docs.build();
  }

  @ParameterizedTest
  @MethodSource("docs")
  void everyRelativeLinkAndAnchorResolves(Path doc) {
    assertThat(MarkdownLinks.broken(doc)).as("broken links in %s", doc).isEmpty();
  }

  @Test
  void findsTheDocsAndTheirHeadings() throws IOException {
    assertThat(docs().map(d -> d.getFileName().toString()))
        .contains("README.md", "architecture.md", "protocol.md");
    assertThat(MarkdownLinks.anchors(RepositoryFiles.resolve("docs/operations.md")))
        .contains("container-image-and-compose");
  }

  @Test
  void reportsAMissingFileAMissingAnchorAndAnAnchorIntoANonMarkdownFile(@TempDir Path dir)
      throws IOException {
    Files.writeString(
        dir.resolve("target.md"),
        "# Kafka client settings: joining a `secured` cluster\n\n## Tokens\n");
    Files.writeString(dir.resolve("alerts.yml"), "groups: []\n");
    Files.createDirectory(dir.resolve("runbooks"));
    Path doc = dir.resolve("doc.md");
    Files.writeString(
        doc,
        String.join(
            "\n",
            "# Intro",
            "[ok](target.md#kafka-client-settings-joining-a-secured-cluster) [ok](#intro)",
            "[gone](missing.md) [renamed](target.md#token) [self](#outro)",
            "[dir](runbooks/) [file](alerts.yml) [into yml](alerts.yml#groups)",
            "```",
            "[in code](nowhere.md)",
            "```",
            "`[inline](nowhere.md)` [web](https://example.com/x.md)"));

    assertThat(MarkdownLinks.broken(doc))
        .containsExactly(
            "doc.md:3: missing.md (no such file)",
            "doc.md:3: target.md#token (no such heading)",
            "doc.md:3: #outro (no such heading)",
            "doc.md:4: alerts.yml#groups (anchor into a file that is not Markdown)");
  }

  @Test
  void aRepeatedHeadingGetsANumberedAnchorAndAnHtmlAnchorCounts(@TempDir Path dir)
      throws IOException {
    Path doc = dir.resolve("doc.md");
    Files.writeString(
        doc,
        "## Setup\n\n## Setup\n\n<a id=\"limits\"></a>\n"
            + "[second](#setup-1) [third](#setup-2) [html](#limits)\n");

    assertThat(MarkdownLinks.broken(doc)).containsExactly("doc.md:6: #setup-2 (no such heading)");
  }
}
