/// Eight bytes at a time: the word arithmetic the readers and the writer use to find the
/// first byte of interest in a run of text without looking at each byte.
///
/// Each function flags (sets the high bit of) the bytes of a little-endian word that are
/// what it looks for. Above a flagged byte the flags may be false (a borrow runs upwards),
/// never below it: the lowest flag, ``firstFlagged(_:)``, is always a true one.
enum ByteWords {
    static let ones: UInt64 = 0x0101_0101_0101_0101
    static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The bytes equal to `byte` (an ASCII byte).
    @inline(__always)
    static func equal(_ word: UInt64, _ byte: UInt8) -> UInt64 {
        let difference = word ^ (UInt64(byte) &* ones)
        return (difference &- ones) & ~difference & highs
    }

    /// The bytes below 0x20 (control characters).
    @inline(__always)
    static func control(_ word: UInt64) -> UInt64 {
        (word &- 0x20 &* ones) & ~word & highs
    }

    /// The bytes of 0x80 and above (outside ASCII).
    @inline(__always)
    static func nonASCII(_ word: UInt64) -> UInt64 { word & highs }

    /// The position within the word of the lowest flagged byte.
    @inline(__always)
    static func firstFlagged(_ flags: UInt64) -> Int { flags.trailingZeroBitCount / 8 }

    /// The eight bytes at `pointer`, as a little-endian word.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<UInt8>) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(pointer).loadUnaligned(as: UInt64.self))
    }
}
