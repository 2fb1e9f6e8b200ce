// Feeds arbitrary bytes to the rule loader as one rule file beside the bundled scopes
// and lists, and runs any rule that loads on its own examples: no crash, no hang.
// Built with -sanitize=fuzzer by scripts/fuzz.sh.
import Foundation
@testable import SanctionsEngine

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

let bundled: Rulebook = {
    do { return try Rulebook.bundled() } catch { fatalError("the bundled rulebook does not load: \(error)") }
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data else { return 0 }
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    let nodes: [SyntaxNode]
    do { nodes = try YAMLSyntax.documents(text, file: "fuzz.yaml") } catch { return 0 }
    let reader = Reader()
    let checker = RuleChecker(reader: reader, scopes: bundled.scopes, lists: bundled.lists)
    for node in nodes {
        guard let rule = checker.rule(node) else { continue }
        _ = ExampleCheck.run(Rulebook(rules: [rule], lists: bundled.lists, scopes: bundled.scopes, digest: "", directories: []))
    }
    return 0
}

@_cdecl("FuzzRules_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzOne)
}
