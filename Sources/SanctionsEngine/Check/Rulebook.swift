import Foundation

/// A loaded, checked rule set: every rule compiled, the HS scopes and lists they use,
/// and a digest of the files it came from so a result can be reproduced.
///
/// ```swift
/// let rulebook = try Rulebook.bundled()
/// print(rulebook.rules.count, rulebook.digest)
/// ```
public struct Rulebook: Sendable {
    public let rules: [Rule]
    public let lists: [String: NamedList]
    public let scopes: [String: HSScope]
    /// `sha256:` and the hex digest of every file loaded (relative path and bytes, in path order).
    public let digest: String
    /// The directories it was loaded from.
    public let directories: [String]

    /// The rulebook shipped with the engine (`Rules/` in the source tree).
    public static func bundled() throws(RulebookError) -> Rulebook {
        guard let directory = bundledDirectory() else {
            throw RulebookError(diagnostics: [Diagnostic(SourcePosition(file: "Rules", line: 1, column: 1), .error,
                "the bundled rulebook was not found beside the executable; pass a rules directory (--rules DIR)")])
        }
        return try load(directories: [directory])
    }

    /// Where the bundled rulebook is: beside the executable (the package's resource
    /// bundle), else in the source tree this library was built from.
    public static func bundledDirectory() -> String? {
        let manager = FileManager.default
        // The source tree first: in a checkout, the rules being edited are the truth.
        let sourceDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        var candidates = [sourceDirectory.appendingPathComponent("Rulebook").path]
        let executable = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        let executableDirectory = executable.deletingLastPathComponent()
        for directory in [executableDirectory, Bundle.main.bundleURL] {
            candidates.append(directory.appendingPathComponent("sanctions-engine_SanctionsEngine.resources/Rulebook").path)
        }
        return candidates.first { path in
            var isDirectory: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
        }
    }

    /// Loads every rule, list and scope file under the directories. Rule ids must be
    /// unique across them. Throws every problem found, each with `file:line:column`;
    /// warnings (see ``Lint``) do not stop a rule set from loading.
    public static func load(directories: [String]) throws(RulebookError) -> Rulebook {
        let compilation = compile(directories: directories)
        let errors = compilation.diagnostics.filter { $0.severity == .error }
        guard errors.isEmpty else { throw RulebookError(diagnostics: errors) }
        return compilation.rulebook
    }

    /// What the check stage made of a rule set: every rule that compiled (even when
    /// others did not) and every problem, errors and warnings, in file order.
    struct Compilation {
        let rulebook: Rulebook
        let diagnostics: [Diagnostic]
    }

