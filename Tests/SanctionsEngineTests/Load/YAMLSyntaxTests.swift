import Foundation
import Testing
import Yams
@testable import SanctionsEngine

/// The engine reads YAML from libyaml's events (``YAMLSyntax``). Yams's composer, which
/// it replaced, is the reference: on every YAML file of the project both give the same
/// tree, positions included.
@Suite struct YAMLSyntaxTests {
    /// A node as text: content, style and position, for comparison.
    static func describe(_ node: SyntaxNode) -> String {
        let at = "@\(node.position.line):\(node.position.column)"
        switch node.content {
        case .scalar(let text, let plain): return (plain ? "" : "'") + text.debugDescription + at
        case .sequence(let elements): return "[" + elements.map(describe).joined(separator: ",") + "]" + at
        case .mapping(let pairs): return "{" + pairs.map { describe($0.key) + ":" + describe($0.value) }.joined(separator: ",") + "}" + at
        }
    }

    /// The same, from Yams's node tree (aliases expanded by Yams).
    static func describe(_ node: Node) -> String {
        let at = "@\(node.mark?.line ?? 0):\(node.mark?.column ?? 0)"
        switch node {
        case .scalar(let scalar): return (scalar.style == .plain ? "" : "'") + scalar.string.debugDescription + at
        case .sequence(let sequence): return "[" + sequence.map(describe).joined(separator: ",") + "]" + at
        case .mapping(let mapping): return "{" + mapping.map { describe($0.key) + ":" + describe($0.value) }.joined(separator: ",") + "}" + at
        case .alias: return "alias"
        }
    }

    static func yamlFiles() -> [String] {
        var paths: [String] = []
        for directory in ["Rules", "Fixtures", "docs"] {
            let root = Fixtures.path(directory)
            for relative in Rulebook.yamlFiles(in: root) { paths.append((root as NSString).appendingPathComponent(relative)) }
        }
        return paths
    }

    @Test func everyYAMLFileOfTheProjectReadsAsYamsReadsIt() throws {
        let paths = YAMLSyntaxTests.yamlFiles()
        #expect(paths.count > 100)
        var compared = 0
        for path in paths {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let reference: [String]?
            do {
                var sequence = try Yams.compose_all(yaml: text, .basic)
                var nodes: [String] = []
                while let node = sequence.next() { nodes.append(YAMLSyntaxTests.describe(node)) }
                reference = sequence.error == nil ? nodes : nil
            } catch {
                reference = nil
            }
            let ours = try? YAMLSyntax.documents(text, file: path).map(YAMLSyntaxTests.describe)
            #expect(ours == reference, "\(path)")
            if reference != nil { compared += 1 }
        }
        #expect(compared > 100)
    }

    @Test func stylesAnchorsAndAliasesAreKept() throws {
        let yaml = """
        base: &fuel
          hs: "2710"
          unit: bbl
        again: *fuel
        list: [a, 'b', "c", ~]
        block: |
          two
          lines
        """
        let node = try #require(try YAMLSyntax.documents(yaml, file: "x.yaml").first)
        let again = try #require(node.value(forKey: "again"))
        #expect(again.value(forKey: "hs")?.content.isQuoted == true)
        #expect(again.value(forKey: "unit")?.scalarText == "bbl")
        #expect(again.position.line == node.value(forKey: "base")?.position.line, "an alias stands for the anchored node, as written")
        guard case .sequence(let elements)? = node.value(forKey: "list")?.content else {
            Issue.record("list is not a sequence")
            return
        }
        #expect(elements.map(\.content.isQuoted) == [false, true, true, false])
        #expect(elements[3].isNull)
        #expect(node.value(forKey: "block")?.scalarText?.hasPrefix("two\nlines") == true)
        #expect(node.value(forKey: "block")?.content.isQuoted == true, "a block scalar is not plain")
    }

    func failure(_ yaml: String, lineOffset: Int = 0) -> YAMLSyntax.Failure? {
        do {
            _ = try YAMLSyntax.documents(yaml, file: "x.yaml", lineOffset: lineOffset)
            return nil
        } catch {
            return error
        }
    }

    @Test func aDuplicateKeyIsAnErrorAtItsSecondUse() throws {
        let error = try #require(failure("id: a\nkind: b\nid: c\n"))
        #expect(error.message == "duplicate key id: each key may appear once")
        #expect((error.line, error.column) == (3, 1))
    }

    /// Keys are looked through in order while a mapping has few and hashed once it has
    /// many: a repeated key is found either way, at its first repetition, and a mapping of
    /// many distinct keys is no error.
    @Test(arguments: [3, 16, 17, 40])
    func aDuplicateKeyIsFoundInAMappingOfAnySize(_ count: Int) throws {
        let keys = (0..<count).map { "key\($0)" }
        let distinct = keys.map { "\($0): v" }.joined(separator: "\n") + "\n"
        #expect(failure(distinct) == nil)
        // key1 again after every key, then key0 again: the first repetition is reported.
        let repeated = distinct + "key1: again\nkey0: again\n"
        let error = try #require(failure(repeated))
        #expect(error.message == "duplicate key key0, key1: each key may appear once")
        #expect((error.line, error.column) == (count + 1, 1))
    }

    @Test func syntaxErrorsSayWhereAndWhat() throws {
        let error = try #require(failure("id: a\nlist: [a, b\nnext: c\n", lineOffset: 10))
        #expect(error.message.hasPrefix("YAML syntax: "))
        #expect(error.line > 10, "the line offset is added")
        let undefined = try #require(failure("a: *nothing\n"))
        #expect(undefined.message.contains("undefined alias"))
        #expect((undefined.line, undefined.column) == (1, 4))
    }

    @Test func deepNestingAndAliasBombsAreRefused() throws {
        let deep = String(repeating: "[", count: YAMLSyntax.maxDepth + 1) + String(repeating: "]", count: YAMLSyntax.maxDepth + 1)
        #expect(failure(deep)?.message.contains("nested deeper than") == true)
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(failure(fine) == nil)
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...7 { bomb += "b\(level): &b\(level) [" + Array(repeating: level == 1 ? "*a" : "*b\(level - 1)", count: 10).joined(separator: ", ") + "]\n" }
        #expect(failure(bomb)?.message.contains("more than \(YAMLSyntax.maxNodes) nodes") == true)
    }

    @Test func documentsAreReadInOrder() throws {
        let nodes = try YAMLSyntax.documents("a: 1\n---\nb: 2\n", file: "x.yaml")
        #expect(nodes.map { $0.value(forKey: "a") != nil } == [true, false])
        #expect(nodes[1].position.line == 3)
        #expect(try YAMLSyntax.documents("", file: "x.yaml").isEmpty)
    }
}

extension SyntaxNode.Content {
    /// Whether a scalar was written other than plain (quoted or as a block).
    var isQuoted: Bool {
        if case .scalar(_, let plain) = self { return !plain }
        return false
    }
}
