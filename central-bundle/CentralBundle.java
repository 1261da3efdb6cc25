import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks a Maven repository directory staged by {@code ./mvnw -Prelease verify} against what Maven Central
 * requires, then zips it into the bundle the Central Portal accepts (its upload API takes exactly this zip).
 * A single-file program (JDK 17+): {@code java CentralBundle.java --staging=DIR --group=io.jmio
 * --version=0.1.0 --artifacts=a,b --gpg-skip=true|false [--zip=OUT.zip] [--self-test=true]}. Exit status 1
 * and one line per problem when anything is missing; nothing is zipped then. {@code --self-test=true} first
 * plants one defect at a time in copies of the staged tree and fails unless the check reports each.
 *
 * <p>Checked for each expected artifact, in {@code group/artifact/version/}: exactly the expected artifacts
 * and one version, the release version (nothing named SNAPSHOT anywhere); the {@code .pom}, {@code .jar},
 * {@code -sources.jar} and {@code -javadoc.jar}; an {@code .md5} and {@code .sha1} beside every file that
 * match its bytes; an armored {@code .asc} beside every file when signing is on (when it is off, the lack is
 * reported as a warning: Central would refuse that bundle); the POM's coordinates, name, description, url,
 * licence (name and url), developer, scm (connection and url), no parent, no unresolved {@code ${...}},
 * every dependency with a version; the jar holds classes, the sources jar {@code .java} files, the javadoc
 * jar an {@code index.html}.
 *
 * <p>Threading: a command-line program, one thread.
 */
public final class CentralBundle {

