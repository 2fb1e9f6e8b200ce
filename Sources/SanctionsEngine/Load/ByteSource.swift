#if canImport(Glibc)
import Glibc
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 { Glibc.open(path, flags) }
#elseif canImport(Darwin)
import Darwin
private func systemOpen(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 { Darwin.open(path, flags) }
#endif

/// Reads a file, standard input or bytes in memory in blocks and hands out lines, in
/// bounded memory: the line reader under the JSON Lines and CSV readers. Files and text
/// go through the same code, so a record reads the same whatever its source and
/// however the input is cut into blocks (the tests vary ``chunkSize``).
final class LineSource {
    /// Longest line accepted; a longer one is reported as an error and skipped.
    static let maxLineBytes = 16 * 1024 * 1024
    /// Bytes read at a time.
    static let defaultChunkSize = 1 << 20

    private let descriptor: Int32
    private let ownsDescriptor: Bool
    /// Input held in memory (`descriptor` is -1), handed out `chunkSize` bytes at a time.
    private let memory: [UInt8]
    private let chunkSize: Int
    // Checked for exclusive access when compiled, not at each line (SE-0176's
    // `@exclusivity(unchecked)`): a source is read on one thread, and no access to its
    // state overlaps another (the closure a line is handed to cannot reach it).
    @exclusivity(unchecked) private var memoryOffset = 0
    @exclusivity(unchecked) private var buffer: [UInt8] = []
    @exclusivity(unchecked) private var start = 0
    @exclusivity(unchecked) private var atEnd = false
    @exclusivity(unchecked) private(set) var lineNumber = 0

    /// Opens `path` (`-` for standard input).
    init(path: String, chunkSize: Int = LineSource.defaultChunkSize) throws(InputError) {
        if path == "-" {
            descriptor = 0
            ownsDescriptor = false
        } else {
            descriptor = try LineSource.open(path)
            ownsDescriptor = true
        }
        memory = []
        self.chunkSize = max(1, chunkSize)
    }

    /// Reads `bytes` as if they were a file.
    init(bytes: [UInt8], chunkSize: Int = LineSource.defaultChunkSize) {
        descriptor = -1
        ownsDescriptor = false
        memory = bytes
        self.chunkSize = max(1, chunkSize)
    }

    deinit {
        if ownsDescriptor { _ = close(descriptor) }
    }

    static func open(_ path: String) throws(InputError) -> Int32 {
        var status = stat()
        guard stat(path, &status) == 0 else { throw InputError(path: path, message: "no such file") }
        if (status.st_mode & S_IFMT) == S_IFDIR {
            throw InputError(path: path, message: "is a directory: name the record files inside it")
        }
        let descriptor = systemOpen(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError(path: path, message: "cannot be opened (permission?)") }
        return descriptor
    }

    /// Reads the whole input (for JSON and YAML, which are not line-oriented).
    func readAll() throws(InputError) -> [UInt8] {
        while !atEnd { try fill() }
        let rest = Array(buffer[start...])
        buffer = []
        start = 0
        return rest
    }

    /// The next line without its line end (`\n` or `\r\n`), or nil at the end. A line
    /// longer than ``maxLineBytes`` comes back as `.tooLong` and is skipped.
    func nextLine() throws(InputError) -> Line<[UInt8]>? {
        try nextLine { Array($0) }
    }

    /// The next line, as ``nextLine()``, appended to `destination`: where it is there.
    /// Lines read one after another into one buffer cost no allocation each.
    func nextLine(appendingTo destination: inout [UInt8]) throws(InputError) -> Line<Range<Int>>? {
        try nextLine { line in
            let start = destination.count
            destination.append(contentsOf: line)
            return start..<destination.count
        }
    }

    /// The next line, handed to `take` (its bytes are valid only during the call).
    private func nextLine<Text>(_ take: (UnsafeBufferPointer<UInt8>) -> Text) throws(InputError) -> Line<Text>? {
        var scanFrom = start
        while true {
            if let newline = LineSource.newline(in: buffer, from: scanFrom) {
                var end = newline
                if end > start, buffer[end - 1] == 13 { end -= 1 }
                lineNumber += 1
                if end - start > LineSource.maxLineBytes {
                    start = newline + 1
                    return .tooLong
                }
                let line = buffer.withUnsafeBufferPointer { take(UnsafeBufferPointer(rebasing: $0[start..<end])) }
                start = newline + 1
                return .text(line)
            }
            if buffer.count - start > LineSource.maxLineBytes {
                lineNumber += 1
                try skipRestOfLine()
                return .tooLong
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                lineNumber += 1
                var end = buffer.count
                if buffer[end - 1] == 13 { end -= 1 }
                let lineStart = start
                start = buffer.count
                guard end - lineStart <= LineSource.maxLineBytes else { return .tooLong }
                return .text(buffer.withUnsafeBufferPointer { take(UnsafeBufferPointer(rebasing: $0[lineStart..<end])) })
            }
            scanFrom = buffer.count - start
            compact()
            try fill()
        }
    }

    enum Line<Text> {
        case text(Text)
        case tooLong
    }

    /// The position of the first `\n` in `buffer` at or after `start`: `memchr`, which
    /// reads a word or a vector at a time (a byte-by-byte search was 2–3 % of a run).
    static func newline(in buffer: [UInt8], from start: Int) -> Int? {
        guard start < buffer.count else { return nil }
        return buffer.withUnsafeBufferPointer { bytes -> Int? in
            guard let base = bytes.baseAddress,
                  let found = memchr(base + start, 10, bytes.count - start) else { return nil }
            return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
    }

    private func skipRestOfLine() throws(InputError) {
        while true {
            if let newline = LineSource.newline(in: buffer, from: start) {
                start = newline + 1
                return
            }
            buffer.removeAll(keepingCapacity: true)
            start = 0
            if atEnd { return }
            try fill()
        }
    }

    /// Drops the lines already handed out, before the buffer is filled again: only the
    /// start of a line not yet whole is moved, not every line read.
    private func compact() {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    private func fill() throws(InputError) {
        if descriptor < 0 {
            let end = min(memory.count, memoryOffset + chunkSize)
            buffer.append(contentsOf: memory[memoryOffset..<end])
            if end == memoryOffset { atEnd = true }
            memoryOffset = end
            return
        }
        let chunk = chunkSize
        let oldCount = buffer.count
        buffer.reserveCapacity(oldCount + chunk)
        var readCount = 0
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        readCount = buffer.withUnsafeMutableBytes { raw -> Int in
            guard let base = raw.baseAddress else { return -1 }
            return read(descriptor, base + oldCount, chunk)
        }
        guard readCount >= 0 else {
            buffer.removeLast(chunk)
            throw InputError(path: "", message: "read failed (errno \(errno))")
        }
        buffer.removeLast(chunk - readCount)
        if readCount == 0 { atEnd = true }
    }
}

/// An input that cannot be read at all (missing file, a directory, a read error):
/// the run cannot go on, unlike a malformed record.
public struct InputError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let message: String

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}
