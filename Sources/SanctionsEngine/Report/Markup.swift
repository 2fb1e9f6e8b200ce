/// Text made safe for XML and XHTML-compatible HTML: the one escaping routine of the
/// report stage. Records are untrusted: a name like `<script>` must come out as text.
enum Markup {
    /// Escapes `& < > " '` and replaces characters XML 1.0 forbids (control characters
    /// other than tab, line feed and carriage return; C1 controls; U+FFFE, U+FFFF) by U+FFFD,
    /// so that any record text keeps the document well-formed.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