    /// The one loader behind ``load(directories:)`` and ``Lint``: reads and checks every
    /// file, collecting every diagnostic instead of stopping at the first.
    static func compile(directories: [String]) -> Compilation {
        var diagnostics: [Diagnostic] = []
        var files: [(path: String, relative: String, text: String)] = []
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                diagnostics.append(Diagnostic(SourcePosition(file: directory, line: 1, column: 1), .error,
                                              "not a directory of rule files"))
                continue
            }
            // The directory as the user would type it, once: each file's path is built on it.
            let shown = displayPath(directory)
            for relative in yamlFiles(in: directory) {
                let path = shown == "." ? relative : (shown as NSString).appendingPathComponent(relative)
                guard let data = FileManager.default.contents(atPath: path) else {
                    diagnostics.append(Diagnostic(SourcePosition(file: path, line: 1, column: 1), .error, "cannot be read"))
                    continue
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    diagnostics.append(Diagnostic(SourcePosition(file: path, line: 1, column: 1), .error, "is not valid UTF-8 text"))
                    continue
                }
                files.append((path, relative, text))
            }
        }

        // The digest is worked out meanwhile, on a thread of its own.
        let digest = Digest(files: files.map { ($0.relative, $0.text) })
        // Files are parsed on every core (YAML is most of the start-up), then checked in order.
        // A list file is read as soon as it is parsed, on the same core (the UN lists are the
        // largest files), with a reader of its own.
        let parsed = ParallelMap.map(files, cost: { $0.text.utf8.count }) { file in
            Result { () throws(YAMLSyntax.Failure) -> (nodes: [SyntaxNode], list: ReadList?) in
                let nodes = try YAMLSyntax.documents(file.text, file: file.path)
                guard isListFile(file.relative), let node = nodes.first else { return (nodes, nil) }
                let listReader = Reader()
                return (nodes, ReadList(list: ListFile.read(node, reader: listReader), diagnostics: listReader.diagnostics))
            }
        }
        var documents: [(file: (path: String, relative: String, text: String), node: SyntaxNode)] = []
        var readLists: [(node: SyntaxNode, read: ReadList)] = []
        for (file, result) in zip(files, parsed) {
            do {
                let (nodes, list) = try result.get()
                if let list, let node = nodes.first { readLists.append((node, list)) }
                if nodes.count != 1 {
                    diagnostics.append(Diagnostic(SourcePosition(file: file.path, line: 1, column: 1), .error,
                        nodes.isEmpty ? "the file is empty: a rule file holds one rule" : "the file holds \(nodes.count) YAML documents: one rule per file"))
                }
                if let node = nodes.first { documents.append((file, node)) }
            } catch {
                diagnostics.append(Diagnostic(SourcePosition(file: file.path, line: error.line, column: error.column), .error, error.message))
            }
        }

        let reader = Reader()
        var scopes: [String: HSScope] = [:]
        var lists: [String: NamedList] = [:]
        for document in documents where isScopeFile(document.file.relative) {
            for (name, scope) in ScopeFile.read(document.node, reader: reader) {
                if scopes[name] != nil { reader.error(document.node, "HS scope '\(name)' is defined twice") }
                scopes[name] = scope
            }
        }
        for (node, read) in readLists {
            reader.append(read.diagnostics)
            if let list = read.list {
                if lists[list.id] != nil { reader.error(node, "list '\(list.id)' is defined twice") }
                lists[list.id] = list
            }
        }
        // Rule files are checked on every core, each with a reader of its own; their
        // diagnostics are taken in file order, as if checked one after another.
        let matchers = MatcherCache()
        let patterns = PatternCache()
        let ruleDocuments = documents.filter { !isScopeFile($0.file.relative) && !isListFile($0.file.relative) }.map(\.node)
        let checked = ParallelMap.map(ruleDocuments) { [scopes, lists] node in
            var checker = RuleChecker(reader: Reader(), scopes: scopes, lists: lists)
            checker.matchers = matchers
            checker.patterns = patterns
            let rule = checker.rule(node)
            return CheckedRule(rule: rule, diagnostics: checker.reader.diagnostics)
        }
        var rules: [Rule] = []
        var seen: [String: SourcePosition] = [:]
        for result in checked {
            reader.append(result.diagnostics)
            guard let rule = result.rule else { continue }
            if let first = seen[rule.id] {
                reader.error(rule.position, "rule id '\(rule.id)' is already used by \(first)")
                continue
            }
            seen[rule.id] = rule.position
            rules.append(rule)
        }
        let ids = Set(rules.map(\.id))
        for rule in rules {
            if let successor = rule.inForce.supersededBy, !ids.contains(successor) {
                reader.error(rule.position, "rule \(rule.id) is superseded_by '\(successor)', which is not a rule in this set")
            }
        }
        diagnostics += reader.diagnostics
        let rulebook = Rulebook(rules: rules.sorted { $0.id < $1.id }, lists: lists, scopes: scopes,
                                digest: "sha256:" + digest.value, directories: directories)
        return Compilation(rulebook: rulebook, diagnostics: sorted(diagnostics))
    }

    /// The SHA-256 of every file (relative path and text, in path order), computed on a
    /// thread of its own while the files are parsed and checked.
    private final class Digest: @unchecked Sendable {
        // @unchecked: `hex` is written once by the hashing thread before `done` is signalled,
        // and read only by ``value``, after waiting for that signal.
        private var hex = ""
        private let done = DispatchSemaphore(value: 0)

        init(files: [(relative: String, text: String)]) {
            DispatchQueue.global().async { [self] in
                var hasher = SHA256()
                for file in files.sorted(by: { $0.relative < $1.relative }) {
                    for var text in [file.relative, file.text] {
                        text.withUTF8 { hasher.update($0) }
                        hasher.update([0])
                    }
                }
                hex = hasher.finalize()
                done.signal()
            }
        }

        /// The digest in hex, once the hashing thread has finished (it waits for it).
        var value: String {
            done.wait()
            defer { done.signal() }
            return hex
        }
    }

    /// One list file read: the list, unless it has errors, and what its reader reported.
    private struct ReadList: Sendable {
        let list: NamedList?
        let diagnostics: [Diagnostic]
    }

    /// One rule file checked: the rule, unless it has errors, and what its reader reported.
    private struct CheckedRule: Sendable {
        let rule: Rule?
        let diagnostics: [Diagnostic]
    }

    /// Diagnostics in file order (stable for equal positions).
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { left, right in
            let l = left.element.position, r = right.element.position
            return (l.file, l.line, l.column, left.offset) < (r.file, r.line, r.column, right.offset)
        }.map(\.element)
    }

    /// A path as the user would type it: relative to the current directory when inside it.
    static func displayPath(_ path: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        let standard = (path as NSString).standardizingPath
        if standard == current { return "." }
        if standard.hasPrefix(current + "/") { return String(standard.dropFirst(current.count + 1)) }
        return standard
    }

    static func isScopeFile(_ relative: String) -> Bool {
        (relative as NSString).lastPathComponent == "hs-scopes.yaml"
    }

    static func isListFile(_ relative: String) -> Bool {
        relative.hasPrefix("lists/")
    }

    /// Every `.yaml`/`.yml` file below `directory`, relative paths, sorted.
    static func yamlFiles(in directory: String) -> [String] {
        // A link to a directory (`Rules` → `Sources/SanctionsEngine/Rulebook`) is followed.
        let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
        guard let enumerator = FileManager.default.enumerator(atPath: resolved) else { return [] }
        var result: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if relative.hasSuffix(".yaml") || relative.hasSuffix(".yml") { result.append(relative) }
        }
        return result.sorted()
    }
}

