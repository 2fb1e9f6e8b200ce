// Feeds arbitrary bytes to every record reader and checks the accounting invariants:
// no crash, lines in input order, and for JSON Lines exactly one result per non-blank
// line; the same records whatever the chunk size. Built with -sanitize=fuzzer by
// scripts/fuzz.sh.
@testable import SanctionsEngine

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The first byte picks the format and chunk size; the rest is the file.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let data, size > 0 else { return 0 }
    let selector = Int(data[0])
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let format = RecordFormat.allCases[selector % RecordFormat.allCases.count]
    let chunk = 1 + selector / 4
    var whole: [RawRecord] = []
    var chunked: [RawRecord] = []
    do {
        try RecordReader.read(bytes: bytes, format: format) { whole.append($0) }
        try RecordReader.read(bytes: bytes, format: format, chunkSize: chunk) { chunked.append($0) }
    } catch {
        fatalError("reading bytes in memory threw \(error)")
    }
    guard whole.map(\.line) == chunked.map(\.line),
          whole.map({ try? $0.value.get() }) == chunked.map({ try? $0.value.get() }) else {
        fatalError("the records depend on the chunk size \(chunk)")
    }
    if format == .jsonl {
        // One result per non-blank line.
        var lines = bytes.split(separator: 10, omittingEmptySubsequences: false).map(Array.init)
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { lines[0] = Array(first.dropFirst(3)) }
        let expected = lines.filter { !$0.allSatisfy { $0 == 32 || $0 == 9 || $0 == 13 } }.count
        guard whole.count == expected else { fatalError("\(expected) lines gave \(whole.count) results") }
        guard whole.map(\.line) == whole.map(\.line).sorted() else { fatalError("results out of input order") }
    }
    let engine = Engine(rulebook: FuzzRulebook.shared)
    for raw in whole { _ = engine.assess(raw) }
    return 0
}

enum FuzzRulebook {
    static let shared: Rulebook = {
        do { return try Rulebook.bundled() } catch { fatalError("the bundled rulebook does not load: \(error)") }
    }()
}

@_cdecl("FuzzReaders_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzOne)
}