    private static final List<String> CHECKSUMS = List.of("md5", "sha1");

    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (!a.startsWith("--") || eq < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + a);
            }
            opt.put(a.substring(2, eq), a.substring(eq + 1));
        }
        Path staging = Path.of(required(opt, "staging"));
        String group = required(opt, "group");
        String version = required(opt, "version");
        List<String> artifacts = List.of(required(opt, "artifacts").split(","));
        boolean signed = "false".equals(required(opt, "gpg-skip"));

        if ("true".equals(opt.get("self-test"))) {
            selfTest(staging, group, version, artifacts);
        }
        CentralBundle check = new CentralBundle();
        check.check(staging, group, version, artifacts, signed);
        check.warnings.forEach(w -> System.out.println("[central-bundle] WARNING " + w));
        if (!check.problems.isEmpty()) {
            check.problems.forEach(p -> System.out.println("[central-bundle] PROBLEM " + p));
            System.out.println("[central-bundle] " + check.problems.size() + " problem(s) in " + staging
                    + ": not a bundle Maven Central accepts");
            System.exit(1);
        }
        System.out.println("[central-bundle] OK: " + artifacts.size() + " artifacts of " + group + " " + version
                + " staged in " + staging + (signed ? ", signed" : ", UNSIGNED (no key configured)"));
        String zip = opt.get("zip");
        if (zip != null) {
            int n = zip(staging, Path.of(zip));
            System.out.println("[central-bundle] wrote " + zip + " (" + n + " files)");
        }
    }

    /**
     * Checks the checker: on copies of the staged bundle, each with one defect Central would refuse, the
     * check must report that defect. Fails (exit 1) if a defect goes unreported.
     */
    private static void selfTest(Path staging, String group, String version, List<String> artifacts)
            throws Exception {
        String first = artifacts.get(0);
        String base = group.replace('.', '/') + "/" + first + "/" + version + "/" + first + "-" + version;
        Map<String, Mutation> cases = new LinkedHashMap<>();
        cases.put("missing " + first + "-" + version + "-javadoc.jar",
                dir -> Files.delete(dir.resolve(base + "-javadoc.jar")));
        cases.put(".sha1 does not match",
                dir -> Files.writeString(dir.resolve(base + ".jar.sha1"), "0000"));
        cases.put("the POM lacks <licenses/license/name>",
                dir -> rewritePom(dir.resolve(base + ".pom"), "<licenses>", "</licenses>"));
        cases.put("the POM names a parent",
                dir -> rewritePom(dir.resolve(base + ".pom"), "<modelVersion>4.0.0</modelVersion>",
                        "<modelVersion>4.0.0</modelVersion><parent><groupId>" + group
                                + "</groupId><artifactId>p</artifactId><version>1</version></parent>"));
        cases.put("staged but not meant to be published",
                dir -> Files.createDirectories(dir.resolve(group.replace('.', '/') + "/examples/" + version)));
        cases.put("SNAPSHOT in a release bundle",
                dir -> Files.createDirectories(dir.resolve(group.replace('.', '/') + "/" + first + "/1-SNAPSHOT")));
        List<String> unreported = new ArrayList<>();
        for (Map.Entry<String, Mutation> c : cases.entrySet()) {
            Path copy = Files.createTempDirectory("central-bundle-selftest");
            try {
                copyTree(staging, copy);
                c.getValue().apply(copy);
                CentralBundle check = new CentralBundle();
                check.check(copy, group, version, artifacts, false);
                if (check.problems.stream().noneMatch(p -> p.contains(c.getKey()))) {
                    unreported.add(c.getKey() + " (reported: " + check.problems + ")");
                }
            } finally {
                deleteTree(copy);
            }
        }
        CentralBundle signedCheck = new CentralBundle();
        signedCheck.check(staging, group, version, artifacts, true);
        boolean ascChecked = signedCheck.problems.stream().anyMatch(p -> p.contains("signing is on but"))
                || Files.exists(staging.resolve(base + ".pom.asc"));
        if (!ascChecked) {
            unreported.add("a missing .asc with signing on");
        }
        if (!unreported.isEmpty()) {
            unreported.forEach(u -> System.out.println("[central-bundle] SELF-TEST FAILED: not reported: " + u));
            System.exit(1);
        }
        System.out.println("[central-bundle] self-test: " + (cases.size() + 1) + " planted defects, each reported");
    }

    private interface Mutation {
        void apply(Path dir) throws IOException;
    }

    private static void rewritePom(Path pom, String from, String toOrEnd) throws IOException {
        String text = Files.readString(pom);
        int i = text.indexOf(from);
        if (toOrEnd.startsWith("</")) {
            int j = text.indexOf(toOrEnd, i) + toOrEnd.length();
            text = text.substring(0, i) + text.substring(j);
        } else {
            text = text.substring(0, i) + toOrEnd + text.substring(i + from.length());
        }
        Files.writeString(pom, text);
        rewriteChecksums(pom);
    }

    private static void rewriteChecksums(Path file) throws IOException {
        try {
            for (String algorithm : CHECKSUMS) {
                Files.writeString(file.resolveSibling(file.getFileName() + "." + algorithm), digest(file, algorithm));
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    private static String required(Map<String, String> opt, String name) {
        String v = opt.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing --" + name + "=...");
        }
        return v;
    }

    void check(Path staging, String group, String version, List<String> artifacts, boolean signed)
            throws Exception {
        if (version.contains("SNAPSHOT")) {
            problems.add("version " + version + " is a SNAPSHOT: a release build must set a release version");
        }
        Path groupDir = staging.resolve(group.replace('.', '/'));
        if (!Files.isDirectory(groupDir)) {
            problems.add("nothing staged under " + groupDir);
            return;
        }
        try (Stream<Path> all = Files.walk(staging)) {
            all.filter(p -> p.toString().contains("SNAPSHOT"))
                    .forEach(p -> problems.add("SNAPSHOT in a release bundle: " + staging.relativize(p)));
        }
        Set<String> staged = names(groupDir);
        Set<String> unexpected = new TreeSet<>(staged);
        unexpected.removeAll(artifacts);
        unexpected.forEach(a -> problems.add("staged but not meant to be published: " + group + ":" + a));
        for (String artifact : artifacts) {
            Path dir = groupDir.resolve(artifact);
            if (!Files.isDirectory(dir)) {
                problems.add("missing artifact " + group + ":" + artifact);
                continue;
            }
            Set<String> versions = new TreeSet<>();
            for (String name : names(dir)) {
                if (Files.isDirectory(dir.resolve(name))) {
                    versions.add(name);
                }
            }
            if (!versions.equals(Set.of(version))) {
                problems.add(artifact + ": versions staged " + versions + ", expected only [" + version + "]");
            }
            Path vdir = dir.resolve(version);
            if (Files.isDirectory(vdir)) {
                checkVersionDir(vdir, group, artifact, version, signed);
            }
        }
    }

    private void checkVersionDir(Path vdir, String group, String artifact, String version, boolean signed)
            throws Exception {
        String base = artifact + "-" + version;
        for (String suffix : List.of(".pom", ".jar", "-sources.jar", "-javadoc.jar")) {
            if (!Files.isRegularFile(vdir.resolve(base + suffix))) {
                problems.add(artifact + ": missing " + base + suffix);
            }
        }
        for (String name : names(vdir)) {
            if (isSidecar(name)) {
                continue;
            }
            if (!name.startsWith(base)) {
                problems.add(artifact + ": unexpected file " + name);
            }
            Path file = vdir.resolve(name);
            for (String algorithm : CHECKSUMS) {
                Path sum = vdir.resolve(name + "." + algorithm);
                if (!Files.isRegularFile(sum)) {
                    problems.add(artifact + ": missing " + sum.getFileName());
                } else if (!Files.readString(sum).trim().split("\\s+")[0].equalsIgnoreCase(digest(file, algorithm))) {
                    problems.add(artifact + ": " + sum.getFileName() + " does not match " + name);
                }
            }
            Path asc = vdir.resolve(name + ".asc");
            if (signed && !Files.isRegularFile(asc)) {
                problems.add(artifact + ": signing is on but " + asc.getFileName() + " is missing");
            } else if (Files.isRegularFile(asc)
                    && !Files.readString(asc).startsWith("-----BEGIN PGP SIGNATURE-----")) {
                problems.add(artifact + ": " + asc.getFileName() + " is not an armored PGP signature");
            } else if (!signed && name.endsWith(".pom")) {
                warnings.add(artifact + ": unsigned (no gpg key configured); Central needs a .asc per file");
            }
        }
        Path pom = vdir.resolve(base + ".pom");
        if (Files.isRegularFile(pom)) {
            checkPom(pom, group, artifact, version);
        }
        checkJar(vdir.resolve(base + ".jar"), artifact, ".class");
        checkJar(vdir.resolve(base + "-sources.jar"), artifact, ".java");
        checkJar(vdir.resolve(base + "-javadoc.jar"), artifact, "index.html");
    }

    private static boolean isSidecar(String name) {
        return name.endsWith(".md5") || name.endsWith(".sha1") || name.endsWith(".sha256")
                || name.endsWith(".sha512") || name.endsWith(".asc");
    }

    private void checkPom(Path pom, String group, String artifact, String version) throws Exception {
        String text = Files.readString(pom);
        if (text.contains("${")) {
            problems.add(artifact + ": the POM has an unresolved property: "
                    + text.substring(text.indexOf("${"), Math.min(text.length(), text.indexOf("${") + 40)));
        }
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(false);
        Document doc = f.newDocumentBuilder().parse(pom.toFile());
        Element project = doc.getDocumentElement();
        expect(artifact, project, "groupId", group);
        expect(artifact, project, "artifactId", artifact);
        expect(artifact, project, "version", version);
        for (String path : List.of("name", "description", "url", "licenses/license/name", "licenses/license/url",
                "developers/developer/name", "scm/connection", "scm/url")) {
            if (text(project, path).isEmpty()) {
                problems.add(artifact + ": the POM lacks <" + path + ">, which Central requires");
            }
        }
        if (child(project, "parent") != null) {
            problems.add(artifact + ": the POM names a parent that is not published (flatten it)");
        }
        Element deps = child(project, "dependencies");
        if (deps != null) {
            for (Element dep : children(deps, "dependency")) {
                String coordinates = text(dep, "groupId") + ":" + text(dep, "artifactId");
                if (text(dep, "version").isEmpty()) {
                    problems.add(artifact + ": dependency " + coordinates + " has no version");
                }
                if ("test".equals(text(dep, "scope"))) {
                    problems.add(artifact + ": test dependency " + coordinates + " leaked into the published POM");
                }
            }
        }
    }

    private void expect(String artifact, Element project, String path, String expected) {
        String actual = text(project, path);
        if (!expected.equals(actual)) {
            problems.add(artifact + ": the POM's <" + path + "> is '" + actual + "', expected '" + expected + "'");
        }
    }

    private void checkJar(Path jar, String artifact, String wanted) throws IOException {
        if (!Files.isRegularFile(jar)) {
            return;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            boolean found = zip.stream().anyMatch(e -> e.getName().endsWith(wanted));
            if (!found) {
                problems.add(artifact + ": " + jar.getFileName() + " holds no " + wanted);
            }
        }
    }

    private static Set<String> names(Path dir) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> list = Files.list(dir)) {
            list.forEach(p -> names.add(p.getFileName().toString()));
        }
        return names;
    }

    private static String digest(Path file, String algorithm) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance(algorithm.equals("sha1") ? "SHA-1" : algorithm.toUpperCase());
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList list = parent.getChildNodes();
        for (int i = 0; i < list.getLength(); i++) {
            if (list.item(i) instanceof Element e && e.getTagName().equals(name)) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element root, String path) {
        Element e = root;
        for (String step : path.split("/")) {
            e = child(e, step);
            if (e == null) {
                return "";
            }
        }
        return e.getTextContent().trim();
    }

    /** Zips the version directories (maven-metadata.xml left out: Central writes its own). */
    private static int zip(Path staging, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        List<Path> files;
        try (Stream<Path> all = Files.walk(staging)) {
            files = all.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().startsWith("maven-metadata"))
                    .sorted().toList();
        }
        try (OutputStream os = Files.newOutputStream(out); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Path p : files) {
                zip.putNextEntry(new ZipEntry(staging.relativize(p).toString().replace('\\', '/')));
                Files.copy(p, zip);
                zip.closeEntry();
            }
        }
        return files.size();
    }
}