/// `Rules/hs-scopes.yaml`: named HS scopes, each with the source of its mapping.
enum ScopeFile {
    static func read(_ node: SyntaxNode, reader: Reader) -> [(String, HSScope)] {
        guard let fields = reader.mapping(node, allowed: ["scopes", "note"], what: "the HS scopes file"),
              let scopesNode = fields.required("scopes"),
              case .mapping(let pairs) = scopesNode.content else {
            return []
        }
        var result: [(String, HSScope)] = []
        for pair in pairs {
            guard let name = pair.key.scalarText,
                  let scope = reader.mapping(pair.value, allowed: ["codes", "source", "note", "title"], what: "HS scope '\(pair.key.scalarText ?? "")'"),
                  let codes = scope.required("codes").flatMap({ reader.texts($0, "'codes'") }) else { continue }
            if scope.optional("source") == nil {
                reader.error(pair.value, "HS scope '\(name)' needs a 'source': where the mapping comes from")
            }
            var entries: [HSScope.Entry] = []
            for code in codes {
                switch HSScope.parseEntry(code) {
                case .success(let entry): entries.append(entry)
                case .failure(let problem): reader.error(pair.value, "HS scope '\(name)': \(problem)")
                }
            }
            result.append((name, HSScope(entries: entries)))
        }
        return result
    }
}

/// `Rules/lists/*.yaml`: a named list.
enum ListFile {
    static func read(_ node: SyntaxNode, reader: Reader) -> NamedList? {
        guard let fields = reader.mapping(node, allowed: ["id", "title", "kind", "source", "note", "entries"], what: "a list file"),
              let id = fields.required("id").flatMap({ reader.text($0, "list 'id'") }),
              let entriesNode = fields.required("entries"),
              let elements = reader.list(entriesNode, "'entries'") else { return nil }
        let title = fields.optional("title").flatMap { reader.text($0, "list 'title'") } ?? id
        let kind = fields.optional("kind").flatMap { reader.text($0, "list 'kind'") } ?? "names"
        var source: String?
        if let sourceNode = fields.optional("source") {
            if case .mapping = sourceNode.content {
                let value = sourceNode.value
                source = ["publisher", "document", "published"].compactMap { value[$0]?.displayText }.joined(separator: ", ")
            } else {
                source = reader.text(sourceNode, "list 'source'")
            }
        }
        var entries: [NamedList.Entry] = []
        for element in elements {
            if case .scalar(let text, _) = element.content {
                entries.append(NamedList.Entry(name: text, aliases: [], formerNames: [], identifiers: [], reference: nil, listedOn: nil, listing: nil))
                continue
            }
            guard case .mapping = element.content else {
                reader.error(element, "a list entry must be a name or a mapping with 'name'")
                continue
            }
            let value = element.value
            guard let name = value["name"]?.stringValue else {
                reader.error(element, "a list entry needs a 'name'")
                continue
            }
            func strings(_ key: String) -> [String] { value[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
            let identifiers = value["identifiers"]?.arrayValue?.compactMap { $0["value"]?.displayText } ?? []
            // A vessel first identified in a resolution's annex is designated from that day.
            let listedOn = (value["identified_on"] ?? value["listed_on"])?.stringValue.flatMap(Day.init)
            var listing: Citation?
            if case .number(let resolution)? = value["listing"]?["resolution"], case .number(let year)? = value["listing"]?["year"] {
                listing = Citation(resolution: Int(resolution), year: Int(year), paragraph: nil,
                                   summary: "The resolution that designated \(name).")
            }
            entries.append(NamedList.Entry(name: name, aliases: strings("aliases"), formerNames: strings("former_names"),
                                           identifiers: identifiers, reference: value["ref"]?.stringValue, listedOn: listedOn,
                                           listing: listing, measures: strings("measures")))
        }
        return NamedList(id: id, title: title, kind: kind, source: source, entries: entries)
    }
}
