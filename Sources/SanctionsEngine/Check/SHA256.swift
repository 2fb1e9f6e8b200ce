/// SHA-256 (FIPS 180-4), for the rule-set digest that makes a run reproducible. Small
/// and dependency-free; checked against the standard test vectors.
struct SHA256 {
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    private var state: [UInt32] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]
    private var pending: [UInt8] = []
    private var length: UInt64 = 0

    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { update($0) }
    }

    /// Adds bytes: whole blocks are compressed straight from `bytes`, the rest is kept.
    mutating func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        length &+= UInt64(bytes.count)
        var offset = 0
        if !pending.isEmpty {
            let take = min(64 - pending.count, bytes.count)
            pending.append(contentsOf: bytes[0..<take])
            offset = take
            guard pending.count == 64 else { return }
            pending.withUnsafeBufferPointer { compress($0, at: 0) }
            pending.removeAll(keepingCapacity: true)
        }
        while bytes.count - offset >= 64 {
            compress(bytes, at: offset)
            offset += 64
        }
        pending.append(contentsOf: bytes[offset...])
    }

    /// The digest as lower-case hex.
    mutating func finalize() -> String {
        let bitLength = length &* 8
        var tail = pending + [0x80]
        while tail.count % 64 != 56 { tail.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        tail.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                compress(buffer, at: offset)
                offset += 64
            }
        }
        pending = []
        return state.map { word in
            let hex = String(word, radix: 16)
            return String(repeating: "0", count: 8 - hex.count) + hex
        }.joined()
    }

    /// Compresses the 64 bytes of `bytes` from `base`.
    private mutating func compress(_ bytes: UnsafeBufferPointer<UInt8>, at base: Int) {
        // The message schedule lives on the stack: no allocation per block.
        var w: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32,
                UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var a = state[0], b = state[1], c = state[2], d = state[3]
        var e = state[4], f = state[5], g = state[6], h = state[7]
        withUnsafeMutableBytes(of: &w) { raw in
            let words = raw.bindMemory(to: UInt32.self)
            for i in 0..<16 {
                let at = base &+ 4 &* i
                words[i] = UInt32(bytes[at]) &<< 24 | UInt32(bytes[at &+ 1]) &<< 16
                    | UInt32(bytes[at &+ 2]) &<< 8 | UInt32(bytes[at &+ 3])
            }
            SHA256.k.withUnsafeBufferPointer { k in
                // Eight rounds a turn, each naming the eight working variables one place on,
                // so that none is moved from one to the next.
                var i = 0
                while i < 64 {
                    SHA256.round(a, b, c, &d, e, f, g, &h, k[i], SHA256.word(words, i))
                    SHA256.round(h, a, b, &c, d, e, f, &g, k[i &+ 1], SHA256.word(words, i &+ 1))
                    SHA256.round(g, h, a, &b, c, d, e, &f, k[i &+ 2], SHA256.word(words, i &+ 2))
                    SHA256.round(f, g, h, &a, b, c, d, &e, k[i &+ 3], SHA256.word(words, i &+ 3))
                    SHA256.round(e, f, g, &h, a, b, c, &d, k[i &+ 4], SHA256.word(words, i &+ 4))
                    SHA256.round(d, e, f, &g, h, a, b, &c, k[i &+ 5], SHA256.word(words, i &+ 5))
                    SHA256.round(c, d, e, &f, g, h, a, &b, k[i &+ 6], SHA256.word(words, i &+ 6))
                    SHA256.round(b, c, d, &e, f, g, h, &a, k[i &+ 7], SHA256.word(words, i &+ 7))
                    i &+= 8
                }
            }
        }
        state[0] &+= a; state[1] &+= b; state[2] &+= c; state[3] &+= d
        state[4] &+= e; state[5] &+= f; state[6] &+= g; state[7] &+= h
    }

    /// A rotation to the right, as one instruction (masking shifts, not checked ones).
    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    /// Word `i` of the message schedule, kept in a ring of 16 words: the block's own words
    /// for the first 16 rounds, then each worked out from four earlier ones.
    @inline(__always) private static func word(_ words: UnsafeMutableBufferPointer<UInt32>, _ i: Int) -> UInt32 {
        guard i >= 16 else { return words[i] }
        let w15 = words[(i &- 15) & 15], w2 = words[(i &- 2) & 15]
        let s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 &>> 3)
        let s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 &>> 10)
        let next = words[i & 15] &+ s0 &+ words[(i &- 7) & 15] &+ s1
        words[i & 15] = next
        return next
    }

    /// One round: `d` and `h` take their new values, the others are only read (the caller
    /// names them one place on for the next round).
    @inline(__always) private static func round(_ a: UInt32, _ b: UInt32, _ c: UInt32, _ d: inout UInt32,
                                               _ e: UInt32, _ f: UInt32, _ g: UInt32, _ h: inout UInt32,
                                               _ k: UInt32, _ w: UInt32) {
        let t1 = h &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k &+ w
        let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
        d &+= t1
        h = t1 &+ t2
    }
}
