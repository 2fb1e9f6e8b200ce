import Foundation
import Testing

/// Runs every ```sh block of docs/authoring.md, in order, in a scratch directory that
/// looks like a checkout (`Rules` and `Fixtures` linked in), with the built `sanctions` on
/// the path. A block must exit 0, or the status its fence names (```sh exit=1); the
/// ```text block after it, when there is one, must appear line by line in what it printed
/// (`…` matches anything). So the guide cannot rot.
@Suite(.serialized) struct AuthoringGuideTests {
    struct Block {
        let code: String
        let status: Int32
        let expected: [String]
        let line: Int
    }

    static func blocks(_ markdown: String) -> [Block] {
        var blocks: [Block] = []
        let lines = markdown.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let fence = lines[index]
            guard fence.hasPrefix("```sh") else { index += 1; continue }
            let status = fence.split(separator: " ").first { $0.hasPrefix("exit=") }.flatMap { Int32($0.dropFirst(5)) } ?? 0
            let start = index + 1
            var end = start
            while end < lines.count && lines[end] != "```" { end += 1 }
            let code = lines[start..<end].joined(separator: "\n")
            // The output shown right after (blank lines between are allowed).
            var next = end + 1
            while next < lines.count && lines[next].trimmingCharacters(in: .whitespaces).isEmpty { next += 1 }
            var expected: [String] = []
            if next < lines.count && lines[next] == "```text" {
                var cursor = next + 1
                while cursor < lines.count && lines[cursor] != "```" {
                    if !lines[cursor].isEmpty { expected.append(lines[cursor]) }
                    cursor += 1
                }
            }
            blocks.append(Block(code: code, status: status, expected: expected, line: start))
            index = end + 1
        }
        return blocks
    }

    /// Whether `line` (with `…` standing for anything) appears in one of the output's lines.
    static func appears(_ line: String, in output: String) -> Bool {
        let pieces = line.components(separatedBy: "…").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return output.components(separatedBy: "\n").contains { candidate in
            var rest = Substring(candidate)
            for piece in pieces {
                guard let range = rest.range(of: piece) else { return false }
                rest = rest[range.upperBound...]
            }
            return true
        }
    }

    @Test func everyCommandInTheGuideRuns() throws {
        let guide = try String(contentsOfFile: Fixtures.path("docs/authoring.md"), encoding: .utf8)
        let blocks = Self.blocks(guide)
        #expect(blocks.count >= 8)
        let manager = FileManager.default
        let directory = manager.temporaryDirectory.appendingPathComponent("guide-\(UUID().uuidString)")
        try manager.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? manager.removeItem(at: directory) }
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("Rules").path,
                                       withDestinationPath: Fixtures.path("Sources/SanctionsEngine/Rulebook"))
        try manager.createSymbolicLink(atPath: directory.appendingPathComponent("Fixtures").path,
                                       withDestinationPath: Fixtures.path("Fixtures"))
        let binaryDirectory = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = binaryDirectory + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        for block in blocks {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            // A block that must succeed stops at its first failing command.
            process.arguments = ["-c", (block.status == 0 ? "set -e\n" : "") + block.code]
            process.currentDirectoryURL = directory
            process.environment = environment
            let out = Pipe(), err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == block.status,
                    "docs/authoring.md:\(block.line): exit \(process.terminationStatus)\n\(block.code)\n\(stdout)\(stderr)")
            for line in block.expected {
                #expect(Self.appears(line, in: stdout), "docs/authoring.md:\(block.line): output lacks '\(line)'\n\(stdout)")
            }
        }
    }
}
